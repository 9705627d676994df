// SPDX-License-Identifier: MIT
// bgo export kubernetes: the golden objects of docs/bgo-file.md's example, and every object
// checked against the fields and types of its API version (kubectl cannot validate without a
// cluster): v1 ConfigMap and Service, apps/v1 Deployment, batch/v1 Job and CronJob.
#include "client/app/export_kubernetes.hpp"

#include <initializer_list>
#include <regex>
#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include "tests/unit/client/export_test_support.hpp"

namespace bgo::app {
namespace {

using export_test::parse_app;

ExportOptions k8s_options() {
  ExportOptions o;
  o.target = ExportTarget::kubernetes;
  o.source = "/srv/shop/bgo.yaml";
  o.default_image = "registry.example/shop:1.0";
  o.images = {{"db", "postgres:16"}, {"cache", "redis:7"}};
  return o;
}

// --- A small schema of the fields the export may write, from the Kubernetes API reference ----

enum class Type { string, integer, string_map, object, object_list, string_list, int_or_string };

struct Schema;
struct Field {
  std::string_view name;
  Type type;
  bool required = false;
  const Schema* sub = nullptr;  // object, object_list
};
struct Schema {
  std::string_view name;
  std::vector<Field> fields;
};

// A plain scalar that YAML reads as a number, a boolean or null is not a string.
bool plain_is_typed(const std::string& v) {
  static const std::regex k_typed(
      R"(^([-+]?[0-9][0-9_]*(\.[0-9]*)?([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o?[0-7]+|)"
      R"(true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|)"
      R"(y|Y|n|N|null|Null|NULL|~|\.inf|\.nan)$)");
  return std::regex_match(v, k_typed);
}
bool is_string(const YAML::Node& n) {
  return n.IsScalar() && (n.Tag() == "!" || !plain_is_typed(n.Scalar()));
}
bool is_integer(const YAML::Node& n) {
  return n.IsScalar() && n.Tag() != "!" && std::regex_match(n.Scalar(), std::regex("^[0-9]+$"));
}

const Schema k_meta{"ObjectMeta", {{"name", Type::string, true}, {"labels", Type::string_map}}};
const Schema k_template_meta{"ObjectMeta", {{"labels", Type::string_map, true}}};
const Schema k_env{"EnvVar", {{"name", Type::string, true}, {"value", Type::string}}};
const Schema k_config_map_ref{"ConfigMapEnvSource", {{"name", Type::string, true}}};
const Schema k_env_from{"EnvFromSource", {{"configMapRef", Type::object, true, &k_config_map_ref}}};
const Schema k_container_port{"ContainerPort", {{"containerPort", Type::integer, true}}};
const Schema k_exec{"ExecAction", {{"command", Type::string_list, true}}};
const Schema k_http{
    "HTTPGetAction",
    {{"host", Type::string}, {"path", Type::string}, {"port", Type::int_or_string, true}}};
const Schema k_tcp{"TCPSocketAction",
                   {{"host", Type::string}, {"port", Type::int_or_string, true}}};
const Schema k_probe{"Probe",
                     {{"exec", Type::object, false, &k_exec},
                      {"httpGet", Type::object, false, &k_http},
                      {"tcpSocket", Type::object, false, &k_tcp},
                      {"periodSeconds", Type::integer},
                      {"timeoutSeconds", Type::integer},
                      {"failureThreshold", Type::integer}}};
const Schema k_resources{"ResourceRequirements", {{"limits", Type::string_map}}};
const Schema k_container{"Container",
                         {{"name", Type::string, true},
                          {"image", Type::string, true},
                          {"args", Type::string_list},
                          {"workingDir", Type::string},
                          {"env", Type::object_list, false, &k_env},
                          {"envFrom", Type::object_list, false, &k_env_from},
                          {"ports", Type::object_list, false, &k_container_port},
                          {"readinessProbe", Type::object, false, &k_probe},
                          {"livenessProbe", Type::object, false, &k_probe},
                          {"resources", Type::object, false, &k_resources}}};
const Schema k_pod_spec{"PodSpec",
                        {{"restartPolicy", Type::string},
                         {"terminationGracePeriodSeconds", Type::integer},
                         {"containers", Type::object_list, true, &k_container}}};
const Schema k_pod_template{"PodTemplateSpec",
                            {{"metadata", Type::object, true, &k_template_meta},
                             {"spec", Type::object, true, &k_pod_spec}}};
const Schema k_label_selector{"LabelSelector", {{"matchLabels", Type::string_map, true}}};
const Schema k_deployment_spec{"DeploymentSpec",
                               {{"replicas", Type::integer},
                                {"selector", Type::object, true, &k_label_selector},
                                {"template", Type::object, true, &k_pod_template}}};
const Schema k_job_spec{"JobSpec",
                        {{"backoffLimit", Type::integer},
                         {"completions", Type::integer},
                         {"parallelism", Type::integer},
                         {"template", Type::object, true, &k_pod_template}}};
const Schema k_job_template{"JobTemplateSpec", {{"spec", Type::object, true, &k_job_spec}}};
const Schema k_cron_job_spec{"CronJobSpec",
                             {{"schedule", Type::string, true},
                              {"timeZone", Type::string},
                              {"concurrencyPolicy", Type::string},
                              {"jobTemplate", Type::object, true, &k_job_template}}};
const Schema k_service_port{"ServicePort",
                            {{"port", Type::integer, true}, {"targetPort", Type::int_or_string}}};
const Schema k_service_spec{
    "ServiceSpec",
    {{"selector", Type::string_map}, {"ports", Type::object_list, true, &k_service_port}}};

Schema object_schema(const Schema& spec, std::string_view spec_field) {
  return {"object",
          {{"apiVersion", Type::string, true},
           {"kind", Type::string, true},
           {"metadata", Type::object, true, &k_meta},
           {spec_field, spec_field == "data" ? Type::string_map : Type::object, true, &spec}}};
}

// Checks `node` against `schema`: every required field, no unknown one, each of its type; the
// objects inside are checked in turn (a work list, not recursion).
void check(const YAML::Node& root, const Schema& root_schema, const std::string& root_path,
           std::vector<std::string>& problems) {
  struct Work {
    YAML::Node node;
    const Schema* schema;
    std::string path;
  };
  std::vector<Work> work = {{root, &root_schema, root_path}};
  while (!work.empty()) {
    const Work item = work.back();
    work.pop_back();
    const YAML::Node& node = item.node;
    const Schema& schema = *item.schema;
    const std::string& path = item.path;
    if (!node.IsMap()) {
      problems.push_back(path + ": must be a " + std::string(schema.name) + " object");
      continue;
    }
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      bool known = false;
      for (const Field& f : schema.fields) known = known || f.name == key;
      if (!known) {
        problems.push_back(std::string(path)
                               .append(".")
                               .append(key)
                               .append(": unknown field of ")
                               .append(schema.name));
      }
    }
    for (const Field& f : schema.fields) {
      const YAML::Node value = node[std::string(f.name)];
      const std::string at = path + "." + std::string(f.name);
      if (!value) {
        if (f.required) problems.push_back(at + ": required");
        continue;
      }
      switch (f.type) {
        case Type::string:
          if (!is_string(value)) problems.push_back(at + ": must be a string");
          break;
        case Type::integer:
          if (!is_integer(value)) problems.push_back(at + ": must be an integer");
          break;
        case Type::int_or_string:
          if (!value.IsScalar()) problems.push_back(at + ": must be an integer or a string");
          break;
        case Type::string_map:
          if (!value.IsMap()) problems.push_back(at + ": must be a map of strings");
          for (const auto& e : value) {
            if (!is_string(e.second)) problems.push_back(at + "." + e.first.Scalar() + ": string");
          }
          break;
        case Type::string_list:
          if (!value.IsSequence()) problems.push_back(at + ": must be a list of strings");
          for (const auto& e : value) {
            if (!is_string(e)) problems.push_back(at + "[]: must be a string, not " + e.Scalar());
          }
          break;
        case Type::object:
          work.push_back({value, f.sub, at});
          break;
        case Type::object_list:
          if (!value.IsSequence() || value.size() == 0) problems.push_back(at + ": a list");
          for (size_t i = 0; i < value.size(); ++i) {
            work.push_back({value[i], f.sub, at + "[" + std::to_string(i) + "]"});
          }
          break;
      }
    }
  }
}

bool is_dns_label(const std::string& s) {
  return s.size() <= 63 && std::regex_match(s, std::regex("^[a-z]([-a-z0-9]*[a-z0-9])?$"));
}

// node[k0][k1]..., or an undefined node when a key is missing (yaml-cpp throws on a chain
// through a missing key).
YAML::Node at(const YAML::Node& node, std::initializer_list<const char*> keys) {
  YAML::Node n;
  n.reset(node);
  for (const char* k : keys) {
    if (!n.IsMap() || !n[k]) return YAML::Node(YAML::NodeType::Undefined);
    n.reset(n[k]);  // rebinds, where operator= would overwrite the node
  }
  return n;
}

// The rules beyond the types: names, selectors, policies, probes, quantities.
void check_rules(const YAML::Node& doc, const std::string& path,
                 std::vector<std::string>& problems) {
  const auto kind = doc["kind"].as<std::string>("");
  if (!is_dns_label(at(doc, {"metadata", "name"}).as<std::string>(""))) {
    problems.push_back(path + ": metadata.name is not a DNS-1123 label");
  }
  YAML::Node pod;
  if (kind == "Deployment") {
    pod = at(doc, {"spec", "template"});
    for (const auto& l : at(doc, {"spec", "selector", "matchLabels"})) {
      if (at(pod, {"metadata", "labels", l.first.Scalar().c_str()}).as<std::string>("") !=
          l.second.Scalar()) {
        problems.push_back(path + ": the selector does not select the template's labels");
      }
    }
    if (at(pod, {"spec", "restartPolicy"}) &&
        at(pod, {"spec", "restartPolicy"}).Scalar() != "Always") {
      problems.push_back(path + ": a Deployment's restartPolicy can only be Always");
    }
  } else if (kind == "Job" || kind == "CronJob") {
    pod = kind == "Job" ? at(doc, {"spec", "template"})
                        : at(doc, {"spec", "jobTemplate", "spec", "template"});
    const auto policy = at(pod, {"spec", "restartPolicy"}).as<std::string>("");
    if (policy != "Never" && policy != "OnFailure") {
      problems.push_back(path + ": a Job's restartPolicy must be Never or OnFailure");
    }
  }
  if (kind == "CronJob") {
    const auto schedule = at(doc, {"spec", "schedule"}).as<std::string>("");
    if (!std::regex_match(schedule, std::regex(R"(^(\S+ ){4}\S+$)"))) {
      problems.push_back(path + ": schedule is not five cron fields");
    }
    const auto policy = at(doc, {"spec", "concurrencyPolicy"}).as<std::string>("Allow");
    if (policy != "Allow" && policy != "Forbid" && policy != "Replace") {
      problems.push_back(path + ": concurrencyPolicy");
    }
  }
  if (kind == "Service") {
    for (const auto& p : at(doc, {"spec", "ports"})) {
      const int port = p["port"].as<int>(0);
      if (port < 1 || port > 65535) problems.push_back(path + ": a Service port out of range");
    }
  }
  if (!pod) return;
  for (const auto& c : at(pod, {"spec", "containers"})) {
    if (!is_dns_label(c["name"].as<std::string>(""))) {
      problems.push_back(path + ": a container name is not a DNS-1123 label");
    }
    for (const char* probe : {"readinessProbe", "livenessProbe"}) {
      if (!c[probe]) continue;
      const int handlers = (c[probe]["exec"] ? 1 : 0) + (c[probe]["httpGet"] ? 1 : 0) +
                           (c[probe]["tcpSocket"] ? 1 : 0);
      if (handlers != 1) problems.push_back(path + ": a probe needs exactly one handler");
    }
    const YAML::Node memory = at(c, {"resources", "limits", "memory"});
    if (memory && !std::regex_match(memory.Scalar(),
                                    std::regex(R"(^[0-9]+(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$)"))) {
      problems.push_back(path + ": resources.limits.memory is not a quantity");
    }
  }
}

// Every object of every YAML file: its schema by apiVersion and kind, then the rules.
std::vector<std::string> check_objects(const std::vector<ExportFile>& files) {
  static const Schema k_config_map = object_schema(Schema{"data", {}}, "data");
  static const Schema k_deployment = object_schema(k_deployment_spec, "spec");
  static const Schema k_job = object_schema(k_job_spec, "spec");
  static const Schema k_cron_job = object_schema(k_cron_job_spec, "spec");
  static const Schema k_service = object_schema(k_service_spec, "spec");
  const std::map<std::string, std::pair<std::string, const Schema*>> kinds = {
      {"ConfigMap", {"v1", &k_config_map}},
      {"Service", {"v1", &k_service}},
      {"Deployment", {"apps/v1", &k_deployment}},
      {"Job", {"batch/v1", &k_job}},
      {"CronJob", {"batch/v1", &k_cron_job}}};
  std::vector<std::string> problems;
  for (const auto& f : files) {
    if (!f.path.ends_with(".yaml")) continue;
    const auto docs = YAML::LoadAll(f.text);
    for (size_t i = 0; i < docs.size(); ++i) {
      const std::string path = f.path + "#" + std::to_string(i);
      const auto kind = docs[i]["kind"].as<std::string>("");
      const auto found = kinds.find(kind);
      if (found == kinds.end()) {
        problems.push_back(
            std::string(path).append(": unexpected kind '").append(kind).append("'"));
        continue;
      }
      if (docs[i]["apiVersion"].as<std::string>("") != found->second.first) {
        problems.push_back(std::string(path).append(": a ").append(kind).append(" is ").append(
            found->second.first));
      }
      check(docs[i], *found->second.second, path, problems);
      check_rules(docs[i], path, problems);
    }
  }
  return problems;
}

TEST(ExportKubernetes, TheDocsExampleMatchesItsGoldenFiles) {
  const AppSpec app = export_test::doc_example();
  auto files = export_app(app, k8s_options());
  ASSERT_TRUE(files) << files.error().to_string();
  export_test::expect_golden("kubernetes", *files);
  ExportContext ctx(app, k8s_options());
  (void)export_kubernetes(ctx);  // the files were checked above; the report is what matters here
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
}

TEST(ExportKubernetes, EveryObjectHasTheFieldsAndTypesOfItsApiVersion) {
  auto files = export_app(export_test::doc_example(), k8s_options());
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(check_objects(*files), std::vector<std::string>{});
  // The checker does catch mistakes.
  std::vector<ExportFile> broken = {
      {"a.yaml",
       "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: A_b}\nspec:\n  replicas: two\n"
       "  selector: {matchLabels: {x: v}}\n  template:\n    metadata: {labels: {x: z}}\n"
       "    spec:\n      containers:\n        - {name: a, image: i, args: [1], prots: []}\n"}};
  const auto problems = check_objects(broken);
  EXPECT_EQ(problems.size(), 5U) << ::testing::PrintToString(problems);
}

TEST(ExportKubernetes, ObjectsOfOddInput) {
  const AppSpec app = parse_app(
      "name: My_Shop\n"
      "processes:\n"
      "  Big_Worker:\n"
      "    command: [run, '$$(HOME)', 'a$$b']\n"
      "    env: {X: '$$(Y)', N: '8080'}\n"
      "    instances: 3\n"
      "    restart: never\n"
      "    max_memory: 1536M\n"
      "    ready: {http: 'http://10.0.0.5:8080/ready'}\n"
      "  probe:\n"
      "    command: [x]\n"
      "    live: {tcp: 'localhost:9000'}\n"
      "    stop: {timeout: 1500ms, signal: SIGINT}\n");
  auto files = export_app(app, k8s_options());
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(check_objects(*files), std::vector<std::string>{});
  const YAML::Node job = YAML::Load(files->at(0).text);
  EXPECT_EQ(files->at(0).path, "big-worker.yaml");
  EXPECT_EQ(job["kind"].as<std::string>(), "Job");
  EXPECT_EQ(job["metadata"]["labels"]["app.kubernetes.io/part-of"].as<std::string>(), "my-shop");
  EXPECT_EQ(job["spec"]["completions"].as<int>(), 3);
  const YAML::Node c = job["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(c["args"][1].as<std::string>(), "$$(HOME)");  // Kubernetes reads $$ as $
  EXPECT_EQ(c["args"][2].as<std::string>(), "a$$b");
  EXPECT_EQ(c["env"][1]["value"].as<std::string>(), "$$(Y)");
  EXPECT_EQ(c["resources"]["limits"]["memory"].as<std::string>(), "1536Mi");
  EXPECT_EQ(c["readinessProbe"]["httpGet"]["host"].as<std::string>(), "10.0.0.5");
  const auto probe = YAML::LoadAll(files->at(1).text);
  ASSERT_EQ(probe.size(), 2U);  // a Deployment and its Service (the check's port)
  const YAML::Node spec = probe[0]["spec"]["template"]["spec"];
  EXPECT_EQ(spec["terminationGracePeriodSeconds"].as<int>(), 2);
  EXPECT_FALSE(spec["containers"][0]["livenessProbe"]["tcpSocket"]["host"]);  // the pod's IP
  EXPECT_EQ(probe[1]["spec"]["ports"][0]["port"].as<int>(), 9000);
}

TEST(ExportKubernetes, Quantities) {
  EXPECT_EQ(k8s_quantity(256ULL << 20), "256Mi");
  EXPECT_EQ(k8s_quantity(2ULL << 30), "2Gi");
  EXPECT_EQ(k8s_quantity(1536ULL << 10), "1536Ki");
  EXPECT_EQ(k8s_quantity(1000), "1000");
}

TEST(ExportKubernetes, NamesMustStayApart) {
  auto files = export_app(
      parse_app("processes:\n  web_1: {command: [x]}\n  web-1: {command: [y]}\n"), k8s_options());
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().to_string(),
            "process 'web-1': name: becomes the Kubernetes name 'web-1', as process 'web_1' does: "
            "rename one");
  files = export_app(parse_app("processes:\n  9lives: {command: [x]}\n"), k8s_options());
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().process, "9lives");
}

}  // namespace
}  // namespace bgo::app
