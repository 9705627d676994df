// SPDX-License-Identifier: MIT
// bgo export compose: the golden compose.yaml of docs/bgo-file.md's example, its structure as
// YAML, scalars, conditions and health checks, and the input compose cannot take.
#include "client/app/export_compose.hpp"

#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include "tests/unit/client/export_test_support.hpp"

namespace bgo::app {
namespace {

using export_test::parse_app;

ExportOptions compose_options() {
  ExportOptions o;
  o.target = ExportTarget::compose;
  o.source = "/srv/shop/bgo.yaml";
  o.default_image = "registry.example/shop:1.0";
  o.images = {{"db", "postgres:16"}, {"cache", "redis:7"}};
  return o;
}

TEST(ExportCompose, TheDocsExampleMatchesItsGoldenFiles) {
  const AppSpec app = export_test::doc_example();
  auto files = export_app(app, compose_options());
  ASSERT_TRUE(files) << files.error().to_string();
  export_test::expect_golden("compose", *files);
  ExportContext ctx(app, compose_options());
  (void)export_compose(ctx);  // the files were checked above; the report is what matters here
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
}

TEST(ExportCompose, TheServicesAsYaml) {
  auto files = export_app(export_test::doc_example(), compose_options());
  ASSERT_TRUE(files) << files.error().to_string();
  ASSERT_EQ(files->front().path, "compose.yaml");
  const YAML::Node root = YAML::Load(files->front().text);
  const YAML::Node api = root["services"]["api"];
  ASSERT_TRUE(api.IsMap()) << files->front().text;
  EXPECT_EQ(api["image"].as<std::string>(), "registry.example/shop:1.0");
  EXPECT_EQ(api["command"][1].as<std::string>(), "server.js");
  EXPECT_EQ(api["deploy"]["replicas"].as<int>(), 2);
  EXPECT_EQ(api["environment"]["PORT"].as<std::string>(), "3000");  // every replica's
  EXPECT_EQ(api["depends_on"]["migrate"]["condition"].as<std::string>(),
            "service_completed_successfully");
  EXPECT_EQ(api["healthcheck"]["test"][3].as<std::string>(),
            "curl -fsS http://127.0.0.1:$$PORT/health");  // compose turns $$ into $
  EXPECT_EQ(api["restart"].as<std::string>(), "unless-stopped");
  EXPECT_EQ(api["stop_signal"].as<std::string>(), "SIGINT");
  EXPECT_EQ(root["services"]["db"]["image"].as<std::string>(), "postgres:16");
  EXPECT_EQ(root["services"]["web"]["depends_on"]["api"]["condition"].as<std::string>(),
            "service_healthy");
  EXPECT_EQ(root["services"]["web"]["healthcheck"]["start_period"].as<std::string>(), "1m");
  EXPECT_EQ(root["services"]["cache"]["mem_limit"].as<int64_t>(), 256LL << 20);
  EXPECT_EQ(root["services"]["report"]["restart"].as<std::string>(), "no");
  EXPECT_EQ(root["x-shared-env"]["SECRET"].as<std::string>(), "p4$$word");
}

TEST(ExportCompose, Scalars) {
  EXPECT_EQ(compose_scalar("node"), "node");
  EXPECT_EQ(compose_scalar("$HOME"), "\"$$HOME\"");
  EXPECT_EQ(compose_scalar("6379"), "\"6379\"");
  EXPECT_EQ(compose_scalar("no"), "\"no\"");
  EXPECT_EQ(compose_scalar(""), "\"\"");
}

TEST(ExportCompose, EveryProcessNeedsAnImage) {
  ExportOptions o = compose_options();
  o.default_image.clear();
  auto files = export_app(export_test::doc_example(), o);
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().process, "migrate");  // db and cache have theirs
  EXPECT_EQ(files.error().setting, "image");
  EXPECT_NE(files.error().message.find("--image IMAGE (every process) or --image migrate=IMAGE"),
            std::string::npos)
      << files.error().message;
}

TEST(ExportCompose, ANameComposeRefusesIsAnError) {
  auto files = export_app(parse_app("processes:\n  my app: {command: [x]}\n"), compose_options());
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().to_string(),
            "process 'my app': name: compose service names are letters, digits, '.', '_' and "
            "'-': rename the process");
}

TEST(ExportCompose, ConditionsAndChecks) {
  const AppSpec app = parse_app(
      "name: p\n"
      "processes:\n"
      "  once: {command: [x], restart: never}\n"
      "  probed: {command: [x], ready: {exec: [check]}, live: {tcp: '127.0.0.1:80'}}\n"
      "  main:\n"
      "    command: [x]\n"
      "    depends_on: {once: completed, probed: ready}\n");
  ExportContext ctx(app, compose_options());
  const auto files = export_compose(ctx);
  const YAML::Node root = YAML::Load(files.front().text);
  EXPECT_EQ(root["services"]["main"]["depends_on"]["probed"]["condition"].as<std::string>(),
            "service_healthy");
  EXPECT_EQ(root["services"]["probed"]["healthcheck"]["test"][1].as<std::string>(), "check");
  EXPECT_EQ(root["services"]["probed"]["healthcheck"]["retries"].as<int>(), 1);
  // "completed" becomes the stricter service_completed_successfully: reported.
  const std::string report = ctx.report().markdown("p", "compose", "test");
  EXPECT_NE(report.find("| main | depends_on: once | `completed` | **not carried over**"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("| probed | live | `tcp: 127.0.0.1:80"), std::string::npos) << report;
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
}

}  // namespace
}  // namespace bgo::app
