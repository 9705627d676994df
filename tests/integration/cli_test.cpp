// SPDX-License-Identifier: MIT
// The bgo command line end to end (issue #5): every command and alias, the messages and exit
// codes of spec §8 (exact text where the spec gives it), usage errors, direct mode, the status
// table levels, JSON, and the terminal-only paths (menus, delete prompt, colour) under a pty.
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <pty.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/pty_session.hpp"
#include "tests/support/text.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string pid_text(const json::object& state) { return json::serialize(state.at("pid")); }

// Columns a line takes on a terminal: code points, ANSI SGR sequences skipped (the table only
// draws narrow characters).
size_t visible_width(const std::string& line) {
  size_t width = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\x1b') {
      while (i < line.size() && line[i] != 'm') ++i;
      continue;
    }
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++width;
  }
  return width;
}

class CliTest : public PtyTest {
 protected:
  // Starts bgo with stdout on a pipe and returns when `marker` has appeared `times` times;
  // then SIGINT, and the exit code and full output.
  RunResult interrupt_after(const std::vector<std::string>& args, const std::string& marker,
                            int times) {
    std::vector<std::string> env_s = env_strings({});
    std::vector<char*> envp;
    envp.reserve(env_s.size() + 1);
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> argv_s{bin("bgo")};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(argv_s.size() + 1);
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data()), 0);
    posix_spawn_file_actions_destroy(&fa);
    ::close(out[1]);
    extra_pids_.push_back(pid);
    RunResult r;
    auto count = [&] {
      int n = 0;
      for (size_t at = r.out.find(marker); at != std::string::npos;
           at = r.out.find(marker, at + 1)) {
        ++n;
      }
      return n;
    };
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (count() < times && std::chrono::steady_clock::now() < deadline) {
      pollfd fd{out[0], POLLIN, 0};
      if (::poll(&fd, 1, 200) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      r.out.append(buf, static_cast<size_t>(n));
    }
    EXPECT_GE(count(), times) << r.out;
    ::kill(pid, SIGINT);
    for (;;) {
      char buf[4096];
      const ssize_t n = ::read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      r.out.append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
  }

  // A registered, stopped entry (started, then stopped by the user).
  void stopped_entry(const std::string& name) {
    start_ok(name, {});
    ASSERT_EQ(bgo({"stop", name}).code, 0);
  }

  // Asserts a usage error: nothing on stdout, exit 2, argparse's two parts on stderr.
  void expect_usage_error(const std::vector<std::string>& args, const std::string& prog,
                          const std::string& reason) {
    RunResult r = bgo(args);
    EXPECT_EQ(r.code, 2) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_TRUE(r.err.starts_with("usage: " + prog + " ")) << r.err;
    EXPECT_TRUE(r.err.ends_with("\n" + prog + ": error: " + reason + "\n")) << r.err;
  }
};

// ---- help, version, usage errors ---------------------------------------------------------

