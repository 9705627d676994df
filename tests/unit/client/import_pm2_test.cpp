// SPDX-License-Identifier: MIT
// pm2 ecosystems against what pm2 starts: interpreter by extension, SIGINT + kill_timeout,
// autorestart, instances, env_MODE; JavaScript files through node.
#include <fstream>
#include <unistd.h>

#include <gtest/gtest.h>

#include "client/app/import.hpp"
#include "tests/unit/client/import_test_support.hpp"

namespace bgo::app {
namespace {

using test::find_process;
using test::fixture;
using test::reported;

bool have_node() { return ::access("/usr/bin/node", X_OK) == 0 || std::getenv("PATH") != nullptr; }

ImportOptions options_with(std::string env_mode = {}) {
  ImportOptions options;
  options.env_mode = std::move(env_mode);
  options.environment = std::map<std::string, std::string>{
      {"PATH", std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin:/bin"},
      {"IMPORT_TEST_HOME", "/home/tester"}};
  return options;
}

Result<AppSpec> import_js(const std::string& path, const ImportOptions& options) {
  return import_file(fixture(path), ImportFormat::pm2, options);
}

TEST(ImportPm2, InitSimple) {
  auto app = import_js("pm2/simple/ecosystem.config.js", options_with());
  if (!app && app.error().message.find("node") != std::string::npos && !have_node()) {
    GTEST_SKIP() << "node is not installed";
  }
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 1U);
  const ProcessSpec& p = app->processes[0];
  EXPECT_EQ(p.name, "app1");
  EXPECT_EQ(p.command, (std::vector<std::string>{"node", "./app.js"}));
  EXPECT_EQ(p.cwd, fixture("pm2/simple"));
  EXPECT_EQ(p.env.at("NODE_APP_INSTANCE"), "0");
  EXPECT_EQ(p.policy.restart, RestartPolicy::always);
  EXPECT_TRUE(p.watch);
  EXPECT_EQ(p.min_uptime, 1);                 // pm2's 1000 ms
  EXPECT_EQ(p.policy.stop_signal, 2);         // pm2 stops with SIGINT...
  EXPECT_EQ(p.policy.stop_timeout_ms, 1600);  // ...and kills 1.6 s later
  EXPECT_TRUE(app->not_imported.empty());
}

TEST(ImportPm2, FullEcosystemWithProductionEnv) {
  auto app = import_js("pm2/full/ecosystem.config.js", options_with("production"));
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 6U);  // api:0..3, worker, static
  const ProcessSpec* api0 = find_process(*app, "api:0");
  const ProcessSpec* api3 = find_process(*app, "api:3");
  ASSERT_TRUE(api0 != nullptr && api3 != nullptr);
  EXPECT_EQ(api0->command, (std::vector<std::string>{"node", "./server.js", "--port", "8080",
                                                     "--name", "my api"}));
  EXPECT_EQ(api0->env.at("NODE_ENV"), "production");  // env_production over env
  EXPECT_EQ(api0->env.at("PORT"), "8080");            // increment_var: PORT
  EXPECT_EQ(api3->env.at("PORT"), "8083");
  EXPECT_EQ(api3->env.at("BGO_INSTANCE"), "3");
  EXPECT_EQ(api0->policy.max_memory, 300ULL * 1024 * 1024);
  EXPECT_EQ(api0->policy.stop_timeout_ms, 3000);
  EXPECT_EQ(api0->min_uptime, 10);
  EXPECT_EQ(api0->policy.cron, "0 3 * * *");
  ASSERT_TRUE(api0->logs);
  EXPECT_TRUE(api0->logs->timestamps);
  for (const char* key : {"exec_mode", "NODE_APP_INSTANCE", "max_restarts", "restart_delay",
                          "out_file", "error_file", "watch", "ignore_watch"}) {
    EXPECT_NE(reported(*app, "api", key), "") << key;
  }
  EXPECT_NE(reported(*app, "", "deploy"), "");

  const ProcessSpec* worker = find_process(*app, "worker");
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->command, (std::vector<std::string>{"python3", "-u", "worker.py"}));
  EXPECT_EQ(worker->cwd, fixture("pm2/full/jobs"));
  EXPECT_EQ(worker->env.at("PYTHONUNBUFFERED"), "1");
  EXPECT_EQ(worker->policy.restart, RestartPolicy::never);
  EXPECT_FALSE(worker->watch);

  const ProcessSpec* npm = find_process(*app, "static");
  ASSERT_NE(npm, nullptr);
  EXPECT_EQ(npm->command.back(), "serve");
  EXPECT_EQ(npm->policy.restart, RestartPolicy::on_failure);  // stop_exit_codes
  EXPECT_EQ(npm->policy.success_codes, (std::vector<int64_t>{0, 3}));
}

