// SPDX-License-Identifier: MIT
// bgo export nomad: the golden jobs of docs/bgo-file.md's example, and every job checked
// against the documented fields of Nomad's JSON job specification (api/jobs.go, api/tasks.go,
// api/services.go, api/resources.go; raw_exec's task config) and the rules Nomad's own
// validation applies to them (restart and reschedule policies, checks, names).
#include "client/app/export_nomad.hpp"

#include <regex>
#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "tests/unit/client/export_test_support.hpp"

namespace bgo::app {
namespace {

namespace json = boost::json;
using export_test::parse_app;

ExportOptions nomad_options() {
  ExportOptions o;
  o.target = ExportTarget::nomad;
  o.source = "/srv/shop/bgo.yaml";
  return o;
}

// --- The documented fields the export may write -----------------------------------------------

enum class Type {
  string,
  integer,
  boolean,
  duration,
  string_list,
  string_map,
  object,
  object_list
};

struct Schema;
struct Field {
  std::string_view name;
  Type type;
  bool required = false;
  const Schema* sub = nullptr;
};
struct Schema {
  std::string_view name;
  std::vector<Field> fields;
};

const Schema k_restart{"RestartPolicy",
                       {{"Attempts", Type::integer},
                        {"Interval", Type::duration},
                        {"Delay", Type::duration},
                        {"Mode", Type::string},
                        {"RenderTemplates", Type::boolean}}};
const Schema k_reschedule{"ReschedulePolicy",
                          {{"Attempts", Type::integer},
                           {"Interval", Type::duration},
                           {"Delay", Type::duration},
                           {"DelayFunction", Type::string},
                           {"MaxDelay", Type::duration},
                           {"Unlimited", Type::boolean}}};
const Schema k_port{"Port", {{"Label", Type::string, true}, {"Value", Type::integer}}};
const Schema k_network{
    "NetworkResource",
    {{"Mode", Type::string}, {"ReservedPorts", Type::object_list, false, &k_port}}};
const Schema k_check_restart{"CheckRestart", {{"Limit", Type::integer}, {"Grace", Type::duration}}};
const Schema k_check{"ServiceCheck",
                     {{"Name", Type::string},
                      {"Type", Type::string, true},
                      {"Path", Type::string},
                      {"PortLabel", Type::string},
                      {"Interval", Type::duration, true},
                      {"Timeout", Type::duration, true},
                      {"CheckRestart", Type::object, false, &k_check_restart}}};
const Schema k_service{"Service",
                       {{"Name", Type::string, true},
                        {"Provider", Type::string},
                        {"PortLabel", Type::string},
                        {"Checks", Type::object_list, false, &k_check}}};
const Schema k_lifecycle{"TaskLifecycle",
                         {{"Hook", Type::string, true}, {"Sidecar", Type::boolean}}};
const Schema k_resources{"Resources", {{"CPU", Type::integer}, {"MemoryMB", Type::integer}}};
const Schema k_log_config{"LogConfig",
                          {{"MaxFiles", Type::integer}, {"MaxFileSizeMB", Type::integer}}};
// drivers/rawexec/driver.go, taskConfigSpec.
const Schema k_raw_exec{
    "raw_exec config",
    {{"command", Type::string, true}, {"args", Type::string_list}, {"work_dir", Type::string}}};
const Schema k_task{"Task",
                    {{"Name", Type::string, true},
                     {"Driver", Type::string, true},
                     {"Config", Type::object, true, &k_raw_exec},
                     {"Env", Type::string_map},
                     {"Lifecycle", Type::object, false, &k_lifecycle},
                     {"RestartPolicy", Type::object, false, &k_restart},
                     {"KillSignal", Type::string},
                     {"KillTimeout", Type::duration},
                     {"Resources", Type::object, false, &k_resources},
                     {"LogConfig", Type::object, false, &k_log_config}}};
const Schema k_group{"TaskGroup",
                     {{"Name", Type::string, true},
                      {"Count", Type::integer},
                      {"RestartPolicy", Type::object, false, &k_restart},
                      {"ReschedulePolicy", Type::object, false, &k_reschedule},
                      {"Networks", Type::object_list, false, &k_network},
                      {"Services", Type::object_list, false, &k_service},
                      {"Tasks", Type::object_list, true, &k_task}}};
const Schema k_periodic{"PeriodicConfig",
                        {{"Enabled", Type::boolean},
                         {"Spec", Type::string},
                         {"SpecType", Type::string},
                         {"TimeZone", Type::string},
                         {"ProhibitOverlap", Type::boolean}}};
const Schema k_job{"Job",
                   {{"ID", Type::string, true},
                    {"Name", Type::string},
                    {"Type", Type::string},
                    {"Datacenters", Type::string_list},
                    {"Periodic", Type::object, false, &k_periodic},
                    {"TaskGroups", Type::object_list, true, &k_group}}};

// Every required field, no unknown one, each of its type (a work list, not recursion).
void check_fields(const json::value& root, std::vector<std::string>& problems) {
  struct Work {
    const json::value* value;
    const Schema* schema;
    std::string path;
  };
  std::vector<Work> work = {{&root, &k_job, "Job"}};
  while (!work.empty()) {
    const Work item = work.back();
    work.pop_back();
    const json::object* o = item.value->if_object();
    if (o == nullptr) {
      problems.push_back(item.path + ": must be an object");
      continue;
    }
    for (const auto& [key, _] : *o) {
      bool known = false;
      for (const Field& f : item.schema->fields) known = known || f.name == key;
      if (!known) {
        problems.push_back(std::string(item.path)
                               .append(".")
                               .append(key)
                               .append(": not a field of ")
                               .append(item.schema->name));
      }
    }
    for (const Field& f : item.schema->fields) {
      const std::string at = item.path + "." + std::string(f.name);
      const json::value* v = o->if_contains(f.name);
      if (v == nullptr) {
        if (f.required) problems.push_back(at + ": required");
        continue;
      }
      bool ok = true;
      switch (f.type) {
        case Type::string:
          ok = v->is_string();
          break;
        case Type::integer:
        case Type::duration:  // nanoseconds
          ok = v->is_int64() || v->is_uint64();
          break;
        case Type::boolean:
          ok = v->is_bool();
          break;
        case Type::string_list:
          ok = v->is_array();
          for (const auto& e : ok ? v->as_array() : json::array{}) ok = ok && e.is_string();
          break;
        case Type::string_map:
          ok = v->is_object();
          for (const auto& [k, e] : ok ? v->as_object() : json::object{}) ok = ok && e.is_string();
          break;
        case Type::object:
          work.push_back({v, f.sub, at});
          break;
        case Type::object_list:
          ok = v->is_array();
          if (ok) {
            for (size_t i = 0; i < v->as_array().size(); ++i) {
              work.push_back({&v->as_array()[i], f.sub, at + "[" + std::to_string(i) + "]"});
            }
          }
          break;
      }
      if (!ok) problems.push_back(at + ": wrong type");
    }
  }
}

int64_t integer(const json::value& v) { return v.is_int64() ? v.as_int64() : 0; }

// What Nomad's validation checks of the fields above (nomad/structs).
void check_rules(const json::object& job, std::vector<std::string>& problems) {
  constexpr int64_t k_second = 1'000'000'000;
  // Nomad's (?i:...) as std::regex::icase: ECMAScript has no inline flags.
  static const std::regex k_rfc1123("^([a-z0-9]|[a-z0-9][a-z0-9\\-]{0,61}[a-z0-9])$",
                                    std::regex::icase);
  const auto type = json::value_to<std::string>(job.at("Type"));
  if (type != "service" && type != "batch") problems.push_back("Job.Type " + type);
  if (const auto* periodic = job.if_contains("Periodic")) {
    if (type != "batch") problems.emplace_back("a periodic job must be a batch job");
    const auto spec = json::value_to<std::string>(periodic->at("Spec"));
    if (!std::regex_match(spec, std::regex(R"(^(\S+ ){4}\S+$)"))) {
      problems.emplace_back("Periodic.Spec is not five cron fields");
    }
  }
  const auto check_restart = [&](const json::object& rp, const std::string& at) {
    const auto mode = json::value_to<std::string>(rp.at("Mode"));
    if (mode != "delay" && mode != "fail") problems.push_back(at + ": mode " + mode);
    if (integer(rp.at("Attempts")) == 0 && mode != "fail") problems.push_back(at + ": ambiguous");
    if (integer(rp.at("Interval")) < 5 * k_second) problems.push_back(at + ": interval < 5s");
    if (integer(rp.at("Attempts")) * integer(rp.at("Delay")) > integer(rp.at("Interval"))) {
      problems.push_back(at + ": cannot restart that often in the interval");
    }
  };
  std::set<std::string> group_names;
  for (const auto& gv : job.at("TaskGroups").as_array()) {
    const json::object& g = gv.as_object();
    const auto name = json::value_to<std::string>(g.at("Name"));
    if (!group_names.insert(name).second) problems.push_back("two groups named " + name);
    if (const auto* rp = g.if_contains("RestartPolicy")) check_restart(rp->as_object(), name);
    if (const auto* rs = g.if_contains("ReschedulePolicy")) {
      const bool enabled = integer(rs->at("Attempts")) > 0 || rs->at("Unlimited").as_bool();
      if (enabled) problems.push_back(name + ": a reschedule policy needs delays (not written)");
    }
    std::set<std::string> labels;
    if (const auto* networks = g.if_contains("Networks")) {
      for (const auto& n : networks->as_array()) {
        for (const auto& p : n.at("ReservedPorts").as_array()) {
          labels.insert(json::value_to<std::string>(p.at("Label")));
          const int64_t port = integer(p.at("Value"));
          if (port < 1 || port > 65535) problems.push_back(name + ": a port out of range");
        }
      }
    }
    if (const auto* services = g.if_contains("Services")) {
      for (const auto& sv : services->as_array()) {
        const auto service = json::value_to<std::string>(sv.at("Name"));
        if (!std::regex_match(service, k_rfc1123)) problems.push_back(service + ": RFC 1123");
        for (const auto& c : sv.at("Checks").as_array()) {
          const auto kind = json::value_to<std::string>(c.at("Type"));
          if (kind != "http" && kind != "tcp")
            problems.push_back(std::string(service).append(": nomad checks ").append(kind));
          if (!labels.contains(json::value_to<std::string>(c.at("PortLabel")))) {
            problems.push_back(service + ": a check's port is no reserved port's label");
          }
          if (integer(c.at("Interval")) < k_second || integer(c.at("Timeout")) < k_second) {
            problems.push_back(service + ": a check's interval or timeout under 1s");
          }
        }
      }
    }
    std::set<std::string> task_names;
    int mains = 0;
    for (const auto& tv : g.at("Tasks").as_array()) {
      const json::object& t = tv.as_object();
      const auto task = json::value_to<std::string>(t.at("Name"));
      if (!task_names.insert(task).second)
        problems.push_back(std::string(name).append(": two tasks named ").append(task));
      if (json::value_to<std::string>(t.at("Driver")) != "raw_exec")
        problems.emplace_back("driver");
      const auto* work_dir = t.at("Config").as_object().if_contains("work_dir");
      if (work_dir != nullptr && !work_dir->as_string().starts_with("/")) {
        problems.push_back(task + ": work_dir must be absolute");
      }
      if (const auto* lifecycle = t.if_contains("Lifecycle")) {
        const auto hook = json::value_to<std::string>(lifecycle->at("Hook"));
        if (hook != "prestart" && hook != "poststart" && hook != "poststop") {
          problems.push_back(std::string(task).append(": hook ").append(hook));
        }
      } else {
        ++mains;
      }
      if (const auto* rp = t.if_contains("RestartPolicy")) check_restart(rp->as_object(), task);
    }
    if (mains == 0) problems.push_back(name + ": no main task");
  }
}

std::vector<std::string> check_jobs(const std::vector<ExportFile>& files) {
  std::vector<std::string> problems;
  for (const auto& f : files) {
    if (!f.path.ends_with(".nomad.json")) continue;
    const json::value doc = json::parse(f.text);
    const json::value* job = doc.as_object().if_contains("Job");
    if (job == nullptr || doc.as_object().size() != 1) {
      problems.push_back(f.path + ": not {\"Job\": ...}");
      continue;
    }
    check_fields(*job, problems);
    if (problems.empty()) check_rules(job->as_object(), problems);
  }
  return problems;
}

TEST(ExportNomad, TheDocsExampleMatchesItsGoldenFiles) {
  const AppSpec app = export_test::doc_example();
  auto files = export_app(app, nomad_options());
  ASSERT_TRUE(files) << files.error().to_string();
  export_test::expect_golden("nomad", *files);
  ExportContext ctx(app, nomad_options());
  (void)export_nomad(ctx);  // the files were checked above; the report is what matters here
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
}

TEST(ExportNomad, EveryJobHasTheDocumentedFieldsAndPassesNomadsRules) {
  auto files = export_app(export_test::doc_example(), nomad_options());
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(check_jobs(*files), std::vector<std::string>{});
  // The checker does catch mistakes.
  const std::vector<ExportFile> broken = {
      {"x.nomad.json",
       R"({"Job": {"ID": "x", "Type": "service", "TaskGroups": [{"Name": "a", "Cout": 1,
           "Tasks": [{"Name": "a", "Driver": "raw_exec", "Config": {"command": 1}}]}]}})"}};
  EXPECT_EQ(check_jobs(broken).size(), 2U) << ::testing::PrintToString(check_jobs(broken));
}

