// SPDX-License-Identifier: MIT
// The bgo.yaml text of an imported AppSpec: instance groups, shared env, quoting, $$.
#include "client/app/import_yaml_writer.hpp"

#include <yaml-cpp/yaml.h>

#include <gtest/gtest.h>

#include "client/app/import_util.hpp"

namespace bgo::app {
namespace {

AppSpec sample() {
  AppSpec app;
  app.project = "shop";
  ProcessSpec web;
  web.name = "web";
  web.command = {"/bin/sh", "-c", "puma -p $PORT"};
  web.cwd = "/srv/shop";
  web.env = {{"PORT", "5000"}, {"RAILS_ENV", "production"}};
  add_instances(app, web, 2, true);
  ProcessSpec worker;
  worker.name = "worker";
  worker.command = {"sidekiq", "-q", "default", "true", "8080"};
  worker.cwd = "/elsewhere";
  worker.env = {{"RAILS_ENV", "production"}, {"QUOTE", "say \"hi\"\n"}};
  worker.policy.after = {{"web:0", DependencyCondition::started},
                         {"web:1", DependencyCondition::started}};
  worker.policy.restart = RestartPolicy::on_failure;
  worker.policy.success_codes = std::vector<int64_t>{0, 2};
  worker.watch = true;
  worker.min_uptime = 1;
  worker.on_fast_crash = "backoff";
  worker.policy.stop_signal = 2;
  worker.policy.stop_timeout_ms = 1600;
  worker.policy.max_memory = 512ULL * 1024 * 1024;
  app.processes.push_back(worker);
  report(app, "worker", "user", "bgo runs processes as bgod's user");
  return app;
}

TEST(ImportYamlWriter, LayoutOfTheSketch) {
  const std::string text = write_bgo_yaml(sample(), "/srv/shop", "Imported for a test.");
  EXPECT_NE(text.find("# Imported for a test.\n"), std::string::npos);
  EXPECT_NE(text.find("#   worker: user: bgo runs processes as bgod's user\n"), std::string::npos);
  const YAML::Node root = YAML::Load(text);
  EXPECT_EQ(root["version"].as<int>(), 1);
  EXPECT_EQ(root["name"].as<std::string>(), "shop");
  EXPECT_EQ(root["env"]["RAILS_ENV"].as<std::string>(), "production");  // shared by all
  const YAML::Node web = root["processes"]["web"];
  ASSERT_TRUE(web.IsMap()) << text;
  EXPECT_EQ(web["command"][2].as<std::string>(), "puma -p $$PORT");
  EXPECT_EQ(web["cwd"].as<std::string>(), ".");
  EXPECT_EQ(web["instances"].as<int>(), 2);
  EXPECT_TRUE(web["port_offset"].as<bool>());
  EXPECT_EQ(web["env"]["PORT"].as<std::string>(), "5000");
  EXPECT_FALSE(web["env"]["BGO_INSTANCE"]);
  const YAML::Node worker = root["processes"]["worker"];
  EXPECT_EQ(worker["cwd"].as<std::string>(), "/elsewhere");
  EXPECT_EQ(worker["command"][3].Tag(), "!");  // "true" stays a string
  EXPECT_EQ(worker["command"][4].Tag(), "!");  // so does "8080"
  EXPECT_EQ(worker["env"]["QUOTE"].as<std::string>(), "say \"hi\"\n");
  EXPECT_EQ(worker["depends_on"]["web"].as<std::string>(), "started");
  EXPECT_EQ(worker["restart"].as<std::string>(), "on-failure");
  EXPECT_EQ(worker["success_codes"][1].as<int>(), 2);
  EXPECT_EQ(worker["watch"]["min_uptime"].as<std::string>(), "1s");
  EXPECT_EQ(worker["stop"]["signal"].as<std::string>(), "SIGINT");
  EXPECT_EQ(worker["stop"]["timeout"].as<std::string>(), "1s600ms");
  EXPECT_EQ(worker["max_memory"].as<std::string>(), "512M");
}

TEST(ImportYamlWriter, InstancesThatDifferStaySeparate) {
  AppSpec app;
  ProcessSpec p;
  p.name = "api";
  p.command = {"api"};
  p.cwd = "/x";
  add_instances(app, p, 2, false);
  app.processes[1].command = {"api", "--other"};
  const YAML::Node root = YAML::Load(write_bgo_yaml(app, "/x", ""));
  EXPECT_TRUE(root["processes"]["api:0"]);
  EXPECT_TRUE(root["processes"]["api:1"]);
}

TEST(ImportYamlWriter, Scalars) {
  EXPECT_EQ(yaml_scalar("node"), "node");
  EXPECT_EQ(yaml_scalar("--port"), "--port");
  EXPECT_EQ(yaml_scalar("yes"), "\"yes\"");
  EXPECT_EQ(yaml_scalar("80"), "\"80\"");
  EXPECT_EQ(yaml_scalar("a: b"), "\"a: b\"");
  EXPECT_EQ(yaml_scalar(""), "\"\"");
  EXPECT_EQ(yaml_scalar("tab\there"), "\"tab\\there\"");
}

}  // namespace
}  // namespace bgo::app
