// SPDX-License-Identifier: MIT
// The real `bgo save` (issue #15): processes started with `bgo start` and many settings are
// written as a bgo.yaml that `bgo config` reads back to the same commands and settings; which
// processes are saved; the environment as a difference; the project's name; refusals that
// write nothing.
#include <fstream>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class SaveTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    folder_ = home_.parent_path() / "shop";
    fs::create_directories(folder_ / "api");
  }

  void start(const std::string& name, std::vector<std::string> opts,
             const std::vector<std::string>& child_args,
             const std::map<std::string, std::string>& env = {}, const std::string& cwd = "") {
    std::vector<std::string> args{"start"};
    args.insert(args.end(), opts.begin(), opts.end());
    args.push_back(name);
    args.emplace_back("--");
    for (auto& a : child(child_args)) args.push_back(a);
    RunResult r = bgo(args, env, "", cwd.empty() ? folder_.string() : cwd);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }

  std::string status_of(const std::string& name) {
    auto r = row(name);
    return r ? std::string(r->at("status").as_string()) : "";
  }

  // `bgo config --json` of `file`: the processes by name.
  json::object config_of(const fs::path& file) {
    RunResult r = bgo({"config", "-f", file.string(), "--json"}, {}, "", folder_.string());
    EXPECT_EQ(r.code, 0) << r.err << "\n" << read_file(file);
    json::error_code ec;
    json::value doc = json::parse(r.out, ec);
    if (ec || !doc.is_object()) return {};
    return doc.at("processes").as_object();
  }

  fs::path folder_;
};

