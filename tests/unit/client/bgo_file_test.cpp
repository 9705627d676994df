// SPDX-License-Identifier: MIT
// bgo.yaml into AppSpec: the schema, every default, environments, instances, dependencies,
// anchors and merge keys, finding the file, and the normalised output read back.
#include "client/app/bgo_file.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/app/app_document.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::app {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono;

class BgoFileTest : public ::testing::Test {
 protected:
  BgoFileTest() {
    folder_ = dir_.path() / "shop";
    fs::create_directories(folder_);
    options_.cwd = dir_.path();
    options_.environment = {{"HOME", "/home/ann"}, {"PORT", "8080"}};
    options_.now = sys_days{year{2025} / 3 / 1};
  }

  void write(const std::string& name, const std::string& text) {
    fs::create_directories((folder_ / name).parent_path());
    std::ofstream(folder_ / name) << text;
  }

  AppSpec parse(const std::string& text) {
    auto app = parse_bgo_file(text, (folder_ / "bgo.yaml").string(), options_);
    EXPECT_TRUE(app) << (app ? "" : app.error().to_string());
    return app ? *app : AppSpec{};
  }

  const ProcessSpec& process(const AppSpec& app, const std::string& name) {
    for (const auto& p : app.processes) {
      if (p.name == name) return p;
    }
    ADD_FAILURE() << "no process " << name;
    static const ProcessSpec k_none;
    return k_none;
  }

  test::TempDir dir_;
  fs::path folder_;
  ParseOptions options_;
};

TEST_F(BgoFileTest, TheSmallestFileGetsEveryDefault) {
  const AppSpec app = parse("processes:\n  web:\n    command: python3 -m http.server 8080\n");
  EXPECT_EQ(app.version, 1);
  EXPECT_EQ(app.project, "shop");  // the folder's name
  EXPECT_EQ(app.file, (folder_ / "bgo.yaml").string());
  ASSERT_EQ(app.processes.size(), 1U);
  const ProcessSpec& p = app.processes[0];
  EXPECT_EQ(p.name, "web");
  EXPECT_EQ(p.command, (std::vector<std::string>{"python3", "-m", "http.server", "8080"}));
  EXPECT_EQ(p.cwd, folder_.string());
  EXPECT_TRUE(p.env.empty());  // bgo's own environment is added by `up`, not here
  EXPECT_TRUE(p.watch);
  EXPECT_EQ(p.interval, 3);
  EXPECT_EQ(p.min_uptime, 2);
  EXPECT_EQ(p.on_fast_crash, "backoff");
  EXPECT_EQ(p.policy.restart, RestartPolicy::on_failure);
  EXPECT_EQ(p.policy.success_codes, std::vector<int64_t>{0});
  EXPECT_EQ(p.policy.stop_signal, SIGTERM);
  EXPECT_FALSE(p.policy.stop_timeout_ms);  // bgod's --stop-timeout
  EXPECT_EQ(p.policy.kill_mode, KillMode::tree);
  EXPECT_FALSE(p.policy.ready || p.policy.live || p.policy.watchdog_ms || p.policy.cron ||
               p.policy.max_memory);
  EXPECT_TRUE(p.policy.after.empty());
  EXPECT_FALSE(p.logs);  // bgod's --max-log-size and --log-files
  EXPECT_EQ(p.autostart, AutostartPolicy::unless_stopped);
  EXPECT_EQ(p.where.line, 2);
  EXPECT_EQ(p.where.column, 3);
}

TEST_F(BgoFileTest, CommandsAreArgvNeverAShell) {
  const AppSpec app = parse(
      "processes:\n"
      "  a: {command: [sh, -c, 'echo $$HOME | tr a b']}\n"
      "  b: {command: \"echo 'two words' \\\"x y\\\" a\\\\ b ; ls *\"}\n");
  EXPECT_EQ(process(app, "a").command,
            (std::vector<std::string>{"sh", "-c", "echo $HOME | tr a b"}));
  EXPECT_EQ(process(app, "b").command,
            (std::vector<std::string>{"echo", "two words", "x y", "a b", ";", "ls", "*"}));
}

