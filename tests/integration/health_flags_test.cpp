// SPDX-License-Identifier: MIT
// Issue #14's "Bad input" for `bgo start` end to end with the real bgo: every malformed value
// of the health and order flags is a usage error (exit 2) naming the flag and the value, and
// nothing is started, registered or written, with or without a bgod running.
#include <filesystem>
#include <fstream>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

struct BadFlag {
  std::vector<std::string> flags;
  std::string names;  // in the message: "argument --FLAG: ..." and the value
  std::string value;
};

// One bad value per flag of docs/health.md, and the rules between flags.
const std::vector<BadFlag>& bad_flags() {
  static const std::vector<BadFlag> k_cases = {
      {{"--ready-log", "(unclosed"}, "--ready-log", "'(unclosed'"},
      {{"--ready-http", "https://localhost/"}, "--ready-http", "'https://localhost/'"},
      {{"--ready-http", "localhost:8080"}, "--ready-http", "'localhost:8080'"},
      {{"--ready-tcp", "localhost"}, "--ready-tcp", "'localhost'"},
      {{"--ready-tcp", "localhost:70000"}, "--ready-tcp", "'localhost:70000'"},
      {{"--ready-exec", "check 'x"}, "--ready-exec", "'check 'x'"},
      {{"--ready-tcp", "h:1", "--ready-interval", "5 s"}, "--ready-interval", "'5 s'"},
      {{"--ready-log", "up", "--ready-timeout", "forever"}, "--ready-timeout", "'forever'"},
      {{"--ready-notify", "--watchdog", "-"}, "--watchdog", "'-'"},
      {{"--live-http", "ftp://x/"}, "--live-http", "'ftp://x/'"},
      {{"--live-tcp", ":80"}, "--live-tcp", "':80'"},
      {{"--live-exec", "\"x"}, "--live-exec", "'\"x'"},
      {{"--live-tcp", "h:1", "--live-interval", "1y"}, "--live-interval", "'1y'"},
      {{"--live-tcp", "h:1", "--live-failures", "0"}, "--live-failures", "'0'"},
      {{"--after", "db:up"}, "--after", "'db:up'"},
      {{"--after", "a/b"}, "--after", "'a/b'"},
      {{"--restart", "sometimes"}, "--restart", "'sometimes'"},
      {{"--success-codes", "0,300"}, "--success-codes", "'300'"},
      {{"--stop-signal", "SIGFOO"}, "--stop-signal", "'SIGFOO'"},
      {{"--stop-signal", "65"}, "--stop-signal", "'65'"},
      {{"--stop-timeout", "1h1h"}, "--stop-timeout", "'1h1h'"},
      {{"--kill-mode", "all"}, "--kill-mode", "'all'"},
      {{"--cron", "61 * * * *"}, "--cron", "'61 * * * *'"},
      {{"--cron", "0 0 30 2 *"}, "--cron", "'0 0 30 2 *'"},
      {{"--max-memory", "lots"}, "--max-memory", "'lots'"},
      // Two readiness checks, the same one twice, a watchdog without notify.
      {{"--ready-log", "up", "--ready-tcp", "h:1"}, "--ready-tcp", "--ready-log"},
      {{"--ready-log", "a", "--ready-log", "b"}, "--ready-log", "'b'"},
      {{"--watchdog", "5s"}, "--watchdog", "--ready-notify"},
  };
  return k_cases;
}

class HealthFlagsTest : public DaemonTest {
 protected:
  std::vector<std::string> start_args(const std::string& name, const BadFlag& bad) {
    std::vector<std::string> args{"start", name};
    args.insert(args.end(), bad.flags.begin(), bad.flags.end());
    args.emplace_back("--");
    for (auto& a : child({})) args.push_back(a);
    return args;
  }

  void expect_refused(const RunResult& r, const BadFlag& bad) {
    std::string call;
    for (const auto& f : bad.flags) call += " " + f;
    EXPECT_EQ(r.code, 2) << call << "\n" << r.out << r.err;
    EXPECT_EQ(r.out, "") << call;
    EXPECT_TRUE(r.err.starts_with("usage: bgo start [-h]")) << call << "\n" << r.err;
    EXPECT_TRUE(contains(r.err, "bgo start: error: argument " + bad.names + ": ")) << call << "\n"
                                                                                   << r.err;
    EXPECT_TRUE(contains(r.err, bad.value)) << call << "\n" << r.err;
  }
};