TEST_F(CliTest, HelpInEveryFormExitsZeroWithoutADaemon) {
  for (const auto& args : std::vector<std::vector<std::string>>{{}, {"-h"}, {"--help"}, {"help"}}) {
    RunResult r = bgo(args);
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(r.out.starts_with("usage: bgo")) << r.out;
    EXPECT_TRUE(contains(r.out, "Watch mode (auto-restart on crash):"));
    EXPECT_EQ(r.err, "");
  }
  for (const std::string cmd : {"stop", "kill", "status", "ls", "start", "restart-stopped"}) {
    RunResult r = bgo({"help", cmd});
    EXPECT_EQ(r.code, 0);
    RunResult r2 = bgo({cmd, "-h"});
    EXPECT_EQ(r2.code, 0);
    EXPECT_EQ(r.out, r2.out);
    EXPECT_TRUE(contains(r.out, "\noptions:\n  -h, --help")) << r.out;
  }
  EXPECT_TRUE(bgo({"help", "kill"}).out.starts_with("usage: bgo stop [-h] [-f]"));
  RunResult v = bgo({"--version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_TRUE(v.out.starts_with("bgo ")) << v.out;
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
}

TEST_F(CliTest, UsageErrorsAreArgparseStyleOnStderrWithExitTwo) {
  expect_usage_error({"start"}, "bgo start", "the following arguments are required: name, cmd");
  expect_usage_error({"open", "-w"}, "bgo start",
                     "the following arguments are required: name, cmd");
  expect_usage_error({"logs", "x", "-n", "x"}, "bgo logs",
                     "argument -n/--lines: invalid int value: 'x'");
  expect_usage_error({"follow", "x", "-nx"}, "bgo follow",
                     "argument -n/--lines: invalid int value: 'x'");
  expect_usage_error({"status", "--plain", "--fancy"}, "bgo status",
                     "argument --fancy: not allowed with argument --plain");
  expect_usage_error({"ls", "--fancy", "--plain"}, "bgo status",
                     "argument --plain: not allowed with argument --fancy");
  expect_usage_error({"status", "--interval", "x", "-w"}, "bgo status",
                     "argument --interval: invalid int value: 'x'");
  // (`bgo stop a b` stops both since issue #13.)
  expect_usage_error({"logs", "a", "b"}, "bgo logs", "unrecognized arguments: b");
  expect_usage_error({"kill"}, "bgo stop", "the following arguments are required: name");
  expect_usage_error({"rm", "a", "--bogus"}, "bgo delete", "unrecognized arguments: --bogus");
  expect_usage_error({"restart-last", "foo"}, "bgo restart-last", "unrecognized arguments: foo");
  expect_usage_error({"start", "--on-fast-crash", "often", "a", "--", "b"}, "bgo start",
                     "argument --on-fast-crash: invalid choice: 'often' (choose from 'backoff', "
                     "'stop', 'retry')");
  expect_usage_error({"start", "--cwd"}, "bgo start", "argument --cwd: expected one argument");
  expect_usage_error({"autostart"}, "bgo autostart",
                     "the following arguments are required: action");
  expect_usage_error({"--bogus"}, "bgo", "unrecognized arguments: --bogus");
  expect_usage_error(
      {"help", "bogus"}, "bgo help",
      "argument command: invalid choice: 'bogus' (choose from 'start', 'open', "
      "'stop', 'kill', 'restart', 'watch', 'unwatch', 'restart-stopped', "
      "'restart-last', 'status', 'ls', 'list', 'show', 'describe', 'jlist', 'env', "
      "'logs', 'follow', 'tail', 'flush', 'clean', 'resurrect', 'delete', 'rm', "
      "'autostart', 'daemon', 'startup', 'unstartup', 'import', 'up', 'down', "
      "'config', 'completion', 'ps', 'save', 'metrics', 'export', 'monit', 'top')");  // show..env:
                                                                                      // #13
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
}

TEST_F(CliTest, LongPrefixesAndGluedShortValues) {
  start_ok("web", {"--lines", "3"});
  RunResult r = bgo({"status", "--js"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.starts_with("[\n  {\n    \"name\": \"web\",")) << r.out;
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"logs", "web", "-n1"}).out, "line 3"); }));
  r = bgo({"logs", "web", "-n1", "--stdo"});
  EXPECT_EQ(r.out, "... (showing last 1 lines)\n\nline 3\n");
  r = bgo({"stop", "--forc", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.starts_with("💀 Killed 'web'")) << r.out;
}

// ---- direct mode --------------------------------------------------------------------------

