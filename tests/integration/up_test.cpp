// SPDX-License-Identifier: MIT
// The real `bgo up` and `bgo down` (issue #15, docs/bgo-file.md): the runnable example of
// docs/examples/shop brought up in order and ready, a second `up` that changes nothing, a
// changed command that restarts exactly its process, orphans, clashes between projects, a
// process that fails, imported files, and `down` stopping dependents first.
#include <fstream>
#include <regex>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/tmux_test.hpp"
#include "tests/support/wait_until.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class UpTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    project_ = home_.parent_path() / "shop";
    fs::copy(fs::path(BGO_SOURCE_DIR) / "docs" / "examples" / "shop", project_,
             fs::copy_options::recursive);
  }

  RunResult up(std::vector<std::string> args = {}) {
    args.insert(args.begin(), "up");
    return bgo_within(std::chrono::seconds(60), args, {}, "", project_.string());
  }
  RunResult down(std::vector<std::string> args = {}) {
    args.insert(args.begin(), "down");
    return bgo_within(std::chrono::seconds(60), args, {}, "", project_.string());
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(project_ / name) << text;
  }

  // name -> running pid of every online process.
  std::map<std::string, int64_t> running() {
    std::map<std::string, int64_t> out;
    const json::value rows = status_json();
    for (const auto& r : rows.as_array()) {
      const json::object& o = r.as_object();
      if (o.at("status") == "online")
        out[std::string(o.at("name").as_string())] = o.at("pid").as_int64();
    }
    return out;
  }

  // `key` of `name`'s state file, once the file has it (bgod writes it just after the event
  // `up` waited for); null after 10 s.
  json::value saved(const std::string& name, const std::string& key) {
    json::value out;
    wait_until([&] {
      if (!fs::exists(home_ / "procs" / (name + ".json"))) return false;
      const json::object o = state(name);
      if (!o.contains(key) || o.at("started_at").is_null()) return false;
      out = o.at(key);
      return true;
    });
    return out;
  }

  // From bgod (`status --json`), not the state file: `spawned` comes before the file is
  // written, so `up` may be done before the file is.
  std::string started_at(const std::string& name) {
    const auto r = row(name);
    if (!r || !r->at("started_at").is_string()) return "(not started)";
    return std::string(r->at("started_at").as_string());
  }

  fs::path project_;
};

const std::vector<std::string> k_example = {"api:0", "api:1", "db", "worker"};

TEST_F(UpTest, TheExampleComesUpInOrderReadyAndASecondUpChangesNothing) {
  RunResult r = up();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "Project 'shop' is up: 5 started, 0 restarted, 0 unchanged"))
      << r.out;
  EXPECT_TRUE(contains(r.out, "db: ready")) << r.out;
  EXPECT_TRUE(contains(r.out, "migrate: completed")) << r.out;
  std::map<std::string, int64_t> pids = running();
  std::vector<std::string> names;
  names.reserve(pids.size());
  for (const auto& [name, pid] : pids) names.push_back(name);
  EXPECT_EQ(names, k_example);
  for (const auto& [name, pid] : pids) EXPECT_TRUE(pid_alive(static_cast<pid_t>(pid))) << name;
  // Each started after what it depends on (the commands test it too: out of order, they fail).
  EXPECT_LT(started_at("db"), started_at("migrate"));
  EXPECT_LT(started_at("migrate"), started_at("api:0"));
  EXPECT_LT(started_at("db"), started_at("worker"));
  EXPECT_EQ(row("api:1")->at("ready"), json::value(true));
  EXPECT_EQ(row("api:0")->at("project"), "shop");
  EXPECT_EQ(row("api:0")->at("definition").as_string().size(), 16U);
  EXPECT_EQ(saved("api:0", "project"), "shop") << "in the state file too";
  EXPECT_EQ(read_file(home_ / "logs" / "api:1.out.log").find("api 1 on 3001") != std::string::npos,
            true);

  r = up();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "0 started, 0 restarted, 5 unchanged")) << r.out;
  EXPECT_EQ(running(), pids) << "the same processes";
}