TEST_F(HealthFlagsTest, BadValuesAreUsageErrorsAndStartNothing) {
  for (const BadFlag& bad : bad_flags()) expect_refused(bgo(start_args("web", bad)), bad);
  // No bgod was started for them and nothing was written: not even the home directory.
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
}

TEST_F(HealthFlagsTest, BadValuesChangeNothingWhileBgodRuns) {
  start_ok("web", {});
  const boost::json::object before = state("web");
  ASSERT_FALSE(before.empty());
  for (const BadFlag& bad : bad_flags()) {
    expect_refused(bgo(start_args("api", bad)), bad);
    expect_refused(bgo(start_args("web", bad)), bad);  // a registered name: not replaced
  }
  EXPECT_FALSE(std::filesystem::exists(home_ / "procs" / "api.json"));
  EXPECT_EQ(state("web"), before);
  EXPECT_FALSE(row("api"));
}

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

// What bgo shows of bgod's waiting and starting processes. db is ready once a file exists
// (an exec check), so the test decides when, without sleeping.
TEST_F(HealthFlagsTest, WaitingAndStartingAsBgodReportsThem) {
  const std::filesystem::path flag = home_.parent_path() / "db-ready";
  start_ok("db", {}, {"--ready-exec", "test -e " + flag.string(), "--ready-interval", "100ms"});
  RunResult r = bgo({"start", "api", "--after", "db", "--", bin("bgo_test_child")});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "'api': waiting for db (ready)")) << r.out;

  r = bgo({"status", "--plain"});
  EXPECT_TRUE(contains(line_starting(r.out, "api "), " WAIT ")) << r.out;
  EXPECT_TRUE(contains(line_starting(r.out, "db "), " STARTING ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 2 | ON: 0 | OFF: 0 | STARTING: 1 | WAIT: 1\n")) << r.out;
  r = bgo({"api"});
  EXPECT_TRUE(contains(r.out, "  Status:  waiting\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "  Waiting for: db (ready)\n")) << r.out;
  r = bgo({"db"});
  EXPECT_TRUE(contains(r.out, "  Status:  starting\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "  Readiness:     exec 'test -e ")) << r.out;
  const auto api = row("api");
  ASSERT_TRUE(api);
  EXPECT_EQ(api->at("status").as_string(), "waiting");
  EXPECT_EQ(api->at("waiting_for"), boost::json::array{"db (ready)"});

  { std::ofstream(flag.string()) << "ok\n"; }
  ASSERT_TRUE(wait_until([&] {
    const auto a = row("api");
    return a && a->at("status").as_string() == "online";
  }));
  r = bgo({"status", "--plain"});
  EXPECT_TRUE(contains(line_starting(r.out, "db "), " ON ")) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 2 | ON: 2 | OFF: 0\n")) << r.out;
  EXPECT_EQ(row("db")->at("ready"), true);
}

TEST_F(HealthFlagsTest, FlagsOfANewStartNeedItsCommand) {
  const RunResult r = bgo({"start", "web", "--ready-log", "up"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_TRUE(contains(r.err, "bgo start: error: argument --ready-log: needs a command")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
}

TEST_F(HealthFlagsTest, HelpDocumentsEveryFlagWithinEightyColumns) {
  const RunResult r = bgo({"help", "start"}, {{"COLUMNS", "80"}});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* flag :
       {"--ready-notify",           "--ready-log REGEX",   "--ready-http URL",
        "--ready-tcp HOST:PORT",    "--ready-exec CMD",    "--ready-interval DUR",
        "--ready-timeout DUR",      "--watchdog DUR",      "--live-http URL",
        "--live-tcp HOST:PORT",     "--live-exec CMD",     "--live-interval DUR",
        "--live-failures N",        "--after NAME[:COND]", "--restart {always,on-failure,never}",
        "--success-codes CODES",    "--stop-signal SIG",   "--stop-timeout DUR",
        "--kill-mode {tree,group}", "--cron EXPR",         "--max-memory SIZE"}) {
    EXPECT_TRUE(contains(r.out, "\n  " + std::string(flag))) << flag;
  }
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    // Display columns: the help is ASCII.
    EXPECT_LT(end - start, 80U) << r.out.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace
}  // namespace bgo::test