TEST(ExportNomad, TheShapeOfTheExample) {
  auto files = export_app(export_test::doc_example(), nomad_options());
  ASSERT_TRUE(files) << files.error().to_string();
  ASSERT_EQ(files->size(), 3U);  // the service job, report's periodic job, the report
  EXPECT_EQ(files->at(0).path, "shop.nomad.json");
  EXPECT_EQ(files->at(1).path, "shop-report.nomad.json");
  const json::value job = json::parse(files->at(0).text).at("Job");
  std::vector<std::string> groups;
  for (const auto& g : job.at("TaskGroups").as_array()) {
    groups.push_back(json::value_to<std::string>(g.at("Name")));
  }
  // migrate is a prestart task of api, not a group.
  EXPECT_EQ(groups, (std::vector<std::string>{"db", "cache", "api", "web", "worker"}));
  const json::object& api = job.at("TaskGroups").as_array()[2].as_object();
  EXPECT_EQ(api.at("Count"), 2);
  const json::array& tasks = api.at("Tasks").as_array();
  ASSERT_EQ(tasks.size(), 2U);
  EXPECT_EQ(tasks[0].at("Name"), "migrate");
  EXPECT_EQ(tasks[0].at("Lifecycle").at("Hook"), "prestart");
  EXPECT_EQ(tasks[0].at("Config").at("command"), "/srv/shop/bin/migrate");
  EXPECT_EQ(tasks[1].at("Env").at("BGO_INSTANCE"), "${NOMAD_ALLOC_INDEX}");
  EXPECT_EQ(tasks[1].at("KillSignal"), "SIGINT");
  EXPECT_EQ(tasks[1].at("KillTimeout"), 10'000'000'000LL);
  const json::value periodic = json::parse(files->at(1).text).at("Job");
  EXPECT_EQ(periodic.at("Type"), "batch");
  EXPECT_EQ(periodic.at("Periodic").at("Spec"), "0 4 * * *");
}

TEST(ExportNomad, OddInputStaysValid) {
  const AppSpec app = parse_app(
      "name: odd\n"
      "processes:\n"
      "  quick:\n"
      "    command: [/bin/true]\n"
      "    watch: {on_fast_crash: stop, min_uptime: 1s}\n"
      "    live: {http: 'http://127.0.0.1:8080/health', interval: 100ms, failures: 2}\n"
      "    ready: {tcp: '127.0.0.1:9090'}\n"
      "  retrying:\n"
      "    command: [x]\n"
      "    restart: always\n"
      "    watch: {on_fast_crash: retry}\n"
      "    logs: {max_size: 100K, files: 0}\n");
  auto files = export_app(app, nomad_options());
  ASSERT_TRUE(files) << files.error().to_string();
  EXPECT_EQ(check_jobs(*files), std::vector<std::string>{});
}

}  // namespace
}  // namespace bgo::app