TEST_F(UpTest, SaveThenUpInAFreshHomeReproducesTheSet) {
  ASSERT_EQ(up().code, 0);
  const fs::path saved = project_ / "saved.bgo.yaml";
  RunResult r = bgo({"save", "-o", saved.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_EQ(down({"--delete"}).code, 0);  // the data folder stays: the one-shot may run again

  const fs::path fresh = home_.parent_path() / "fresh";
  const std::map<std::string, std::string> env{{"BGO_HOME", fresh.string()}};
  r = bgo_within(std::chrono::seconds(60), {"up", "-f", saved.string()}, env);
  if (std::ifstream pid_file(fresh / "bgod.pid"); pid_file) {
    pid_t pid = 0;
    pid_file >> pid;
    extra_pids_.push_back(pid);  // killed in teardown if the checks below fail
  }
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  RunResult status = bgo({"status", "--json"}, env);
  ASSERT_EQ(status.code, 0) << status.err;
  const json::value rows = json::parse(status.out);
  std::map<std::string, std::string> commands;
  for (const auto& row : rows.as_array()) {
    const json::object& o = row.as_object();
    commands[std::string(o.at("name").as_string())] = json::serialize(o.at("command"));
    if (o.at("status") == "online")
      extra_pids_.push_back(static_cast<pid_t>(o.at("pid").as_int64()));
    EXPECT_EQ(o.at("project"), "shop");
  }
  EXPECT_EQ(commands.size(), 5U) << status.out;
  for (const std::string name : {"api:0", "api:1", "db", "worker"}) {
    ASSERT_EQ(commands.count(name), 1U) << name;
  }
  EXPECT_TRUE(contains(commands.at("api:1"), "api $BGO_INSTANCE on $PORT")) << commands.at("api:1");
  RunResult stopped = bgo({"daemon", "stop"}, env);
  EXPECT_EQ(stopped.code, 0) << stopped.err;
}

TEST_F(UpTest, AChangedCommandRestartsExactlyThatProcess) {
  ASSERT_EQ(up().code, 0);
  const auto before = running();
  std::string text = read_file(project_ / "bgo.yaml");
  const std::string old = "command: [sh, -c, 'test -d data && exec sleep 100000']";
  ASSERT_NE(text.find(old), std::string::npos);
  text.replace(text.find(old), old.size(), "command: [sh, -c, 'test -d data && exec sleep 99999']");
  write("bgo.yaml", text);

  RunResult plan = up({"--dry-run"});
  ASSERT_EQ(plan.code, 0) << plan.err;
  EXPECT_TRUE(std::regex_search(plan.out, std::regex("restart +worker +definition changed")))
      << plan.out;
  EXPECT_TRUE(std::regex_search(plan.out, std::regex("keep +migrate +completed"))) << plan.out;
  EXPECT_EQ(running(), before) << "a dry run changes nothing";

  RunResult r = up();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "0 started, 1 restarted, 4 unchanged")) << r.out;
  const auto after = running();
  for (const auto& [name, pid] : before) {
    if (name == "worker") {
      EXPECT_NE(after.at(name), pid);
      EXPECT_FALSE(pid_alive(static_cast<pid_t>(pid)));
    } else {
      EXPECT_EQ(after.at(name), pid) << name;
    }
  }
}