TEST(ImportPm2, UnchosenEnvironmentsAreReported) {
  auto app = import_js("pm2/full/ecosystem.config.js", options_with());
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(find_process(*app, "api:0")->env.at("NODE_ENV"), "development");
  EXPECT_NE(reported(*app, "api", "env_production"), "");
}

TEST(ImportPm2, YamlWithAnchorsMergeKeysAndShellScript) {
  auto app = import_js("pm2/yaml/process.yml", options_with("production"));
  ASSERT_TRUE(app) << app.error().message;
  const ProcessSpec* api = find_process(*app, "api-app:1");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->policy.max_memory, 1024ULL * 1024 * 1024);  // from the merged defaults
  EXPECT_EQ(api->policy.stop_timeout_ms, 5000);
  const ProcessSpec* worker = find_process(*app, "worker");
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->env.at("NODE_ENV"), "production");
  EXPECT_NE(reported(*app, "worker", "watch"), "");
  const ProcessSpec* loop = find_process(*app, "bash-loop");
  ASSERT_NE(loop, nullptr);
  ASSERT_EQ(loop->command.size(), 3U);  // a script with spaces runs under bash -c
  EXPECT_EQ(loop->command[1], "-c");
  EXPECT_EQ(loop->command[2], "while true; do date; sleep 5; done");
}

TEST(ImportPm2, JsonWithCommentsCamelCaseAndNoInterpreter) {
  auto app = import_js("pm2/json/ecosystem.config.json", options_with());
  ASSERT_TRUE(app) << app.error().message;
  const ProcessSpec* web = find_process(*app, "web");
  ASSERT_NE(web, nullptr);
  // bin/www has no extension and is text: pm2 runs it with node.
  EXPECT_EQ(web->command, (std::vector<std::string>{"node", "bin/www"}));
  EXPECT_EQ(web->env.at("DEBUG"), "false");
  EXPECT_EQ(web->policy.max_memory, 512ULL * 1024 * 1024);  // maxMemoryRestart
  EXPECT_EQ(web->policy.stop_timeout_ms, 8000);             // killTimeout
  EXPECT_NE(reported(*app, "web", "log_date_format"), "");
  const ProcessSpec* bin = find_process(*app, "bin");
  ASSERT_NE(bin, nullptr);
  EXPECT_EQ(bin->command, (std::vector<std::string>{"/bin/sleep", "1000"}));
  EXPECT_FALSE(bin->policy.cron);  // six fields: seconds
  EXPECT_NE(reported(*app, "bin", "cron_restart"), "");
  EXPECT_NE(reported(*app, "bin", "uid"), "");
}

TEST(ImportPm2, JsonThatOnlyJavaScriptReads) {
  auto app = import_js("pm2/json5/process.json", options_with());
  ASSERT_TRUE(app) << app.error().message;
  const ProcessSpec* queue = find_process(*app, "queue");
  ASSERT_NE(queue, nullptr);
  EXPECT_EQ(queue->command, (std::vector<std::string>{"/bin/sleep", "60"}));
  EXPECT_EQ(queue->env.at("RETRIES"), "3");
}

TEST(ImportPm2, ComputedModule) {
  auto app = import_js("pm2/computed/ecosystem.config.js", options_with());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 2U);
  EXPECT_EQ(app->processes[1].name, "beta");
  EXPECT_EQ(app->processes[1].command.at(1), fixture("pm2/computed/worker.js"));
  EXPECT_EQ(app->processes[1].env.at("HOME_SEEN"), "/home/tester");  // process.env
  EXPECT_EQ(app->processes[1].env.at("INDEX"), "1");
  EXPECT_EQ(app->processes[1].on_fast_crash, "stop");  // max_restarts: 0, from a require()
  EXPECT_NE(reported(*app, "alpha", "exp_backoff_restart_delay"), "");
}

TEST(ImportPm2, EsModule) {
  auto app = import_js("pm2/esm/ecosystem.config.mjs", options_with());
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(app->processes.at(0).command,
            (std::vector<std::string>{"node", "--max-old-space-size=512", "index.js"}));
}

TEST(ImportPm2, InvalidNamesAreFixedAndReported) {
  const std::string path = ::testing::TempDir() + "/ecosystem.config.json";
  {
    std::ofstream out(path);
    out << R"({"apps": [{"name": "api/v1", "script": "/bin/true"}]})";
  }
  auto app = import_file(path, ImportFormat::pm2, options_with());
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(app->processes.at(0).name, "api-v1");
  EXPECT_NE(reported(*app, "api/v1", "name"), "");
}

TEST(ImportPm2, MissingNodeSaysSo) {
  ImportOptions options = options_with();
  options.node = "/nonexistent/node";
  auto app = import_js("pm2/simple/ecosystem.config.js", options);
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("needs node"), std::string::npos) << app.error().message;
}

}  // namespace
}  // namespace bgo::app
