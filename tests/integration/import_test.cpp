// SPDX-License-Identifier: MIT
// `bgo import` end to end (issue #15): each format's fixtures through the real binary, the
// bgo.yaml it writes read back, the not-imported list on stderr, and the bad input.
#include <filesystem>
#include <fstream>
#include <yaml-cpp/yaml.h>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

std::string fixture(const std::string& relative) {
  return std::string(BGO_SOURCE_DIR) + "/tests/fixtures/import/" + relative;
}

class ImportTest : public DaemonTest {
 protected:
  // Runs `bgo import` writing into this test's folder; returns the parsed bgo.yaml.
  YAML::Node import_ok(const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
    out_ = (home_.parent_path() / "bgo.yaml").string();
    std::vector<std::string> full = {"import"};
    full.insert(full.end(), args.begin(), args.end());
    full.insert(full.end(), {"-o", out_});
    last_ = bgo(full, env);
    EXPECT_EQ(last_.code, 0) << last_.err;
    EXPECT_TRUE(contains(last_.out, "Wrote " + out_)) << last_.out;
    return YAML::LoadFile(out_);
  }
  std::string out_;
  RunResult last_;
};

TEST_F(ImportTest, Procfile) {
  const YAML::Node root =
      import_ok({"procfile", fixture("procfile/node/Procfile"), "--formation", "web=2,api=1"});
  const YAML::Node web = root["processes"]["web"];
  ASSERT_TRUE(web.IsMap());
  EXPECT_EQ(web["instances"].as<int>(), 2);
  EXPECT_TRUE(web["port_offset"].as<bool>());
  EXPECT_EQ(web["env"]["PORT"].as<std::string>(), "3000");
  EXPECT_EQ(root["processes"]["api"]["env"]["PORT"].as<std::string>(), "3100");
  EXPECT_FALSE(root["processes"]["clock"]);
  EXPECT_EQ(root["processes"]["api"]["cwd"].as<std::string>(), fixture("procfile/node"));
  EXPECT_TRUE(contains(last_.err, "Not imported (2; no bgo equivalent):")) << last_.err;
  EXPECT_TRUE(contains(last_.err, "  clock  formation: 0 instances")) << last_.err;
}

TEST_F(ImportTest, Pm2JavaScriptThroughNode) {
  const YAML::Node root =
      import_ok({"auto", fixture("pm2/full/ecosystem.config.js"), "--env", "production"});
  const YAML::Node api = root["processes"]["api"];
  ASSERT_TRUE(api.IsMap()) << read_file(out_);
  EXPECT_EQ(api["instances"].as<int>(), 4);
  EXPECT_EQ(api["env"]["NODE_ENV"].as<std::string>(), "production");
  EXPECT_EQ(api["stop"]["signal"].as<std::string>(), "SIGINT");
  EXPECT_EQ(api["stop"]["timeout"].as<std::string>(), "3s");
  EXPECT_EQ(api["max_memory"].as<std::string>(), "300M");
  EXPECT_EQ(api["cron"].as<std::string>(), "0 3 * * *");
  EXPECT_EQ(root["processes"]["worker"]["restart"].as<std::string>(), "never");
  EXPECT_TRUE(contains(last_.err, "  api  watch: file watching")) << last_.err;
  EXPECT_TRUE(contains(last_.err, "  (file)  deploy: ")) << last_.err;
  // The file carries the list as comments too.
  EXPECT_TRUE(contains(read_file(out_), "#   api: watch: file watching")) << read_file(out_);
}

TEST_F(ImportTest, Pm2WithoutNode) {
  last_ = bgo({"import", "pm2", fixture("pm2/simple/ecosystem.config.js"), "-o", "-"},
              {{"PATH", "/nonexistent"}});
  EXPECT_EQ(last_.code, 1);
  EXPECT_TRUE(contains(last_.err, "needs node, which is not on PATH")) << last_.err;
}

TEST_F(ImportTest, Supervisord) {
  const YAML::Node root = import_ok(
      {"supervisord", fixture("supervisord/include/supervisord.conf")}, {{"WEB_PORT", "8123"}});
  const YAML::Node web = root["processes"]["web-2"];
  ASSERT_TRUE(web.IsMap()) << read_file(out_);
  EXPECT_EQ(web["command"][4].as<std::string>(), "0.0.0.0:8123");
  EXPECT_EQ(web["restart"].as<std::string>(), "on-failure");
  EXPECT_EQ(root["processes"]["beat"]["autostart"].as<std::string>(), "never");
  EXPECT_EQ(root["processes"]["celery"]["command"][6].as<std::string>(), "worker0@%h");
  EXPECT_TRUE(contains(last_.err, "[include] conf.d/*.ini")) << last_.err;
}

TEST_F(ImportTest, ProcessCompose) {
  const YAML::Node root =
      import_ok({"auto", fixture("process-compose/probes/process-compose.yaml")});
  const YAML::Node api = root["processes"]["api"];
  ASSERT_TRUE(api.IsMap()) << read_file(out_);
  EXPECT_EQ(api["depends_on"]["postgres"].as<std::string>(), "ready");
  EXPECT_EQ(api["ready"]["http"].as<std::string>(), "http://127.0.0.1:8080/ready");
  EXPECT_EQ(api["live"]["failures"].as<int>(), 2);
  EXPECT_EQ(root["processes"]["nginx"]["instances"].as<int>(), 2);
  EXPECT_EQ(root["processes"]["worker-0"]["depends_on"]["api"].as<std::string>(), "ready");
  // $$ in the file, a literal $ for the shell, is written $$ again for bgo.yaml's ${VAR}.
  EXPECT_EQ(root["processes"]["postgres"]["command"][2].as<std::string>(),
            "postgres -p 5433 -D $${PGDATA:-./data}");
  EXPECT_TRUE(contains(last_.err, "  api  shutdown.command: ")) << last_.err;
}

TEST_F(ImportTest, StdoutAndExistingOutput) {
  RunResult r = bgo({"import", "auto", fixture("procfile/rails/Procfile"), "-o", "-"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "processes:\n  web:\n")) << r.out;
  EXPECT_EQ(r.err, "");
  const std::string out = (home_.parent_path() / "existing.yaml").string();
  { std::ofstream(out) << "mine\n"; }
  r = bgo({"import", "auto", fixture("procfile/rails/Procfile"), "-o", out});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "exists; --force replaces it")) << r.err;
  EXPECT_EQ(read_file(out), "mine\n");
  r = bgo({"import", "auto", fixture("procfile/rails/Procfile"), "-o", out, "--force"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(read_file(out), "version: 1\n"));
}

TEST_F(ImportTest, BadInput) {
  RunResult r = bgo({"import", "systemd", fixture("procfile/rails/Procfile")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "argument format: invalid choice: 'systemd'")) << r.err;
  r = bgo({"import", "procfile", "/nonexistent/Procfile"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "/nonexistent/Procfile: No such file or directory")) << r.err;
  r = bgo({"import", "supervisord", fixture("procfile/rails/.env"), "-o", "-"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, ".env:1: a setting before any [section]")) << r.err;
  r = bgo({"import", "procfile", fixture("procfile/rails/Procfile"), "--env", "production"});
  EXPECT_EQ(r.code, 2);
  const std::string bad = (home_.parent_path() / "process-compose.yaml").string();
  { std::ofstream(bad) << "processes:\n  a: [unclosed\n"; }
  r = bgo({"import", "auto", bad, "-o", "-"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "process-compose.yaml:")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));  // import never starts bgod
}

}  // namespace
}  // namespace bgo::test
