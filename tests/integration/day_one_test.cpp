// SPDX-License-Identifier: MIT
// Issue #13, "what a pm2 user trips over on day one", end to end with the real bgo and bgod:
// crashes shown as crashes, machine-friendly JSON, several names and `all`, did-you-mean,
// starting a known process by name, environment, logs of everything, the small ones.
#include <csignal>
#include <fstream>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

// The line of `text` that starts with `prefix` ("" when none).
std::string line_starting(const std::string& text, const std::string& prefix) {
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.starts_with(prefix)) return line;
    at = end + 1;
  }
  return "";
}

class DayOneTest : public DaemonTest {
 protected:
  // "quick" exits 3 at once, "victim" is SIGKILLed by someone else, "calm" is stopped by the
  // user, "up" runs.
  void four_fates() {
    RunResult r =
        bgo({"start", "quick", "--", bin("bgo_test_child"), "--after", "0", "--exit", "3"});
    ASSERT_EQ(r.code, 1) << r.out << r.err;
    start_ok("victim", {});
    const auto victim = row("victim");
    ASSERT_TRUE(victim);
    ASSERT_EQ(::kill(static_cast<pid_t>(victim->at("pid").as_int64()), SIGKILL), 0);
    ASSERT_TRUE(wait_until([&] { return state("victim").at("status").as_string() == "stopped"; }));
    start_ok("calm", {});
    ASSERT_EQ(bgo({"stop", "calm"}).code, 0);
    start_ok("up", {});
  }
};

// ---- 1: a crash must not look like a stop ---------------------------------------------------

TEST_F(DayOneTest, CrashesAreShownAsCrashesInEveryTableLevel) {
  four_fates();
  RunResult plain = bgo({"status", "--plain"});
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_TRUE(contains(line_starting(plain.out, "quick "), " CRASH 3 ")) << plain.out;
  EXPECT_TRUE(contains(line_starting(plain.out, "victim "), " CRASH SIGKILL ")) << plain.out;
  EXPECT_TRUE(contains(line_starting(plain.out, "calm "), " OFF ")) << plain.out;
  EXPECT_TRUE(contains(line_starting(plain.out, "up "), " ON ")) << plain.out;
  EXPECT_TRUE(contains(plain.out, "Total: 4 | ON: 1 | OFF: 1 | CRASH: 2\n")) << plain.out;

  RunResult normal = bgo({"status"}, {{"BGO_TABLE", "normal"}});
  EXPECT_TRUE(contains(line_starting(normal.out, "quick "), " crashed 3 ")) << normal.out;
  EXPECT_TRUE(contains(line_starting(normal.out, "calm "), " stopped ")) << normal.out;
  RunResult fancy = bgo({"status", "--fancy"});
  EXPECT_TRUE(contains(fancy.out, "\u2717 crashed SIGKILL")) << fancy.out;
  EXPECT_TRUE(contains(fancy.out, "\u25cb stopped")) << fancy.out;
}

TEST_F(DayOneTest, DetailViewSaysHowTheProcessLastExited) {
  four_fates();
  RunResult quick = bgo({"status", "quick"});
  EXPECT_TRUE(contains(quick.out, "  Last exit: code 3 (crashed) at 20")) << quick.out;
  RunResult victim = bgo({"victim"});
  EXPECT_TRUE(contains(victim.out, "  Last exit: signal 9 (SIGKILL, crashed) at ")) << victim.out;
  EXPECT_FALSE(contains(bgo({"status", "up"}).out, "Last exit:"));
}