TEST_F(BgoFileTest, CwdResolvesAgainstTheFilesFolder) {
  const AppSpec app = parse(
      "processes:\n  a: {command: x, cwd: ./api/}\n  b: {command: x, cwd: ../other}\n"
      "  c: {command: x, cwd: /srv/c}\n");
  EXPECT_EQ(process(app, "a").cwd, (folder_ / "api").string());
  EXPECT_EQ(process(app, "b").cwd, (dir_.path() / "other").string());
  EXPECT_EQ(process(app, "c").cwd, "/srv/c");
}

TEST_F(BgoFileTest, EnvironmentLayersFromProjectToProcess) {
  write(".env", "LEVEL=file\nONLY_FILE=1\nDB=postgres\n");
  write("api/api.env", "LEVEL=process-file\nAPI_FILE=${DB:-none}-x\n");
  const AppSpec app = parse(
      "name: shop\nenv_file: .env\nenv: {LEVEL: project, TZ: UTC}\n"
      "processes:\n"
      "  api:\n    command: x\n    env_file: [api/api.env]\n"
      "    env: {LEVEL: process, FROM_SHELL: null, NOT_IN_SHELL:, N: 3, B: true}\n"
      "  worker:\n    command: x\n    env: [A=1, 'B=x=y', HOME]\n");
  const auto& api = process(app, "api").env;
  EXPECT_EQ(api.at("LEVEL"), "process");
  EXPECT_EQ(api.at("ONLY_FILE"), "1");
  EXPECT_EQ(api.at("TZ"), "UTC");
  // An env file sees its own keys and bgo's environment, not the other env files'.
  EXPECT_EQ(api.at("API_FILE"), "none-x");
  EXPECT_EQ(api.count("FROM_SHELL"), 0U);
  EXPECT_EQ(api.count("NOT_IN_SHELL"), 0U);
  EXPECT_EQ(api.at("N"), "3");
  EXPECT_EQ(api.at("B"), "true");
  const auto& worker = process(app, "worker").env;
  EXPECT_EQ(worker.at("LEVEL"), "project");
  EXPECT_EQ(worker.at("A"), "1");
  EXPECT_EQ(worker.at("B"), "x=y");
  EXPECT_EQ(worker.at("HOME"), "/home/ann");  // a key alone: from bgo's environment
}

TEST_F(BgoFileTest, InterpolationSeesTheEnvironmentOverTheTopEnvFile) {
  write(".env", "PORT=3000\nDB_HOST=db.local\nTAG=v1\n");
  options_.environment["TAG"] = "v2";
  const AppSpec app = parse(
      "env_file: .env\nname: shop-${TAG}\n"
      "processes:\n  api:\n    command: serve --port ${PORT} --db ${DB_HOST} --x ${X:-none}\n"
      "    env: {COST: $$5, URL: 'http://${DB_HOST}'}\n");
  EXPECT_EQ(app.project, "shop-v2");
  EXPECT_EQ(
      process(app, "api").command,
      (std::vector<std::string>{"serve", "--port", "8080", "--db", "db.local", "--x", "none"}));
  EXPECT_EQ(process(app, "api").env.at("COST"), "$5");
  EXPECT_EQ(process(app, "api").env.at("URL"), "http://db.local");
}