TEST_F(UpTest, DownStopsDependentsFirstAndDeleteUnregisters) {
  ASSERT_EQ(up().code, 0);
  const auto pids = running();
  RunResult r = down({"db"});  // db and everything that depends on it: all but nothing
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Project 'shop' is down: 4 stopped")) << r.out;
  for (const auto& [name, pid] : pids) EXPECT_FALSE(pid_alive(static_cast<pid_t>(pid))) << name;
  const std::string db_stop(state("db").at("stopped_at").as_string());
  for (const std::string name : {"api:0", "api:1", "worker"}) {
    EXPECT_LT(std::string(state(name).at("stopped_at").as_string()), db_stop) << name;
  }
  r = up();
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "5 started")) << "down then up starts all again, migrate too";

  r = down({"--delete"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "5 deleted")) << r.out;
  EXPECT_TRUE(status_json().as_array().empty());
  r = down();
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "No process of project 'shop' is registered")) << r.out;
}

TEST_F(UpTest, OrphansAreListedAndRemovedOnlyWhenAsked) {
  ASSERT_EQ(up().code, 0);
  std::string text = read_file(project_ / "bgo.yaml");
  text = text.substr(0, text.find("  worker:"));
  write("bgo.yaml", text);
  const int64_t worker = running().at("worker");
  RunResult r = up();
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "orphans (not in the file): worker")) << r.out;
  EXPECT_TRUE(pid_alive(static_cast<pid_t>(worker)));
  r = up({"--remove-orphans"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Removed orphan 'worker'")) << r.out;
  EXPECT_FALSE(row("worker").has_value());
  EXPECT_TRUE(wait_until([&] { return !pid_alive(static_cast<pid_t>(worker)); }));
}

TEST_F(UpTest, AnotherProjectsNameIsRefusedAndNothingStarts) {
  start_ok("worker", child({"--sleep", "100"}));
  RunResult r = up();
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Process 'worker' exists outside the project")) << r.err;
  EXPECT_TRUE(contains(r.err, "Nothing was started or stopped.")) << r.err;
  EXPECT_FALSE(row("db").has_value());

  // bgod refuses it too, for a client that does not plan first.
  RunResult raw = bgo({"delete", "-y", "worker"});
  ASSERT_EQ(raw.code, 0) << raw.err;
  ASSERT_EQ(up().code, 0);
  write("other.bgo.yaml",
        "version: 1\nname: blog\nprocesses:\n  db:\n    command: [sleep, '50']\n");
  r = up({"-f", "other.bgo.yaml"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Process 'db' belongs to project 'shop'")) << r.err;
}

TEST_F(UpTest, AProcessThatFailsNamesItselfWithItsStderrAndItsDependentsWait) {
  write("bgo.yaml", R"(version: 1
name: shop
processes:
  db:
    command: [sh, -c, 'echo "FATAL: no data folder" >&2; exit 3']
    ready: {log: ready, timeout: 10s}
    restart: never        # watched, it would retry (2 s, 4 s, 8 s) before it gives up
  api:
    command: [sleep, "100"]
    depends_on: {db: ready}
  tool:
    command: [sleep, "100"]
)");
  RunResult r = up();
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_TRUE(contains(r.err, "2 process(es) of 'shop' failed: db, api")) << r.err;
  EXPECT_TRUE(contains(r.err, "| FATAL: no data folder")) << r.err;
  EXPECT_TRUE(contains(r.err, "api: not started: a dependency failed")) << r.err;
  EXPECT_EQ(row("tool")->at("status"), "online") << "the rest is up";
}

TEST_F(UpTest, BadInputStartsNothing) {
  write("bgo.yaml", "version: 1\nprocesses:\n  db:\n    comand: [sleep, '5']\n");
  RunResult r = up();
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "bgo.yaml:4:5: unknown key 'comand'")) << r.err;
  EXPECT_EQ(daemon_pid(), 0) << "not even bgod";
  r = up({"nope"});
  write("bgo.yaml", "version: 1\nprocesses:\n  db:\n    command: [sleep, '5']\n");
  r = up({"nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "no process 'nope' in")) << r.err;
  EXPECT_FALSE(row("db").has_value());
}

TEST_F(UpTest, AProcfileComesUpDirectly) {
  write("Procfile", "web: sleep 100\nworker: sh -c 'echo working; exec sleep 100'\n");
  RunResult r = up({"-f", "Procfile"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(row("web")->at("status"), "online");
  EXPECT_EQ(row("worker")->at("status"), "online");
  EXPECT_EQ(row("web")->at("project"), "shop") << "the folder's name";
  r = up({"-f", "Procfile"});
  EXPECT_TRUE(contains(r.out, "2 unchanged")) << r.out;
  r = down({"-f", "Procfile"});
  EXPECT_TRUE(contains(r.out, "2 stopped")) << r.out;
}

TEST_F(UpTest, APm2EcosystemComesUpWithItsNotImportedList) {
  write("ecosystem.config.json", R"({"apps": [{"name": "queue", "script": "sleep",
    "args": "100", "watch": true, "env": {"QUEUE": "mail"}}]})");
  RunResult r = up({"-f", "ecosystem.config.json"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "Not imported (")) << r.err;
  EXPECT_TRUE(contains(r.err, "queue  watch: ")) << r.err;
  EXPECT_EQ(row("queue")->at("status"), "online");
  ASSERT_TRUE(saved("queue", "env").is_array());
  const json::array env = saved("queue", "env").as_array();
  EXPECT_NE(std::find(env.begin(), env.end(), json::value("QUEUE=mail")), env.end());
}

TEST_F(UpTest, ProcessComposeAndSupervisordFilesComeUpDirectly) {
  write("process-compose.yaml", R"(version: "0.5"
processes:
  server:
    command: "sh -c 'touch server.up; exec sleep 100'"
    readiness_probe:
      exec: {command: "test -f server.up"}
      period_seconds: 1
  setup:
    command: "echo done"
    availability: {restart: "no"}
  client:
    command: "sleep 100"
    depends_on:
      server: {condition: process_healthy}
      setup: {condition: process_completed_successfully}
)");
  RunResult r = up({"-f", "process-compose.yaml"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "server: ready")) << r.out;
  EXPECT_TRUE(contains(r.out, "setup: completed")) << r.out;
  EXPECT_LT(started_at("server"), started_at("client"));
  ASSERT_EQ(down({"-f", "process-compose.yaml", "--delete"}).code, 0);

  write("supervisord.conf", R"([supervisord]
nodaemon=true

[program:worker]
command=sleep 100
process_name=%(program_name)s_%(process_num)02d
numprocs=2
stopsignal=INT
stopwaitsecs=3
)");
  r = up({"-f", "supervisord.conf"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(row("worker_00")->at("status"), "online");
  EXPECT_EQ(row("worker_01")->at("status"), "online");
  EXPECT_EQ(saved("worker_01", "stop_signal"), "SIGINT");
  EXPECT_TRUE(contains(r.err, "Not imported")) << "[supervisord] nodaemon: " << r.err;
}

// On a terminal, one line per process, redrawn in place: each name once on the screen, each
// with its final mark.
class UpTerminalTest : public TmuxTest {};

TEST_F(UpTerminalTest, OneLinePerProcessRedrawnInPlace) {
  const fs::path project = home_.parent_path() / "shop";
  fs::copy(fs::path(BGO_SOURCE_DIR) / "docs" / "examples" / "shop", project,
           fs::copy_options::recursive);
  const std::string screen =
      this->screen({"up", "-f", (project / "bgo.yaml").string()}, 80, "is up:");
  for (const std::string name : {"db", "migrate", "api:0", "api:1", "worker"}) {
    int count = 0;
    for (const auto& line : lines_of(screen)) {
      if (std::regex_search(line, std::regex("^ [^ ]+ " + name + " "))) {
        ++count;
        EXPECT_TRUE(contains(line, "✔")) << line;
      }
    }
    EXPECT_EQ(count, 1) << name << "\n" << screen;
  }
  expect_fits(screen, 80);
}

}  // namespace
}  // namespace bgo::test