TEST_F(CliTest, DirectModeShapes) {
  RunResult r = bgo({"unknown"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "❌ Unknown command or process: 'unknown'\n"
            "   Run bgo --help for usage, or bgo start unknown -- <command> to start a new "
            "process.\n");
  r = bgo({"foo/bar"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ invalid process name: 'foo/bar'\n");
  r = bgo({"myapp", "--"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "Usage: bgo [-w] <n> -- <command> [args...]\n");
  r = bgo({bin("bgo_test_child")});  // one token never starts anything
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ invalid process name: '" + bin("bgo_test_child") + "'\n");
  r = bgo({"tray", "--poll", "5"});  // the original's tray icon: never a process name here
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ bgo has no tray icon; `bgo status -w` shows the processes live\n");
  r = bgo({"-w"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "Usage: bgo <n> -- <command> [args...]\n");

  // NAME -- CMD; NAME CMD (the command has a `/`); CMD alone (name derived); -w.
  r = bgo({"one", "--", bin("bgo_test_child"), "--lines", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "✅ Started 'one' (PID: " + pid_text(state("one")) + ")\n   Logs: bgo logs one\n");
  r = bgo({"two", bin("bgo_test_child"), "--lines", "2"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(state("two").at("command").as_array().size(), 3U);
  r = bgo({bin("bgo_test_child"), "--lines", "1"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Started 'bgo_test_child'")) << r.out;
  r = bgo({"-w", "three", "--", bin("bgo_test_child")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(
      contains(r.out, "   👁 Watching (interval=3s, min-uptime=2s, on-fast-crash=backoff)"));
  EXPECT_TRUE(state("three").at("watch").as_object().at("enabled").as_bool());
  // The command's own -w is not bgo's.
  r = bgo({"four", "--", bin("bgo_test_child"), "-w"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(state("four").contains("watch"));

  // A registered name alone shows its detail view.
  r = bgo({"one"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.starts_with(
      "Process: one\n  Status:  online\n  PID:     " + pid_text(state("one")) + "\n"))
      << r.out;
}

// ---- start / open ----------------------------------------------------------------------------

TEST_F(CliTest, StartAndOpenMessages) {
  RunResult r = bgo({"open", "web", "--", bin("bgo_test_child")});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string pid = pid_text(state("web"));
  EXPECT_EQ(r.out, "✅ Started 'web' (PID: " + pid + ")\n   Logs: bgo logs web\n");
  EXPECT_EQ(r.err, "");

  r = bgo({"start", "web", "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "❌ Process 'web' is already running (PID: " + pid +
                       ")\n   Use 'bgo stop web' first or choose a different name.\n");

  r = bgo({"start", "idle"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ No command specified\n   Usage: bgo start <name> -- <command> [args...]\n");
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "idle.json"));

  r = bgo({"start", "nf", "--", "/nonexistent/prog"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ Command not found: /nonexistent/prog\n");

  const auto plain_file = home_.parent_path() / "not-executable";
  { std::ofstream(plain_file) << "data\n"; }
  r = bgo({"start", "pd", "--", plain_file.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ Permission denied: " + plain_file.string() + "\n");

  r = bgo({"start", "quick", "--", bin("bgo_test_child"), "--after", "0", "--exit", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err,
            "❌ Process 'quick' failed to start (exited immediately, exit code 3)\n"
            "   Check logs: bgo logs quick\n");

  r = bgo({"start", "a/b", "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ invalid process name: 'a/b'\n");
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "a"));
}

TEST_F(CliTest, StartOptionsBeforeOrAfterTheName) {
  const std::string dir = home_.parent_path().string();
  // bgo's fix: options between the name and `--` are start's (the README's form).
  RunResult r =
      bgo({"start", "web", "--cwd", dir, "--autostart", "never", "-w", "--interval", "5",
           "--min-uptime", "3", "--on-fast-crash", "stop", "--", bin("bgo_test_child"), "--cwd"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(
      contains(r.out, "   👁 Watching (interval=5s, min-uptime=3s, on-fast-crash=stop)\n"))
      << r.out;
  json::object st = state("web");
  EXPECT_EQ(st.at("cwd").as_string(), dir);
  EXPECT_EQ(st.at("autostart").as_string(), "never");
  EXPECT_EQ(st.at("watch").as_object().at("on_fast_crash").as_string(), "stop");
  ASSERT_TRUE(wait_until(
      [&] { return contains(read_file(home_ / "logs" / "web.out.log"), "cwd=" + dir); }));
  // The original's form: options first.
  r = bgo({"start", "--cwd", dir, "api", bin("bgo_test_child"), "--cwd"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(state("api").at("command").as_array().back().as_string(), "--cwd");
  EXPECT_EQ(bgo({"autostart", "show", "web"}).out, "web: autostart=never\n");
}

// ---- stop / kill / restart ----------------------------------------------------------------

TEST_F(CliTest, StopKillAndRestart) {
  start_ok("web", {});
  std::string pid = pid_text(state("web"));
  RunResult r = bgo({"stop", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "🛑 Stopped 'web' (PID: " + pid + ")\n");
  r = bgo({"kill", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "⚠️  Process 'web' is not running\n");

  r = bgo({"restart", "web"});
  ASSERT_EQ(r.code, 0) << r.err;
  pid = pid_text(state("web"));
  EXPECT_EQ(r.out, "✅ Started 'web' (PID: " + pid + ")\n   Logs: bgo logs web\n");
  r = bgo({"restart", "web", "--reset-counters"});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string new_pid = pid_text(state("web"));
  EXPECT_EQ(r.out, "🛑 Stopping 'web'...\n✅ Started 'web' (PID: " + new_pid +
                       ")\n   Logs: bgo logs web\n");
  EXPECT_FALSE(pid_alive(std::stoi(pid)));

  r = bgo({"kill", "-f", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "💀 Killed 'web' (PID: " + new_pid + ")\n");
  EXPECT_FALSE(pid_alive(std::stoi(new_pid)));
}

TEST_F(CliTest, UnknownAndInvalidNamesEverywhere) {
  start_ok("other", {});  // so the registry is not empty
  const std::vector<std::vector<std::string>> commands = {{"stop"},         {"kill"},
                                                          {"restart"},      {"watch"},
                                                          {"unwatch"},      {"logs"},
                                                          {"follow"},       {"tail"},
                                                          {"delete", "-y"}, {"rm", "-y"},
                                                          {"status"},       {"ls"},
                                                          {"list"},         {"autostart", "show"}};
  for (const auto& cmd : commands) {
    auto args = cmd;
    args.emplace_back("ghost");
    RunResult r = bgo(args);
    EXPECT_EQ(r.code, 1) << cmd[0];
    EXPECT_EQ(r.out, "") << cmd[0];
    EXPECT_EQ(r.err, "❌ No process named 'ghost' found\n") << cmd[0];
    args.back() = "../escape";
    r = bgo(args);
    EXPECT_EQ(r.code, 1) << cmd[0];
    EXPECT_EQ(r.err, "❌ invalid process name: '../escape'\n") << cmd[0];
  }
  RunResult r = bgo({"restart-stopped", "ok", "bad\tname"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ invalid process name: 'bad\\tname'\n");
  r = bgo({"status", std::string(65, 'x')});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(r.err.starts_with("❌ invalid process name: 'xxx")) << r.err;
}

// ---- delete / rm / clean --------------------------------------------------------------------

TEST_F(CliTest, DeleteNeedsYesWithoutATerminal) {
  start_ok("web", {});
  const pid_t pid = std::stoi(pid_text(state("web")));
  RunResult r = bgo({"delete", "web"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "❌ Process 'web' is running; without a terminal to ask, pass -y to stop and delete "
            "it\n");
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_TRUE(std::filesystem::exists(home_ / "procs" / "web.json"));

  r = bgo({"rm", "-y", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "🗑️  Deleted 'web'\n");
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "web.json"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "logs" / "web.out.log"));

  // A stopped process needs no confirmation; --keep-logs keeps the logs.
  stopped_entry("api");
  r = bgo({"delete", "api", "--keep-logs"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "🗑️  Deleted 'api' (logs kept)\n");
  EXPECT_TRUE(std::filesystem::exists(home_ / "logs" / "api.out.log"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "api.json"));
}

TEST_F(CliTest, Clean) {
  start_ok("live", {});
  RunResult r = bgo({"clean"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "Nothing to clean up.\n");
  stopped_entry("b");
  stopped_entry("a");
  r = bgo({"clean"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "🧹 Cleaned up 2 stopped process(es): a, b\n");
  EXPECT_TRUE(std::filesystem::exists(home_ / "logs" / "a.out.log"));  // clean keeps logs
  EXPECT_TRUE(std::filesystem::exists(home_ / "procs" / "live.json"));
}

// ---- status / ls / list ---------------------------------------------------------------------

TEST_F(CliTest, StatusWithAnEmptyRegistry) {
  RunResult r = bgo({"status"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out,
            "No processes registered.\n"
            "Usage: bgo start <n> -- <command> [args...]\n"
            "       bgo <command> [args...]\n");
  // bgo's fix (§12.2 #18): a name is looked up even when nothing is registered.
  r = bgo({"status", "ghost"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ No process named 'ghost' found\n");
  r = bgo({"ls", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[]\n");
  r = bgo({"list", "--json", "ghost"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "{\"error\": \"no process named 'ghost'\"}\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliTest, StatusTableAliasesAndLevels) {
  start_ok("web", {});
  stopped_entry("api");
  const std::string pid = pid_text(state("web"));
  RunResult r = bgo({"status"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(bgo({"ls"}).out.substr(0, 200), r.out.substr(0, 200));
  EXPECT_EQ(bgo({"list"}).out.substr(0, 200), r.out.substr(0, 200));
  // Not a terminal: plain, ASCII only, no colour, 80 columns.
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6U) << r.out;
  EXPECT_TRUE(lines[0].starts_with("NAME         STATUS  PID")) << lines[0];
  EXPECT_EQ(lines[1], std::string(80, '-'));
  EXPECT_TRUE(lines[2].starts_with("api          OFF     -")) << lines[2];
  EXPECT_TRUE(lines[3].starts_with("web          ON      " + pid)) << lines[3];
  EXPECT_EQ(lines[5], "Total: 2 | ON: 1 | OFF: 1");
  for (const auto& line : lines) {
    EXPECT_LE(visible_width(line), 80U) << line;
    for (unsigned char c : line) EXPECT_LT(c, 0x80) << line;
  }
  // Forced levels; COLUMNS sets the width.
  r = bgo({"status", "--fancy"}, {{"COLUMNS", "120"}});
  EXPECT_TRUE(r.out.starts_with("┏━━")) << r.out;
  for (const auto& line : lines_of(r.out)) {
    if (line.starts_with("┃") || line.starts_with("┏")) {
      EXPECT_EQ(visible_width(line), 120U);
    }
  }
  EXPECT_TRUE(contains(r.out, "Total: 2 | ● online: 1 | ○ stopped: 1")) << r.out;
  r = bgo({"status"}, {{"BGO_TABLE", " Normal "}});
  EXPECT_TRUE(contains(r.out, "\nTotal: 2 | online: 1 | stopped: 1\n")) << r.out;
  EXPECT_EQ(lines_of(r.out)[1], std::string(80, '-'));
  r = bgo({"status", "--plain"}, {{"BGO_TABLE", "fancy"}});
  EXPECT_TRUE(contains(r.out, "Total: 2 | ON: 1 | OFF: 1")) << r.out;
}

TEST_F(CliTest, StatusJsonSchemaAndDetailView) {
  start_ok("web", {}, {"-w"});
  const json::object st = state("web");
  RunResult r = bgo({"status", "--json"});
  ASSERT_EQ(r.code, 0);
  const json::value rows = json::parse(r.out);
  ASSERT_EQ(rows.as_array().size(), 1U);
  const json::object& row = rows.as_array()[0].as_object();
  std::vector<std::string> keys;
  for (const auto& kv : row) keys.emplace_back(kv.key());
  // The original's ten keys in its order, then issue #13's additions.
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "name", "pid", "status", "cpu", "mem", "uptime", "command", "cwd",
                      "started_at", "watch", "stop_reason", "exit_code", "exit_signal",
                      "running_pid", "cpu_percent", "memory_bytes", "uptime_seconds", "restarts"}));
  EXPECT_EQ(row.at("status").as_string(), "online");
  EXPECT_EQ(row.at("pid"), st.at("pid"));
  EXPECT_EQ(row.at("watch"), st.at("watch"));
  EXPECT_NE(row.at("uptime").as_string(), "-");
  // Python's json.dumps(indent=2) layout.
  EXPECT_TRUE(contains(r.out, "\n    \"command\": [\n      \"")) << r.out;
  EXPECT_TRUE(contains(r.out, "\n    \"watch\": {\n      \"enabled\": true,\n")) << r.out;
  // One object for a name, same keys.
  r = bgo({"status", "web", "--json"});
  ASSERT_EQ(r.code, 0);
  EXPECT_EQ(json::parse(r.out).as_object().at("name").as_string(), "web");

  r = bgo({"status", "web"});
  ASSERT_EQ(r.code, 0);
  const std::string expected_head = "Process: web\n  Status:  online\n  PID:     " + pid_text(st) +
                                    "\n  PGID:    " + pid_text(st) +
                                    "\n  Command: " + bin("bgo_test_child") + "\n";
  EXPECT_TRUE(r.out.starts_with(expected_head)) << r.out;
  for (const char* part : {"\n  Autostart: unless-stopped\n", "\n  CPU:     ", "%\n  MEM:     ",
                           "\n  Uptime:  ", "\n  stdout:  ", "\n\nWatch:\n",
                           "\n  Enabled:   yes (interval 3s, min-uptime 2s, mode backoff)\n",
                           "\n  Restarts:  0\n", "\n  Errored:   no\n"}) {
    EXPECT_TRUE(contains(r.out, part)) << part << "\n" << r.out;
  }
}

TEST_F(CliTest, StatusNeverChangesState) {
  start_ok("web", {});
  stopped_entry("api");
  const std::string before_web = read_file(home_ / "procs" / "web.json");
  const std::string before_api = read_file(home_ / "procs" / "api.json");
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"status"}, {"status", "--json"}, {"status", "api"}, {"api"}, {"ls", "--fancy"}}) {
    EXPECT_EQ(bgo(args).code, 0);
  }
  EXPECT_EQ(read_file(home_ / "procs" / "web.json"), before_web);
  EXPECT_EQ(read_file(home_ / "procs" / "api.json"), before_api);
}

TEST_F(CliTest, StatusWatchRefreshesUntilInterrupted) {
  start_ok("web", {});
  RunResult r = interrupt_after({"status", "-w", "--interval", "1"}, "Refreshing every 1s.", 2);
  EXPECT_EQ(r.code, 0);
  // Not a terminal: frames follow each other, without screen control sequences.
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  EXPECT_TRUE(
      contains(r.out, "Total: 1 | ON: 1 | OFF: 0\n\nRefreshing every 1s. Ctrl-C to exit.\n"))
      << r.out;
}

TEST_F(CliTest, OfflineReadOnlyCommandsReadTheFiles) {
  stopped_entry("web");
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  const std::map<std::string, std::string> off{{"BGO_NO_AUTOSTART", "1"}};
  RunResult r = bgo({"status"}, off);
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Total: 1 | ON: 0 | OFF: 1")) << r.out;
  EXPECT_TRUE(contains(r.err, "bgod is not running")) << r.err;
  r = bgo({"web"}, off);
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(r.out.starts_with("Process: web\n  Status:  stopped\n")) << r.out;
  r = bgo({"stop", "web"}, off);
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "BGO_NO_AUTOSTART")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
}

// ---- watch / unwatch ------------------------------------------------------------------------

TEST_F(CliTest, WatchAndUnwatch) {
  start_ok("web", {});
  RunResult r = bgo({"watch", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "👁 Watching 'web' (interval=3s, min-uptime=2s, on-fast-crash=backoff)\n");
  r = bgo({"watch", "web", "--int", "5", "--min-uptime", "1", "--on-fast-crash", "retry"});
  EXPECT_EQ(r.out, "👁 Watching 'web' (interval=5s, min-uptime=1s, on-fast-crash=retry)\n");
  r = bgo({"unwatch", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "👁  unwatched 'web'\n");
  r = bgo({"unwatch", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "⚠️  'web' is not being watched\n");
  ASSERT_EQ(bgo({"stop", "web"}).code, 0);
  r = bgo({"watch", "web"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "⚠️  Process 'web' is not running. Start it first.\n");
}

// ---- restart-stopped / restart-last / resurrect ---------------------------------------------

TEST_F(CliTest, RestartStoppedAndLastWithoutATerminal) {
  for (const char* cmd : {"restart-stopped", "restart-last"}) {
    RunResult r = bgo({cmd});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "No processes registered.\n");
  }
  start_ok("live", {});
  EXPECT_EQ(bgo({"restart-stopped"}).out, "No stopped processes to restart.\n");
  EXPECT_EQ(bgo({"restart-last", "-a"}).out, "No stopped processes to restart.\n");
  stopped_entry("a");
  stopped_entry("b");
  for (const char* cmd : {"restart-stopped", "restart-last"}) {
    RunResult r = bgo({cmd});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "❌ No terminal for the selection menu: name the processes or pass --all\n");
  }
  RunResult r = bgo({"restart-stopped", "ghost", "a", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "❌ Unknown process(es): ghost, nope\n");
  r = bgo({"restart-stopped", "live"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "⚠️  Skipping (already running): live\nNothing to restart.\n");

  // restart-last --all: the most recently stopped first.
  r = bgo({"restart-last", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "🔄 Restarting 2 process(es)...\n✅ Started 'b' (PID: " + pid_text(state("b")) +
                       ")\n   Logs: bgo logs b\n✅ Started 'a' (PID: " + pid_text(state("a")) +
                       ")\n   Logs: bgo logs a\n\n✅ All 2 process(es) restarted\n");
  ASSERT_EQ(bgo({"stop", "a"}).code, 0);
  ASSERT_EQ(bgo({"stop", "b"}).code, 0);
  r = bgo({"restart-stopped", "b", "live"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "⚠️  Skipping (already running): live\n🔄 Restarting 1 process(es)...\n"
            "✅ Started 'b' (PID: " +
                pid_text(state("b")) + ")\n   Logs: bgo logs b\n\n✅ All 1 process(es) restarted\n");
  r = bgo({"restart-stopped", "--all"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("🔄 Restarting 1 process(es)...\n✅ Started 'a'")) << r.out;
}

TEST_F(CliTest, RestartManyReportsFailures) {
  stopped_entry("good");
  // Registered, stopped (crashed), and failing again at every start.
  RunResult r = bgo({"start", "bad", "--", bin("bgo_test_child"), "--after", "0", "--exit", "2"});
  ASSERT_EQ(r.code, 1);
  r = bgo({"restart-stopped", "-a"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.out, "🔄 Restarting 2 process(es)...\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "✅ Started 'good'")) << r.out;
  EXPECT_TRUE(r.out.ends_with("\n⚠️  1/2 process(es) failed to start\n")) << r.out;
  EXPECT_TRUE(contains(r.err, "❌ Process 'bad' failed to start (exited immediately, exit code 2)"))
      << r.err;
}

TEST_F(CliTest, Resurrect) {
  RunResult r = bgo({"resurrect"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "No processes registered.\n");
  stopped_entry("user-stopped");
  r = bgo({"resurrect"});
  EXPECT_EQ(r.out, "No processes to resurrect (all running, stopped, or disabled).\n");
  start_ok("crashy", {"--after", "300"});  // ends by itself: crashed, so a candidate
  ASSERT_TRUE(wait_until([&] { return row("crashy")->at("status").as_string() == "stopped"; }));
  r = bgo({"resurrect"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "🔄 Resurrecting 1 process(es)...\n✅ Started 'crashy' (PID: " +
                       pid_text(state("crashy")) +
                       ")\n   Logs: bgo logs crashy\n\n✅ All 1 process(es) resurrected\n");
}

TEST_F(CliTest, AutostartSetAndShow) {
  start_ok("web", {});
  RunResult r = bgo({"autostart", "set", "web", "never"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "✅ Autostart policy for 'web' set to 'never'\n");
  EXPECT_EQ(state("web").at("autostart").as_string(), "never");
  EXPECT_EQ(bgo({"autostart", "show", "web"}).out, "web: autostart=never\n");
  expect_usage_error({"autostart", "set", "web", "sometimes"}, "bgo autostart set",
                     "argument policy: invalid choice: 'sometimes' (choose from 'always', "
                     "'unless-stopped', 'never')");
}

// ---- logs / follow / tail -------------------------------------------------------------------

TEST_F(CliTest, LogsAndFollowAliases) {
  start_ok("web", {"--lines", "2", "--stderr", "oops"});
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"logs", "web"}).out, "oops"); }));
  RunResult r = bgo({"logs", "web"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "line 1\nline 2\n\n─── stderr ───\n")) << r.out;
  r = bgo({"logs", "web", "--watcher"});
  EXPECT_EQ(r.out, "No watcher logs found for 'web'\n");
  for (const char* cmd : {"follow", "tail"}) {
    RunResult f = interrupt_after({cmd, "web"}, "line 2", 1);
    EXPECT_EQ(f.code, 0) << cmd;
    EXPECT_TRUE(
        f.out.starts_with("──────────────────────────────────────────────────\n"
                          "Following logs for 'web' (Ctrl+C to exit)\n"))
        << f.out;
    EXPECT_TRUE(contains(f.out, "\n[stopped following]\n")) << f.out;
  }
}

// ---- terminal paths (pty) -------------------------------------------------------------------

TEST_F(CliTest, TerminalTableLevelsAndColour) {
  start_ok("web", {});
  stopped_entry("api");
  // A UTF-8 terminal: fancy, coloured, every framed line exactly 80 columns.
  RunResult r = pty({"status"}, {});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "\x1b[90m┏━")) << r.out;
  EXPECT_TRUE(contains(r.out, "\x1b[32m● online\x1b[0m")) << r.out;
  for (const auto& line : lines_of(r.out)) {
    if (line.starts_with("┃") || line.starts_with("\x1b[90m┏")) {
      EXPECT_EQ(visible_width(line), 80U) << line;
    }
  }
  // 200 columns: still one frame wide as the terminal.
  r = pty({"status"}, {}, {}, 200);
  for (const auto& line : lines_of(r.out)) {
    if (line.starts_with("┃")) {
      EXPECT_EQ(visible_width(line), 200U) << line;
    }
  }
  // NO_COLOR: no escapes at all; --plain on a terminal: ASCII and no colour.
  r = pty({"status"}, {}, {{"NO_COLOR", "1"}});
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  EXPECT_TRUE(contains(r.out, "┏━")) << r.out;
  r = pty({"status", "--plain"}, {});
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 2 | ON: 1 | OFF: 1")) << r.out;
  // No UTF-8 locale: normal (ASCII rules, colour); TERM=dumb: plain.
  r = pty({"status"}, {}, {{"LANG", "C"}});
  EXPECT_TRUE(contains(r.out, "\x1b[90m-----")) << r.out;
  EXPECT_TRUE(contains(r.out, "\x1b[32monline\x1b[0m")) << r.out;
  r = pty({"status"}, {}, {{"TERM", "dumb"}});
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  EXPECT_TRUE(contains(r.out, " ON ")) << r.out;
  // Messages are coloured on a terminal too.
  r = pty({"stop", "ghost"}, {});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.out, "\x1b[31m❌\x1b[0m No process named 'ghost' found")) << r.out;
  // --no-color (pm2's flag), first or after the command, is NO_COLOR.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--no-color"}, {"--no-color", "status"}}) {
    r = pty(args, {});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
    EXPECT_TRUE(contains(r.out, "┏━")) << r.out;
  }
}

// CLICOLOR_FORCE colours output that goes to a pipe; NO_COLOR and --no-color still win; a
// program's own --no-color is left to it.
TEST_F(CliTest, ClicolorForceColoursAPipeUnlessNoColorSaysOtherwise) {
  start_ok("web", {});
  RunResult r = bgo({"status"}, {{"CLICOLOR_FORCE", "1"}});
  EXPECT_TRUE(contains(r.out, "\x1b[32monline\x1b[0m")) << r.out;
  r = bgo({"stop", "ghost"}, {{"CLICOLOR_FORCE", "1"}});
  EXPECT_TRUE(contains(r.err, "\x1b[31m❌\x1b[0m")) << r.err;
  r = bgo({"status", "--no-color"}, {{"CLICOLOR_FORCE", "1"}});
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  r = bgo({"status"}, {{"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}});
  EXPECT_FALSE(contains(r.out, "\x1b[")) << r.out;
  r = bgo({"start", "echo", "--", "/bin/sh", "-c", "exec sleep 30", "sh", "--no-color"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(row("echo")->at("command").as_array().back(), "--no-color");
}

TEST_F(CliTest, TerminalStatusWatchRedrawsInPlace) {
  start_ok("web", {});
  RunResult r = pty({"status", "-w", "--interval", "1"},
                    {{"Ctrl-C to exit.", ""}, {"Ctrl-C to exit.", "\x03"}});
  EXPECT_EQ(r.code, 0);
  // The first frame clears the screen; later ones go home and overwrite.
  EXPECT_TRUE(r.out.starts_with("\x1b[2J\x1b[H")) << r.out;
  EXPECT_TRUE(contains(r.out.substr(4), "\x1b[H")) << r.out;
  EXPECT_FALSE(contains(r.out.substr(4), "\x1b[2J")) << r.out;
}

TEST_F(CliTest, TerminalMenuRestartsTheSelection) {
  start_ok("live", {});
  stopped_entry("a");
  stopped_entry("b");
  // Down to "b", toggle it, confirm.
  RunResult r = pty({"restart-stopped"}, {{"(0 selected)", "\x1b[B "}, {"(1 selected)", "\r"}});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "Select stopped processes to restart (2 available):")) << r.out;
  EXPECT_TRUE(contains(r.out, "🔄 Restarting 1 process(es)...")) << r.out;
  EXPECT_EQ(row("b")->at("status").as_string(), "online");
  EXPECT_EQ(row("a")->at("status").as_string(), "stopped");
  // q cancels; Enter with nothing selected selects nothing.
  r = pty({"restart-last"}, {{"(0 selected)", "q"}});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Cancelled.")) << r.out;
  r = pty({"restart-last"}, {{"(0 selected)", "\r"}});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Nothing selected.")) << r.out;
  // a selects all.
  ASSERT_EQ(bgo({"stop", "b"}).code, 0);
  r = pty({"restart-last"}, {{"(0 selected)", "a"}, {"(2 selected)", "\r"}});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "All 2 process(es) restarted")) << r.out;
}

TEST_F(CliTest, NumberedMenuWhenOnlyStdinIsATerminal) {
  start_ok("live", {});
  stopped_entry("a");
  stopped_entry("b");
  // stdout is a pipe (through cat), stdin the terminal: the original's numbered prompt.
  const std::string cmd = "'" + bin("bgo") + "' restart-stopped | cat";
  RunResult r = pty_argv({"/bin/sh", "-c", cmd}, {{"blank to cancel:", "2, 9 x\r"}});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(
      contains(r.out, "Select stopped processes to restart (2 available):\r\n  1) a        "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "\r\n  2) b        ")) << r.out;
  EXPECT_TRUE(contains(r.out,
                       "Enter numbers (comma/space separated), 'a' for all, blank to "
                       "cancel:\r\n> "))
      << r.out;
  EXPECT_TRUE(contains(r.out, "🔄 Restarting 1 process(es)...")) << r.out;
  EXPECT_EQ(row("b")->at("status").as_string(), "online");
  EXPECT_EQ(row("a")->at("status").as_string(), "stopped");
  r = pty_argv({"/bin/sh", "-c", cmd}, {{"> ", "\r"}});
  EXPECT_TRUE(contains(r.out, "Cancelled.")) << r.out;
}

TEST_F(CliTest, TerminalDeletePrompt) {
  start_ok("web", {});
  RunResult r = pty({"delete", "web"}, {{"Stop and delete? [y/N] ", "n\r"}});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Process 'web' is running. Stop and delete? [y/N] ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Cancelled.")) << r.out;
  EXPECT_TRUE(std::filesystem::exists(home_ / "procs" / "web.json"));
  r = pty({"rm", "web"}, {{"[y/N] ", "y\r"}});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "🗑️  Deleted 'web'")) << r.out;
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "web.json"));
}

}  // namespace
}  // namespace bgo::test