TEST_F(SaveTest, WhatRunsIsWrittenAndReadsBackToTheSameSettings) {
  start("api",
        {"-w",        "--min-uptime",   "3",           "--on-fast-crash", "stop", "--env",
         "PORT=3000", "--ready-log",    "line 1",      "--ready-timeout", "30s",  "--stop-signal",
         "SIGINT",    "--stop-timeout", "7s",          "--max-log-size",  "2M",   "--log-files",
         "3",         "--time",         "--autostart", "always"},
        {"--lines", "1"}, {{"ONLY_AT_START", "a$b"}}, (folder_ / "api").string());
  start("db",
        {"--restart", "on-failure", "--success-codes", "0,3", "--kill-mode", "group", "--cron",
         "0 4 * * *"},
        {"--tag", "db"});
  start("web", {"--after", "db:started", "--live-tcp", "127.0.0.1:1", "--live-interval", "20s"},
        {"--tag", "web"});
  start("job", {"--restart", "never"}, {"--after", "300", "--exit", "0"});
  start("off", {}, {"--tag", "off"});
  ASSERT_EQ(bgo({"stop", "off"}).code, 0);
  ASSERT_TRUE(wait_until([&] { return status_of("job") == "stopped"; }));

  // Saved from the folder: every process but the one the user stopped, the one-shot included.
  RunResult r = bgo({"save"}, {{"ONLY_AT_SAVE", "1"}}, "", folder_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Wrote bgo.yaml: 4 process(es)\n");
  EXPECT_EQ(r.err, "");
  const fs::path file = folder_ / "bgo.yaml";
  const std::string text = read_file(file);
  EXPECT_TRUE(contains(text, "\nname: shop\n")) << text;  // the folder's name
  EXPECT_TRUE(contains(text, "    cwd: ./api\n")) << text;
  // Only the variables that differ from the environment bgo save runs in.
  EXPECT_FALSE(contains(text, "PATH")) << text;
  EXPECT_FALSE(contains(text, "ONLY_AT_SAVE")) << text;
  EXPECT_FALSE(contains(text, "\noff:")) << text;

  const json::object processes = config_of(file);
  ASSERT_EQ(processes.size(), 4U) << text;
  const json::object& api = processes.at("api").as_object();
  EXPECT_EQ(api.at("command"), (json::array{bin("bgo_test_child"), "--lines", "1"}));
  EXPECT_EQ(api.at("cwd").as_string(), (folder_ / "api").string());
  EXPECT_EQ(api.at("env"), (json::object{{"ONLY_AT_START", "a$$b"}, {"PORT", "3000"}}));
  EXPECT_EQ(api.at("restart"), "always");
  EXPECT_EQ(api.at("watch").at("min_uptime"), "3s");
  EXPECT_EQ(api.at("watch").at("on_fast_crash"), "stop");
  EXPECT_EQ(api.at("ready").at("log"), "line 1");
  EXPECT_EQ(api.at("ready").at("timeout"), "30s");
  EXPECT_EQ(api.at("stop"), (json::object{{"signal", "SIGINT"}, {"timeout", "7s"}}));
  EXPECT_EQ(api.at("logs"), (json::object{{"max_size", "2M"}, {"files", 3}, {"time", true}}));
  EXPECT_EQ(api.at("autostart"), "always");

  const json::object& db = processes.at("db").as_object();
  EXPECT_EQ(db.at("command"), (json::array{bin("bgo_test_child"), "--tag", "db"}));
  EXPECT_EQ(db.at("cwd").as_string(), folder_.string());
  EXPECT_EQ(db.at("env"), json::object{}) << json::serialize(db);
  EXPECT_EQ(db.at("restart"), "on-failure");
  EXPECT_EQ(db.at("success_codes"), (json::array{0, 3}));
  EXPECT_EQ(db.at("kill_mode"), "group");
  EXPECT_EQ(db.at("cron"), "0 4 * * *");
  EXPECT_EQ(db.at("autostart"), "unless-stopped");

  const json::object& web = processes.at("web").as_object();
  EXPECT_EQ(web.at("depends_on"), (json::object{{"db", "started"}}));
  EXPECT_EQ(web.at("live").at("tcp"), "127.0.0.1:1");
  EXPECT_EQ(web.at("live").at("interval"), "20s");
  EXPECT_EQ(web.at("restart"), "never");  // started without a watch
  EXPECT_EQ(processes.at("job").at("restart"), "never");

  // Each saved setting is what `get` reports.
  RawClient c(home_ / "bgo.sock");
  const json::object got = c.call("get", json::object{{"name", "api"}}).at("result").as_object();
  EXPECT_EQ(got.at("command"), api.at("command"));
  EXPECT_EQ(got.at("settings").at("stop_signal"), "SIGINT");
  EXPECT_EQ(got.at("settings").at("stop_timeout_ms"), 7000);

  // Never replaced without --force; then it is.
  r = bgo({"save"}, {}, "", folder_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ bgo.yaml exists; --force replaces it\n");
  EXPECT_EQ(read_file(file), text);
  r = bgo({"save", "--force", "all"}, {}, "", folder_.string());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Wrote bgo.yaml: 5 process(es)\n");  // `all`: the stopped one too
  EXPECT_EQ(config_of(file).size(), 5U);
}

TEST_F(SaveTest, NamesBringTheirDependenciesAndAnUnknownNameWritesNothing) {
  start("db", {}, {"--tag", "db"});
  start("web", {"--after", "db:started"}, {"--tag", "web"});
  start("other", {}, {"--tag", "other"});

  RunResult r = bgo({"save", "-o", "-", "web"}, {}, "", folder_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "Also saved: 'db', which a saved process depends on\n");
  EXPECT_TRUE(r.out.starts_with("# Saved by `bgo save`")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  db:\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n  web:\n")) << r.out;
  EXPECT_FALSE(contains(r.out, "other")) << r.out;
  EXPECT_FALSE(fs::exists(folder_ / "bgo.yaml"));
  // What went to stdout is a bgo file.
  RunResult back = bgo({"config", "-f", "-"}, {}, r.out, folder_.string());
  EXPECT_EQ(back.code, 0) << back.err << r.out;

  const fs::path file = folder_ / "out.yaml";
  r = bgo({"save", "-o", file.string(), "web", "nope", "othr"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "❌ No process named 'nope' found\n")) << r.err;
  EXPECT_TRUE(contains(r.err, "❌ No process named 'othr' found\n   Did you mean 'other'?"))
      << r.err;
  EXPECT_FALSE(fs::exists(file));
}

TEST_F(SaveTest, TheProjectIsTheProcessesCommonOne) {
  ASSERT_EQ(bgo({"daemon", "start"}).code, 0);
  for (const std::string name : {"a", "b"}) {
    RawClient c(home_ / "bgo.sock");
    json::array command;
    for (const auto& arg : child({"--tag", name})) command.emplace_back(arg);
    const json::value reply = c.call("start", json::object{{"name", name},
                                                           {"command", std::move(command)},
                                                           {"cwd", folder_.string()},
                                                           {"project", "blog"},
                                                           {"definition", "d"}});
    ASSERT_TRUE(reply.as_object().contains("result")) << json::serialize(reply);
  }
  RunResult r = bgo({"save", "-o", "-"}, {}, "", folder_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\nname: blog\n")) << r.out;
  // With a process started by hand among them: the folder's name.
  start("tool", {}, {"--tag", "tool"});
  r = bgo({"save", "-o", "-"}, {}, "", folder_.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\nname: shop\n")) << r.out;

  // Nothing to save: said, exit 1, nothing written.
  ASSERT_EQ(bgo({"stop", "all"}).code, 0);
  r = bgo({"save"}, {}, "", folder_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Nothing to save")) << r.err;
  EXPECT_FALSE(fs::exists(folder_ / "bgo.yaml"));
  RunResult help = bgo({"help", "save"});
  EXPECT_TRUE(help.out.starts_with("usage: bgo save [-h] [-o FILE] [--force] [names ...]"))
      << help.out;
  EXPECT_TRUE(contains(bgo({"help"}).out, "\n  save [NAME...] ")) << bgo({"help"}).out;
}

}  // namespace
}  // namespace bgo::test