TEST_F(BgoFileTest, InstancesAreNamedAndNumbered) {
  const AppSpec app = parse(
      "processes:\n"
      "  api:\n    command: x\n    instances: 3\n    port_offset: true\n    env: {PORT: '3000'}\n"
      "  one:\n    command: x\n    instances: 1\n"
      "  web:\n    command: x\n    depends_on: {api: started}\n");
  ASSERT_EQ(app.processes.size(), 5U);
  for (int i = 0; i < 3; ++i) {
    const ProcessSpec& p = app.processes[static_cast<size_t>(i)];
    EXPECT_EQ(p.name, "api:" + std::to_string(i));
    EXPECT_EQ(p.env.at("BGO_INSTANCE"), std::to_string(i));
    EXPECT_EQ(p.env.at("PORT"), std::to_string(3000 + i));
  }
  EXPECT_EQ(app.processes[3].name, "one");
  EXPECT_EQ(app.processes[3].env.count("BGO_INSTANCE"), 0U);
  const auto& after = process(app, "web").policy.after;
  ASSERT_EQ(after.size(), 3U);
  EXPECT_EQ(after[2].name, "api:2");
  EXPECT_EQ(after[2].condition, DependencyCondition::started);
}

TEST_F(BgoFileTest, DependenciesAsMapOrList) {
  const AppSpec app = parse(
      "processes:\n  db: {command: x}\n  cache: {command: x}\n  migrate: {command: x}\n"
      "  a: {command: x, depends_on: [db, cache]}\n"
      "  b: {command: x, depends_on: {db: ready, cache: started, migrate: succeeded, a: }}\n");
  const auto& a = process(app, "a").policy.after;
  ASSERT_EQ(a.size(), 2U);
  EXPECT_EQ(a[0].name, "db");
  EXPECT_EQ(a[0].condition, DependencyCondition::ready);
  const auto& b = process(app, "b").policy.after;
  ASSERT_EQ(b.size(), 4U);
  EXPECT_EQ(b[1].condition, DependencyCondition::started);
  EXPECT_EQ(b[2].condition, DependencyCondition::succeeded);
  EXPECT_EQ(b[3].condition, DependencyCondition::ready);
}