TEST_F(DayOneTest, JsonHasStopReasonExitAndNumbersBesideTheOriginalKeys) {
  four_fates();
  const auto quick = row("quick");
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->at("status").as_string(), "stopped");  // the original's value
  EXPECT_EQ(quick->at("stop_reason").as_string(), "crashed");
  EXPECT_EQ(quick->at("exit_code").as_int64(), 3);
  EXPECT_TRUE(quick->at("exit_signal").is_null());
  EXPECT_TRUE(quick->at("running_pid").is_null());
  EXPECT_FALSE(quick->at("pid").is_null());  // the original's pid stays as it writes it
  const auto victim = row("victim");
  EXPECT_EQ(victim->at("exit_signal").as_int64(), SIGKILL);
  EXPECT_EQ(row("calm")->at("stop_reason").as_string(), "user");

  const auto up = row("up");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->at("running_pid"), up->at("pid"));
  EXPECT_TRUE(up->at("cpu_percent").is_double()) << json::serialize(*up);
  EXPECT_GT(up->at("memory_bytes").as_int64(), 0);
  EXPECT_GE(up->at("uptime_seconds").as_int64(), 0);
  EXPECT_EQ(up->at("restarts").as_int64(), 0);
  EXPECT_TRUE(up->at("cpu").is_string());  // display strings stay
  // The first ten keys are the original's, in its order.
  const std::vector<std::string> original{"name",   "pid",     "status", "cpu",        "mem",
                                          "uptime", "command", "cwd",    "started_at", "watch"};
  size_t i = 0;
  for (const auto& kv : *up) {
    if (i < original.size()) {
      EXPECT_EQ(kv.key(), original[i]);
    }
    ++i;
  }
}

// ---- 3: start a known process by name ------------------------------------------------------

TEST_F(DayOneTest, StartByNameStartsTheRecordedCommandAndReplacingIsSaid) {
  start_ok("api", {"--tick", "1000"});
  const json::value command = state("api").at("command");
  ASSERT_EQ(bgo({"stop", "api"}).code, 0);
  RunResult r = bgo({"start", "api"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Started 'api' (PID: ")) << r.out;
  EXPECT_EQ(row("api")->at("status").as_string(), "online");
  EXPECT_EQ(state("api").at("command"), command);

  r = bgo({"start", "api"});  // already running
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Process 'api' is already running (PID: ")) << r.err;

  ASSERT_EQ(bgo({"stop", "api"}).code, 0);
  r = bgo({"start", "api", "--", bin("bgo_test_child"), "--tick", "2000"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "   Replaced the command of 'api' (was: ")) << r.out;
  EXPECT_NE(state("api").at("command"), command);

  // Same command again: nothing to say; an unknown name without a command: as before.
  ASSERT_EQ(bgo({"stop", "api"}).code, 0);
  r = bgo({"start", "api", "--", bin("bgo_test_child"), "--tick", "2000"});
  EXPECT_FALSE(contains(r.out, "Replaced")) << r.out;
  r = bgo({"start", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "No command specified")) << r.err;
}

// ---- 4: environment ------------------------------------------------------------------------

TEST_F(DayOneTest, StartTakesEnvAndEnvFileAndBgoEnvPrintsTheRecordedOne) {
  const std::filesystem::path file = home_.parent_path() / "app.env";
  {
    std::ofstream out(file);
    out << "# settings\nexport FROM_FILE=\"file value\"\nBOTH=file\n\n";
  }
  RunResult r =
      bgo({"start", "app", "--env-file", file.string(), "--env", "BOTH=flag", "--env", "EXTRA=1",
           "--", bin("bgo_test_child"), "--env", "FROM_FILE", "--env", "BOTH", "--env", "EXTRA"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"logs", "app"}).out, "EXTRA=1"); }));
  const std::string logs = bgo({"logs", "app"}).out;
  EXPECT_TRUE(contains(logs, "FROM_FILE=file value\n")) << logs;
  EXPECT_TRUE(contains(logs, "BOTH=flag\n")) << logs;  // --env wins over the file

  r = bgo({"env", "app"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "\nBOTH=flag\n") && contains(r.out, "\nEXTRA=1\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "FROM_FILE=file value\n")) << r.out;
  EXPECT_TRUE(contains(bgo({"help", "env"}).out, "usage: bgo env"));
  EXPECT_EQ(bgo({"env", "nope"}).code, 1);

  r = bgo({"start", "bad", "--env", "NOEQUALS", "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "argument --env: expected KEY=VALUE: 'NOEQUALS'")) << r.err;
  {
    std::ofstream out(file);
    out << "OK=1\nthis is not an assignment\n";
  }
  r = bgo({"start", "bad", "--env-file", file.string(), "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "app.env:2: expected KEY=VALUE")) << r.err;
}

TEST_F(DayOneTest, RestartUpdateEnvTakesTheShellsEnvironment) {
  RunResult r =
      bgo({"start", "app", "--env", "LEVEL=old", "--", bin("bgo_test_child"), "--env", "LEVEL"});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"logs", "app"}).out, "LEVEL=old"); }));
  ASSERT_EQ(bgo({"restart", "app"}, {{"LEVEL", "new"}}).code, 0);
  EXPECT_TRUE(contains(bgo({"env", "app"}).out, "LEVEL=old\n"));  // plain restart: recorded env
  ASSERT_EQ(bgo({"restart", "app", "--update-env"}, {{"LEVEL", "new"}}).code, 0);
  EXPECT_TRUE(contains(bgo({"env", "app"}).out, "LEVEL=new\n"));
  EXPECT_TRUE(wait_until([&] { return contains(bgo({"logs", "app"}).out, "LEVEL=new"); }));
}

