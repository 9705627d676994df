// SPDX-License-Identifier: MIT
// Procfile imports against what foreman runs: sh -c for shell text, PORT per type, .env.
#include <gtest/gtest.h>

#include "client/app/import.hpp"
#include "client/app/import_util.hpp"
#include "tests/unit/client/import_test_support.hpp"

namespace bgo::app {
namespace {

using test::find_process;
using test::fixture;
using test::reported;

ImportOptions no_environment() {
  ImportOptions options;
  options.environment = std::map<std::string, std::string>{};
  return options;
}

TEST(ImportProcfile, RailsWithEnvCrlfAndBom) {
  auto app =
      import_file(fixture("procfile/rails/Procfile"), ImportFormat::procfile, no_environment());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 2U);
  const ProcessSpec& web = app->processes[0];
  EXPECT_EQ(web.name, "web");  // the BOM is not part of the name
  // $PORT needs a shell, as foreman's Process.spawn gives it one.
  EXPECT_EQ(web.command,
            (std::vector<std::string>{"/bin/sh", "-c", "bundle exec rails server -p $PORT"}));
  EXPECT_EQ(web.cwd, fixture("procfile/rails"));
  EXPECT_EQ(web.env.at("PORT"), "5000");
  EXPECT_EQ(web.env.at("PS"), "web.1");
  EXPECT_EQ(web.env.at("RAILS_ENV"), "development");
  EXPECT_EQ(web.env.at("SECRET_KEY_BASE"), "abc def");
  EXPECT_EQ(web.env.at("GREETING"), "hello\nworld");
  EXPECT_FALSE(web.env.contains("not an assignment"));
  const ProcessSpec& worker = app->processes[1];
  EXPECT_EQ(worker.command, (std::vector<std::string>{"bundle", "exec", "rake", "jobs:work"}));
  EXPECT_EQ(worker.env.at("PORT"), "5100");
  EXPECT_FALSE(worker.policy.restart);  // foreman never restarts
  EXPECT_TRUE(app->not_imported.empty());
}

TEST(ImportProcfile, BasePortFromDotEnvAndFormation) {
  ImportOptions options = no_environment();
  options.formation = "web=2,api=0";
  auto app = import_file(fixture("procfile/node/Procfile"), ImportFormat::procfile, options);
  ASSERT_TRUE(app) << app.error().message;
  // web: 2 instances from PORT=3000 (.env); api: 0 (reported); clock: 0 (named types only).
  ASSERT_EQ(app->processes.size(), 2U);
  EXPECT_EQ(app->processes[0].name, "web:0");
  EXPECT_EQ(app->processes[0].env.at("PORT"), "3000");
  EXPECT_EQ(app->processes[0].env.at("BGO_INSTANCE"), "0");
  EXPECT_EQ(app->processes[1].name, "web:1");
  EXPECT_EQ(app->processes[1].env.at("PORT"), "3001");
  EXPECT_NE(reported(*app, "api", "formation"), "");
  EXPECT_NE(reported(*app, "clock", "formation"), "");
  EXPECT_NE(reported(*app, "web", "PS"), "");
}

TEST(ImportProcfile, AllFormationAndTypeOffsets) {
  ImportOptions options = no_environment();
  options.formation = "all=1, clock=2";
  auto app = import_file(fixture("procfile/node/Procfile"), ImportFormat::procfile, options);
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 4U);
  EXPECT_EQ(find_process(*app, "api")->env.at("PORT"), "3100");
  EXPECT_EQ(find_process(*app, "api")->command,
            (std::vector<std::string>{"npm", "run", "api", "--", "--verbose"}));
  EXPECT_EQ(find_process(*app, "clock:1")->env.at("PORT"), "3201");
}

TEST(ImportProcfile, CommentsAndStrayLines) {
  ImportOptions options = no_environment();
  options.environment = std::map<std::string, std::string>{{"PORT", "7000"}};
  auto app = import_file(fixture("procfile/overmind/Procfile"), ImportFormat::procfile, options);
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 4U);
  EXPECT_EQ(app->processes[0].env.at("PORT"), "7000");  // the environment's PORT is the base
  EXPECT_EQ(app->processes[0].command.at(2), "bin/rails server -b 0.0.0.0 -p ${PORT:-3000}");
  EXPECT_EQ(app->processes[3].name, "worker_1");
  EXPECT_EQ(reported(*app, "", "line 8"), "not a `name: command` entry; foreman ignores it too");
  EXPECT_EQ(app->not_imported.size(), 1U);  // comments and blank lines are not reported
}

TEST(ImportProcfile, BadFormationAndUnknownType) {
  ImportOptions options = no_environment();
  options.formation = "web";
  EXPECT_FALSE(import_file(fixture("procfile/node/Procfile"), ImportFormat::procfile, options));
  options.formation = "nope=1";
  auto app = import_file(fixture("procfile/node/Procfile"), ImportFormat::procfile, options);
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("'nope'"), std::string::npos);
}

TEST(ImportUtil, NeedsShell) {
  EXPECT_FALSE(needs_shell("node index.js --port 80"));
  EXPECT_FALSE(needs_shell("python -c 'print(1)'"));
  EXPECT_TRUE(needs_shell("puma -p $PORT"));
  EXPECT_TRUE(needs_shell("a && b"));
  EXPECT_TRUE(needs_shell("FOO=1 node x"));
  EXPECT_TRUE(needs_shell("cd web; npm start"));
  EXPECT_TRUE(needs_shell("exec node x"));
}

TEST(ImportUtil, Dotenv) {
  const auto env = parse_dotenv(
      "# c\nexport A=1\nB = two words # note\nC='lit $A'\nD=\"x\\ny $A\"\nE: yaml\nF=${A}2\n");
  EXPECT_EQ(env.at("A"), "1");
  EXPECT_EQ(env.at("B"), "two words");
  EXPECT_EQ(env.at("C"), "lit $A");
  EXPECT_EQ(env.at("D"), "x\ny 1");
  EXPECT_EQ(env.at("E"), "yaml");
  EXPECT_EQ(env.at("F"), "12");
}

TEST(ImportFormat, DetectByNameAndContent) {
  EXPECT_EQ(*detect_import_format(fixture("procfile/rails/Procfile")), ImportFormat::procfile);
  EXPECT_EQ(*detect_import_format(fixture("pm2/yaml/process.yml")), ImportFormat::pm2);
  EXPECT_EQ(*detect_import_format(fixture("pm2/json/ecosystem.config.json")), ImportFormat::pm2);
  EXPECT_EQ(*detect_import_format(fixture("supervisord/laravel/laravel-worker.conf")),
            ImportFormat::supervisord);
  EXPECT_EQ(*detect_import_format(fixture("process-compose/readme/process-compose.yaml")),
            ImportFormat::process_compose);
  EXPECT_FALSE(detect_import_format(fixture("pm2/full/jobs/worker.py")));
  EXPECT_EQ(parse_import_format("foreman"), ImportFormat::procfile);
  EXPECT_EQ(parse_import_format("process-compose"), ImportFormat::process_compose);
  EXPECT_FALSE(parse_import_format("systemd"));
}

}  // namespace
}  // namespace bgo::app