TEST_F(BgoFileTest, ChecksAndPoliciesWithTheirDefaults) {
  const AppSpec app = parse(
      "processes:\n"
      "  db:\n    command: x\n    ready: {notify: true, timeout: 2m}\n    watchdog: 30s\n"
      "  api:\n    command: x\n    ready: {http: 'http://127.0.0.1:3000/up', interval: 500ms}\n"
      "    live: {exec: curl -f localhost, interval: 2s, failures: 5}\n"
      "    restart: always\n    success_codes: [0, 3, 3]\n"
      "    watch: {interval: 5s, min_uptime: 10, on_fast_crash: retry}\n"
      "    stop: {signal: int, timeout: 0}\n    kill_mode: group\n    cron: '@daily'\n"
      "    max_memory: 512M\n    logs: {max_size: 1M, time: true}\n    autostart: never\n"
      "  tick:\n    command: x\n    ready: {log: '^ready$$'}\n    live: {tcp: 'localhost:80'}\n"
      "    restart: never\n    success_codes: 7\n");
  const ProcessSpec& db = process(app, "db");
  EXPECT_EQ(db.policy.ready->kind, CheckKind::notify);
  EXPECT_EQ(db.policy.ready->timeout_ms, 120'000);
  EXPECT_EQ(db.policy.watchdog_ms, 30'000);
  const ProcessSpec& api = process(app, "api");
  EXPECT_EQ(api.policy.ready->kind, CheckKind::http);
  EXPECT_EQ(api.policy.ready->target, "http://127.0.0.1:3000/up");
  EXPECT_EQ(api.policy.ready->interval_ms, 500);
  EXPECT_EQ(api.policy.ready->timeout_ms, 60'000);
  EXPECT_EQ(api.policy.live->kind, CheckKind::exec);
  EXPECT_EQ(api.policy.live->command, (std::vector<std::string>{"curl", "-f", "localhost"}));
  EXPECT_EQ(api.policy.live->target, "curl -f localhost");
  EXPECT_EQ(api.policy.live->interval_ms, 2000);
  EXPECT_EQ(api.policy.live->timeout_ms, 2000);  // min(interval, 5s)
  EXPECT_EQ(api.policy.live->failures, 5);
  EXPECT_EQ(api.policy.restart, RestartPolicy::always);
  EXPECT_EQ(api.policy.success_codes, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(api.interval, 5);
  EXPECT_EQ(api.min_uptime, 10);
  EXPECT_EQ(api.on_fast_crash, "retry");
  EXPECT_EQ(api.policy.stop_signal, SIGINT);
  EXPECT_EQ(api.policy.stop_timeout_ms, 0);
  EXPECT_EQ(api.policy.kill_mode, KillMode::group);
  EXPECT_EQ(api.policy.cron, "@daily");
  EXPECT_EQ(api.policy.max_memory, 512ULL << 20U);
  ASSERT_TRUE(api.logs);
  EXPECT_EQ(api.logs->max_size, 1ULL << 20U);
  EXPECT_EQ(api.logs->files, 5);
  EXPECT_TRUE(api.logs->timestamps);
  EXPECT_EQ(api.autostart, AutostartPolicy::never);
  const ProcessSpec& tick = process(app, "tick");
  EXPECT_EQ(tick.policy.ready->target, "^ready$");
  EXPECT_EQ(tick.policy.live->interval_ms, 10'000);
  EXPECT_EQ(tick.policy.live->timeout_ms, 5'000);
  EXPECT_EQ(tick.policy.live->failures, 3);
  EXPECT_FALSE(tick.watch);
  EXPECT_FALSE(tick.interval);
  EXPECT_EQ(tick.policy.success_codes, std::vector<int64_t>{7});
}

TEST_F(BgoFileTest, AnchorsAliasesAndMergeKeys) {
  const AppSpec app = parse(
      "x-defaults: &defaults\n  restart: always\n  stop: {signal: SIGINT}\n  env: &env {A: '1'}\n"
      "x-logs: &logs\n  logs: {files: 2}\n"
      "processes:\n"
      "  a:\n    <<: *defaults\n    command: x\n    restart: never\n"
      "  b:\n    <<: [*defaults, *logs]\n    command: x\n    env: *env\n"
      "  c:\n    command: &cmd [run, it]\n    x-note: anything\n"
      "  d:\n    command: *cmd\n");
  EXPECT_EQ(process(app, "a").policy.restart, RestartPolicy::never);  // written here: wins
  EXPECT_EQ(process(app, "a").policy.stop_signal, SIGINT);
  EXPECT_EQ(process(app, "a").env.at("A"), "1");
  EXPECT_EQ(process(app, "b").policy.restart, RestartPolicy::always);
  EXPECT_EQ(process(app, "b").logs->files, 2);
  EXPECT_EQ(process(app, "d").command, (std::vector<std::string>{"run", "it"}));
}

TEST_F(BgoFileTest, StdinUsesTheCurrentFolder) {
  auto app = parse_bgo_file("processes:\n  a: {command: x, cwd: sub}\n", "-", options_);
  ASSERT_TRUE(app);
  EXPECT_EQ(app->file, "-");
  EXPECT_EQ(app->project, dir_.path().filename().string());
  EXPECT_EQ(app->processes[0].cwd, (dir_.path() / "sub").string());
  std::istringstream in("processes:\n  a: {command: x}\n");
  auto loaded = load_bgo_file("-", in, options_);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->processes[0].name, "a");
}

TEST_F(BgoFileTest, TheFileIsFoundHereOrAbove) {
  const fs::path deep = folder_ / "a" / "b";
  fs::create_directories(deep);
  EXPECT_FALSE(find_bgo_file(deep));
  write("bgo.yml", "processes: {yml: {command: x}}\n");
  EXPECT_EQ(find_bgo_file(deep), folder_ / "bgo.yml");
  write("bgo.yaml", "processes: {yaml: {command: x}}\n");
  EXPECT_EQ(find_bgo_file(deep), folder_ / "bgo.yaml");  // preferred in the same folder
  write("a/bgo.yml", "processes: {inner: {command: x}}\n");
  EXPECT_EQ(find_bgo_file(deep), folder_ / "a" / "bgo.yml");  // the nearest wins
  options_.cwd = deep;
  std::istringstream none;
  auto app = load_bgo_file("", none, options_);
  ASSERT_TRUE(app);
  EXPECT_EQ(app->processes[0].name, "inner");
  EXPECT_EQ(app->project, "a");
  auto missing = load_bgo_file("nope.yaml", none, options_);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().to_string(), "nope.yaml: cannot read: No such file or directory");
  options_.cwd = "/";
  auto nothing = load_bgo_file("", none, options_);
  ASSERT_FALSE(nothing);
  EXPECT_EQ(nothing.error().to_string(),
            "no bgo.yaml or bgo.yml in / or any folder above it (-f FILE names one)");
}

TEST_F(BgoFileTest, TheNormalisedFormReadsBackTheSame) {
  write(".env", "SECRET=p$$w\n");
  const std::string text =
      "name: shop\nenv_file: .env\n"
      "processes:\n"
      "  db: {command: [postgres, -D, ./data], ready: {notify: true}, watchdog: 1m30s}\n"
      "  api:\n    command: node server.js --label '$$HOME'\n    instances: 2\n"
      "    env: {PORT: 3000, FLAG: 'true', EMPTY: '', NUM: '1.5', SPACE: ' x '}\n"
      "    depends_on: {db: ready}\n    live: {http: 'http://127.0.0.1:3000/'}\n"
      "    stop: {signal: 2, timeout: 1.5s}\n    logs: {max_size: 1536K}\n"
      "    cron: '*/5 * * * *'\n    max_memory: 1G\n"
      "  '123': {command: ['007', 'yes', '-'], restart: never}\n";
  const AppSpec first = parse(text);
  const boost::json::object doc = to_document(first);
  const std::string yaml = to_yaml(doc);
  const AppSpec second = parse(yaml);
  EXPECT_EQ(to_document(second), doc) << yaml;
  const std::string json = boost::json::serialize(doc);
  EXPECT_EQ(to_document(parse(json)), doc) << json;  // JSON is YAML too
  // Spot checks of the spelling.
  const auto& api = doc.at("processes").at("api:1").as_object();
  EXPECT_EQ(api.at("env").at("SECRET"), "p$$w");  // the value p$w, escaped again
  EXPECT_EQ(api.at("command").as_array()[3], "$$HOME");
  EXPECT_EQ(api.at("stop").at("signal"), "SIGINT");
  EXPECT_EQ(api.at("stop").at("timeout"), "1s500ms");
  EXPECT_EQ(api.at("logs").at("max_size"), "1536K");
  EXPECT_EQ(api.at("max_memory"), "1G");
  EXPECT_EQ(api.at("restart"), "on-failure");
  EXPECT_EQ(doc.at("processes").at("db").at("watchdog"), "1m30s");
  EXPECT_NE(yaml.find("PORT: \"3000\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("FLAG: \"true\""), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("\"123\":"), std::string::npos) << yaml;
  EXPECT_NE(yaml.find("command: [\"007\", \"yes\", "), std::string::npos) << yaml;
}

TEST_F(BgoFileTest, TenThousandProcessesInReasonableTime) {
  std::string text = "processes:\n";
  for (int i = 0; i < 10'000; ++i) {
    const std::string n = std::to_string(i);
    text.append("  p").append(n).append(":\n    command: [worker, '").append(n);
    text.append("']\n    env: {N: '").append(n).append("'}\n");
    if (i > 0) text += "    depends_on: {p" + std::to_string(i - 1) + ": started}\n";
  }
  const auto start = steady_clock::now();
  const AppSpec app = parse(text);
  EXPECT_EQ(app.processes.size(), 10'000U);
  EXPECT_EQ(app.processes.back().policy.after.front().name, "p9998");
  // Generous for sanitizer builds; a Release build takes a fraction of a second.
  EXPECT_LT(steady_clock::now() - start, seconds(60));
}

}  // namespace
}  // namespace bgo::app