// ---- 5: scripts ------------------------------------------------------------------------------

TEST_F(DayOneTest, StatusFormatAndOutputPrintOneLinePerProcess) {
  four_fates();
  const std::string up_pid = json::serialize(row("up")->at("pid"));
  RunResult r = bgo({"status", "--format", "{name} {status} {running_pid} {exit_code}"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "calm stopped - -\nquick stopped - 3\nup online " + up_pid +
                       " -\nvictim stopped - -\n");
  r = bgo({"ls", "-o", "name,stop_reason"});
  EXPECT_EQ(r.out, "calm\tuser\nquick\tcrashed\nup\t-\nvictim\tcrashed\n") << r.err;
  r = bgo({"status", "up", "-o", "name,restarts"});
  EXPECT_EQ(r.out, "up\t0\n");
  r = bgo({"status", "--format", "{{{name}}}"});
  EXPECT_TRUE(r.out.starts_with("{calm}\n")) << r.out;

  r = bgo({"status", "-o", "name,colour"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "bgo status: error: unknown field 'colour' (choose from name, pid"))
      << r.err;
}

TEST_F(DayOneTest, JsonWithWatchIsRefused) {
  RunResult r = bgo({"status", "--json", "-w"});
  EXPECT_EQ(r.code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err,
                       "bgo status: error: argument -w/--watch: not allowed with argument "
                       "--json"))
      << r.err;
  EXPECT_EQ(bgo({"status", "--format", "{name}", "--json"}).code, 2);
}

// ---- 2: several names, and all -------------------------------------------------------------

TEST_F(DayOneTest, StopRestartWatchUnwatchDeleteTakeSeveralNames) {
  start_ok("api", {});
  start_ok("worker", {});
  RunResult r = bgo({"stop", "api", "worker"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "🛑 Stopped 'api' (PID: ")) << r.out;
  EXPECT_TRUE(contains(r.out, "🛑 Stopped 'worker' (PID: ")) << r.out;
  EXPECT_EQ(row("api")->at("status").as_string(), "stopped");

  r = bgo({"restart", "api", "worker"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Started 'api'") && contains(r.out, "Started 'worker'")) << r.out;
  r = bgo({"watch", "api", "worker"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Watching 'api'") && contains(r.out, "Watching 'worker'")) << r.out;
  r = bgo({"unwatch", "api", "worker"});
  EXPECT_TRUE(contains(r.out, "unwatched 'api'") && contains(r.out, "unwatched 'worker'"));

  // One failure among several: every other name is still handled, and the exit code is 1.
  r = bgo({"stop", "api", "ghost", "worker"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.out, "Stopped 'api'") && contains(r.out, "Stopped 'worker'")) << r.out;
  EXPECT_TRUE(contains(r.err, "No process named 'ghost'")) << r.err;

  r = bgo({"delete", "-y", "api", "worker"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Deleted 'api'") && contains(r.out, "Deleted 'worker'")) << r.out;
  EXPECT_EQ(status_json().as_array().size(), 0U);
}

TEST_F(DayOneTest, AllMeansEveryProcess) {
  EXPECT_EQ(bgo({"stop", "all"}).out, "No processes registered.\n");
  start_ok("a", {});
  start_ok("b", {});
  RunResult r = bgo({"stop", "all"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Stopped 'a'") && contains(r.out, "Stopped 'b'")) << r.out;
  // A warning for one already stopped is still exit 0 (spec §9).
  r = bgo({"stop", "all"});
  EXPECT_EQ(r.code, 0);
  EXPECT_TRUE(contains(r.out, "Process 'a' is not running")) << r.out;
  r = bgo({"restart", "all"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(row("a")->at("status").as_string(), "online");
  EXPECT_EQ(row("b")->at("status").as_string(), "online");
  ASSERT_EQ(bgo({"stop", "b"}).code, 0);
  r = bgo({"watch", "all"});  // the running ones
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Watching 'a'") && !contains(r.out, "'b'")) << r.out;
  r = bgo({"flush", "all"});
  EXPECT_EQ(r.code, 0);
  r = bgo({"flush", "a", "b"});
  EXPECT_EQ(r.code, 0);
  r = bgo({"delete", "-y", "all"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(status_json().as_array().size(), 0U);
}

TEST_F(DayOneTest, AllIsReservedAsAName) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"start", "all", "--", bin("bgo_test_child")}, {"all", "--", bin("bgo_test_child")}}) {
    RunResult r = bgo(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "'all' is reserved")) << r.err;
  }
  EXPECT_EQ(status_json().as_array().size(), 0U);
  RunResult r = bgo({"stop"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "the following arguments are required: name")) << r.err;
}

// ---- 6: did you mean ---------------------------------------------------------------------------

TEST_F(DayOneTest, AMistypedCommandGetsASuggestionAndStartsNothing) {
  for (const auto& [typo, meant] : std::vector<std::pair<std::string, std::string>>{
           {"stauts", "status"}, {"restat", "restart"}}) {
    for (const auto& args : std::vector<std::vector<std::string>>{{typo}, {typo, "web"}}) {
      RunResult r = bgo(args);
      EXPECT_EQ(r.code, 2) << typo;
      std::string expected = "bgo: unknown command '";
      expected += typo;
      expected += "'. Did you mean '";
      expected += meant;
      expected += "'?\n";
      EXPECT_EQ(r.err, expected);
      EXPECT_EQ(r.out, "");
    }
  }
  EXPECT_EQ(status_json().as_array().size(), 0U);
  // A program on PATH is direct mode as before, and NAME -- CMD always starts.
  RunResult r = bgo({"stats", "--", bin("bgo_test_child")});
  EXPECT_EQ(r.code, 0) << r.err;
  r = bgo({bin("bgo_test_child"), "--tick", "1000"});
  EXPECT_EQ(r.code, 0) << r.err;
  // A registered process named like a typo still shows its detail view.
  r = bgo({"stats"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Process: stats")) << r.out;
}

TEST_F(DayOneTest, AnUnknownNameGetsTheClosestRegisteredNames) {
  start_ok("web", {});
  start_ok("worker", {});
  RunResult r = bgo({"stop", "wbe"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "No process named 'wbe' found\n   Did you mean 'web'?\n")) << r.err;
  r = bgo({"restart", "wrker"});
  EXPECT_TRUE(contains(r.err, "Did you mean 'worker'?")) << r.err;
  r = bgo({"logs", "wbe"});
  EXPECT_TRUE(contains(r.err, "Did you mean 'web'?")) << r.err;
  r = bgo({"status", "wbe"});
  EXPECT_TRUE(contains(r.err, "Did you mean 'web'?")) << r.err;
  r = bgo({"stop", "zzzzzzzz"});
  EXPECT_FALSE(contains(r.err, "Did you mean")) << r.err;
}

// ---- 7: logs of everything ---------------------------------------------------------------------

TEST_F(DayOneTest, LogsWithoutANameShowEveryProcessWithPrefixes) {
  EXPECT_EQ(bgo({"logs"}).out, "No processes registered.\n");
  start_ok("api", {"--lines", "2"});
  start_ok("worker-long", {"--stderr", "boom"});
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"logs"}).out, "boom"); }));
  RunResult r = bgo({"logs"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "api         | line 1\napi         | line 2\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "worker-long | boom\n")) << r.out;
  EXPECT_LT(r.out.find("api "), r.out.find("worker-long "));
  r = bgo({"logs", "all", "--stderr", "--raw"});
  EXPECT_TRUE(contains(r.out, "\nboom\n") && !contains(r.out, "line 1") && !contains(r.out, " | "))
      << r.out;
  r = bgo({"logs", "--stdout", "-n", "1"});
  EXPECT_TRUE(contains(r.out, "api         | line 2\n") && !contains(r.out, "| boom")) << r.out;
  // `bgo logs -f` of every process: logs_follow_test.cpp.
}

// ---- 9: the small ones ------------------------------------------------------------------------

TEST_F(DayOneTest, ShowDescribeAndJlistAreAliases) {
  start_ok("api", {});
  const std::string detail = bgo({"status", "api"}).out;
  EXPECT_TRUE(contains(detail, "Process: api")) << detail;
  for (const std::string alias : {"show", "describe"}) {
    RunResult r = bgo({alias, "api"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(line_starting(r.out, "Process:"), line_starting(detail, "Process:"));
    EXPECT_TRUE(contains(r.out, "  Command: ")) << r.out;
  }
  EXPECT_EQ(bgo({"show", "nope"}).code, 1);
  RunResult j = bgo({"jlist"});
  EXPECT_EQ(j.code, 0);
  const json::value rows = json::parse(j.out);
  ASSERT_EQ(rows.as_array().size(), 1U);
  EXPECT_EQ(rows.as_array()[0].at("name").as_string(), "api");
}

TEST_F(DayOneTest, DaemonRestartKeepsChildrenWhenAsked) {
  start_ok("api", {});
  const auto pid = row("api")->at("pid");
  const pid_t first = daemon_pid();
  RunResult r = bgo({"daemon", "restart", "--keep-children"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "bgod stopped") && contains(r.out, "bgod is running")) << r.out;
  EXPECT_NE(daemon_pid(), first);
  const auto again = row("api");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->at("status").as_string(), "online");
  EXPECT_EQ(again->at("pid"), pid);  // adopted, not restarted
}

TEST_F(DayOneTest, HintsQuoteANameWithSpacesAsTheShellNeeds) {
  RunResult r = bgo({"start", "bad name", "--", bin("bgo_test_child")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "   Logs: bgo logs 'bad name'\n")) << r.out;
  r = bgo({"start", "it's", "--", bin("bgo_test_child"), "--after", "0", "--exit", "2"});
  EXPECT_TRUE(contains(r.err, "   Check logs: bgo logs 'it'\\''s'\n")) << r.err;
  r = bgo({"start", "plain-name_1.0", "--", bin("bgo_test_child")});
  EXPECT_TRUE(contains(r.out, "   Logs: bgo logs plain-name_1.0\n")) << r.out;
}

}  // namespace
}  // namespace bgo::test
