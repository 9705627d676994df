// SPDX-License-Identifier: MIT
// `bgo start`'s health and order flags (issue #14, docs/health.md): the params they send and
// every bad input refused as a usage error that names the flag and the value.
#include "client/commands/start_flags.hpp"

#include <string>
#include <vector>

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <gtest/gtest.h>

#include "client/commands/common.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;
namespace po = boost::program_options;
using namespace std::chrono;

using Tokens = std::vector<std::string>;

// Saturday 2025-03-01 10:15 UTC.
const system_clock::time_point k_now = sys_days{year{2025} / 3 / 1} + hours{10} + minutes{15};

CommandLine start_spec() {
  CommandLine spec = command_line("start", "Start a process");
  spec.options.add_options()("watch,w", "Watch")("cwd", po::value<std::string>(), "Dir");
  add_health_options(spec);
  spec.positionals = {{"name", Positional::Arity::one, "Name"},
                      {"cmd", Positional::Arity::remainder, "Command"}};
  return spec;
}

json::object params(const Tokens& tokens) {
  const Args args = parse_command_line(start_spec(), tokens);
  return health_params(args, !args.rest.empty(), k_now);
}

json::object params_of(const std::string& flags_json) {
  return json::parse(flags_json).as_object();
}

// The usage error `tokens` raise ("" when none).
std::string error_of(const Tokens& tokens) {
  try {
    (void)params(tokens);
  } catch (const UsageError& e) {
    EXPECT_EQ(e.prog, "bgo start");
    EXPECT_TRUE(e.usage.starts_with("usage: bgo start [-h]")) << e.usage;
    return e.what();
  }
  return "";
}

// `bgo start api FLAGS... -- sleep 1`.
Tokens with(const Tokens& flags) {
  Tokens out{"api"};
  out.insert(out.end(), flags.begin(), flags.end());
  out.insert(out.end(), {"--", "sleep", "1"});
  return out;
}

TEST(StartFlags, WithoutThemNothingIsAdded) {
  EXPECT_TRUE(params({"api", "--", "sleep", "1"}).empty());
  EXPECT_TRUE(params({"api", "-w", "--cwd", "/srv", "--", "sleep", "1"}).empty());
  EXPECT_TRUE(params({"api"}).empty());  // bgo start NAME: the recorded command
}

TEST(StartFlags, ReadyChecksAreSentWholeWithTheirDefaults) {
  EXPECT_EQ(params(with({"--ready-notify"})),
            params_of(R"({"ready": {"kind": "notify", "target": "", "timeout_ms": 60000}})"));
  EXPECT_EQ(params(with({"--ready-log", "listening on \\d+"})),
            params_of(R"({"ready": {"kind": "log", "target": "listening on \\d+",
                                    "timeout_ms": 60000}})"));
  EXPECT_EQ(params(with({"--ready-http", "http://127.0.0.1:8080/health"})),
            params_of(R"({"ready": {"kind": "http", "target": "http://127.0.0.1:8080/health",
                                    "interval_ms": 1000, "timeout_ms": 60000}})"));
  EXPECT_EQ(params(with({"--ready-tcp", "localhost:5432"})),
            params_of(R"({"ready": {"kind": "tcp", "target": "localhost:5432",
                                    "interval_ms": 1000, "timeout_ms": 60000}})"));
  EXPECT_EQ(params(with({"--ready-exec", "pg_isready -h 'my host'"})),
            params_of(R"({"ready": {"kind": "exec", "target": "pg_isready -h 'my host'",
                                    "command": ["pg_isready", "-h", "my host"],
                                    "interval_ms": 1000, "timeout_ms": 60000}})"));
}

TEST(StartFlags, ReadyIntervalAndTimeout) {
  EXPECT_EQ(params(with(
                {"--ready-tcp", "[::1]:80", "--ready-interval", "250ms", "--ready-timeout", "2m"})),
            params_of(R"({"ready": {"kind": "tcp", "target": "[::1]:80", "interval_ms": 250,
                                    "timeout_ms": 120000}})"));
  EXPECT_EQ(params(with({"--ready-log=up", "--ready-timeout=1.5"})),
            params_of(R"({"ready": {"kind": "log", "target": "up", "timeout_ms": 1500}})"));
}

TEST(StartFlags, WatchdogWithNotify) {
  EXPECT_EQ(params(with({"--ready-notify", "--watchdog", "30s"})),
            params_of(R"({"ready": {"kind": "notify", "target": "", "timeout_ms": 60000},
                          "watchdog_ms": 30000})"));
}

TEST(StartFlags, LiveChecksAreSentWholeWithTheirDefaults) {
  EXPECT_EQ(params(with({"--live-http", "http://localhost/ping"})),
            params_of(R"({"live": {"kind": "http", "target": "http://localhost/ping",
                                   "interval_ms": 10000, "failures": 3, "timeout_ms": 5000}})"));
  // One attempt lasts at most min(interval, 5 s).
  EXPECT_EQ(params(with({"--live-exec", "check.sh --quick", "--live-interval", "2s",
                         "--live-failures", "5"})),
            params_of(R"({"live": {"kind": "exec", "target": "check.sh --quick",
                                   "command": ["check.sh", "--quick"], "interval_ms": 2000,
                                   "failures": 5, "timeout_ms": 2000}})"));
  EXPECT_EQ(params(with({"--live-tcp", "db:5432", "--live-interval", "1m"})),
            params_of(R"({"live": {"kind": "tcp", "target": "db:5432", "interval_ms": 60000,
                                   "failures": 3, "timeout_ms": 5000}})"));
}

TEST(StartFlags, AfterIsRepeatableWithReadyByDefault) {
  EXPECT_EQ(
      params(with({"--after", "db", "--after", "cache:started", "--after", "migrate:succeeded",
                   "--after", "seed:completed", "--after", "web:ready"})),
      params_of(R"({"after": [{"name": "db", "condition": "ready"},
                                    {"name": "cache", "condition": "started"},
                                    {"name": "migrate", "condition": "succeeded"},
                                    {"name": "seed", "condition": "completed"},
                                    {"name": "web", "condition": "ready"}]})"));
  // The last ':' starts the condition: a name with a ':' names one.
  EXPECT_EQ(params(with({"--after", "a:b:started"})),
            params_of(R"({"after": [{"name": "a:b", "condition": "started"}]})"));
}

TEST(StartFlags, PoliciesAndLimits) {
  EXPECT_EQ(params(with({"--restart", "on-failure", "--success-codes", "0,3,3,143", "--stop-signal",
                         "int", "--stop-timeout", "10s", "--kill-mode", "group", "--cron",
                         " 0 4 * * * ", "--max-memory", "512M"})),
            params_of(R"({"restart": "on-failure", "success_codes": [0, 3, 143],
                          "stop_signal": "SIGINT", "stop_timeout_ms": 10000,
                          "kill_mode": "group", "cron": "0 4 * * *",
                          "max_memory": 536870912})"));
  EXPECT_EQ(params(with({"--restart", "always", "-w"})), params_of(R"({"restart": "always"})"));
  EXPECT_EQ(params(with({"--restart", "never"})), params_of(R"({"restart": "never"})"));
  EXPECT_EQ(params(with({"--stop-timeout", "0"})), params_of(R"({"stop_timeout_ms": 0})"));
  EXPECT_EQ(params(with({"--cron", "@daily"})), params_of(R"({"cron": "@daily"})"));
  EXPECT_EQ(params(with({"--kill-mode", "tree"})), params_of(R"({"kill_mode": "tree"})"));
}

TEST(StartFlags, StopSignalIsSentByItsCanonicalName) {
  for (const char* sig : {"SIGINT", "INT", "int", "2", "sigint"}) {
    EXPECT_EQ(params(with({"--stop-signal", sig})).at("stop_signal"), "SIGINT") << sig;
  }
  EXPECT_EQ(params(with({"--stop-signal", "IOT"})).at("stop_signal"), "SIGABRT");
  EXPECT_EQ(params(with({"--stop-signal", "15"})).at("stop_signal"), "SIGTERM");
}

TEST(StartFlags, EverythingAtOnceExactlyAsSentInTheOrderOfTheTable) {
  EXPECT_EQ(json::serialize(params(with({"--max-memory",
                                         "1G",
                                         "--cron",
                                         "*/5 * * * *",
                                         "--kill-mode",
                                         "tree",
                                         "--stop-timeout",
                                         "1m30s",
                                         "--stop-signal",
                                         "HUP",
                                         "--success-codes",
                                         "0",
                                         "--restart",
                                         "always",
                                         "--after",
                                         "db",
                                         "--live-tcp",
                                         "127.0.0.1:9",
                                         "--live-failures",
                                         "2",
                                         "--watchdog",
                                         "1s",
                                         "--ready-notify",
                                         "--ready-timeout",
                                         "5s"}))),
            R"({"ready":{"kind":"notify","target":"","timeout_ms":5000},"watchdog_ms":1000,)"
            R"("live":{"kind":"tcp","target":"127.0.0.1:9","interval_ms":10000,"failures":2,)"
            R"("timeout_ms":5000},"after":[{"name":"db","condition":"ready"}],)"
            R"("restart":"always","success_codes":[0],"stop_signal":"SIGHUP",)"
            R"("stop_timeout_ms":90000,"kill_mode":"tree","cron":"*/5 * * * *",)"
            R"("max_memory":1073741824})");
}

TEST(StartFlags, EmptyValuesAreValuesToo) {
  // program_options alone would refuse "--ready-log=" with a message of its own (exit 1).
  EXPECT_EQ(error_of(with({"--ready-log="})), "argument --ready-log: empty regex");
  EXPECT_EQ(error_of(with({"--ready-log", ""})), "argument --ready-log: empty regex");
  EXPECT_EQ(error_of(with({"--cron", ""})),
            "argument --cron: invalid cron expression '': expected 5 fields (MIN HOUR DOM MON "
            "DOW), got 0");
  EXPECT_EQ(error_of(with({"--live-failures="})),
            "argument --live-failures: invalid int value: ''");
}

TEST(StartFlags, BadValuesNameTheFlagAndTheValue) {
  const std::vector<std::pair<Tokens, std::string>> cases = {
      {{"--ready-log", "("}, "argument --ready-log: invalid regex '(': "},
      {{"--ready-log", "a[b"}, "argument --ready-log: invalid regex 'a[b': "},
      {{"--ready-http", "https://x/"}, "argument --ready-http: invalid URL 'https://x/': "},
      {{"--ready-http", "localhost:8080"}, "argument --ready-http: invalid URL 'localhost:8080'"},
      {{"--live-http", "http://"}, "argument --live-http: invalid URL 'http://'"},
      {{"--ready-tcp", "localhost"}, "argument --ready-tcp: invalid HOST:PORT 'localhost'"},
      {{"--live-tcp", "h:0"}, "argument --live-tcp: invalid HOST:PORT 'h:0'"},
      {{"--ready-tcp", "h:65536"}, "argument --ready-tcp: invalid HOST:PORT 'h:65536'"},
      {{"--ready-exec", "check 'x"},
       "argument --ready-exec: invalid command 'check 'x': unterminated single quote"},
      {{"--live-exec", "  "}, "argument --live-exec: invalid command '  ': empty command"},
      {{"--ready-http", "http://x/", "--ready-interval", "5x"},
       "argument --ready-interval: invalid duration '5x': unknown unit 'x' (use ms, s, m, h, d)"},
      {{"--ready-http", "http://x/", "--ready-interval", "0s"},
       "argument --ready-interval: must be more than 0: '0s'"},
      {{"--ready-log", "x", "--ready-timeout", "31d"},
       "argument --ready-timeout: invalid duration '31d': more than 30 days"},
      {{"--ready-notify", "--watchdog", "soon"},
       "argument --watchdog: invalid duration 'soon': expected a number"},
      {{"--live-tcp", "h:1", "--live-interval", "0"},
       "argument --live-interval: must be more than 0: '0'"},
      {{"--live-tcp", "h:1", "--live-failures", "0"},
       "argument --live-failures: must be at least 1: '0'"},
      {{"--live-tcp", "h:1", "--live-failures", "-3"},
       "argument --live-failures: must be at least 1: '-3'"},
      {{"--live-tcp", "h:1", "--live-failures", "x"},
       "argument --live-failures: invalid int value: 'x'"},
      {{"--after", "db:up"},
       "argument --after: unknown condition 'up' in 'db:up' (choose from 'started', 'ready', "
       "'completed', 'succeeded')"},
      {{"--after", "db:"},
       "argument --after: unknown condition '' in 'db:' (choose from 'started', 'ready', "
       "'completed', 'succeeded')"},
      {{"--after", "a/b"}, "argument --after: invalid process name 'a/b'"},
      {{"--after", ":ready"}, "argument --after: invalid process name ''"},
      {{"--after", "db", "--after", "db:started"}, "argument --after: 'db' given more than once"},
      {{"--restart", "sometimes"},
       "argument --restart: invalid choice: 'sometimes' (choose from 'always', 'on-failure', "
       "'never')"},
      {{"--success-codes", "0,256"},
       "argument --success-codes: invalid exit code '256' in '0,256' (a comma-separated list of "
       "0 to 255)"},
      {{"--success-codes", "0,,3"},
       "argument --success-codes: invalid exit code '' in '0,,3' (a comma-separated list of 0 "
       "to 255)"},
      {{"--success-codes", "ok"},
       "argument --success-codes: invalid exit code 'ok' in 'ok' (a comma-separated list of 0 "
       "to 255)"},
      {{"--success-codes", "0, 3"},
       "argument --success-codes: invalid exit code ' 3' in '0, 3' (a comma-separated list of 0 "
       "to 255)"},
      {{"--stop-signal", "SIGFOO"}, "argument --stop-signal: unknown signal 'SIGFOO'"},
      {{"--stop-signal", "0"}, "argument --stop-signal: unknown signal '0'"},
      {{"--stop-signal", "65"}, "argument --stop-signal: unknown signal '65'"},
      {{"--stop-timeout=-1s"}, "argument --stop-timeout: invalid duration '-1s': negative"},
      {{"--kill-mode", "all"},
       "argument --kill-mode: invalid choice: 'all' (choose from 'tree', 'group')"},
      {{"--cron", "0 0 30 2 *"},
       "argument --cron: '0 0 30 2 *' never matches (no such day within five years)"},
      {{"--cron", "61 * * * *"},
       "argument --cron: invalid cron expression '61 * * * *': minute field '61': 61 is out of "
       "range 0-59"},
      {{"--cron", "* * * *"},
       "argument --cron: invalid cron expression '* * * *': expected 5 fields (MIN HOUR DOM MON "
       "DOW), got 4"},
      {{"--max-memory", "10X"}, "argument --max-memory: invalid size value: '10X'"},
      {{"--max-memory", "0"}, "argument --max-memory: must be more than 0: '0'"},
  };
  for (const auto& [flags, expected] : cases) {
    const std::string message = error_of(with(flags));
    EXPECT_TRUE(message.starts_with(expected)) << message << "\nexpected: " << expected;
  }
}

TEST(StartFlags, OneReadinessAndOneLivenessCheck) {
  EXPECT_EQ(error_of(with({"--ready-log", "a", "--ready-http", "http://x/"})),
            "argument --ready-http: not allowed with argument --ready-log (a process has one "
            "readiness check)");
  EXPECT_EQ(error_of(with({"--ready-exec", "a", "--ready-notify"})),
            "argument --ready-exec: not allowed with argument --ready-notify (a process has one "
            "readiness check)");
  EXPECT_EQ(error_of(with({"--ready-log", "a", "--ready-log", "b"})),
            "argument --ready-log: given more than once ('a', 'b'); a process has one readiness "
            "check");
  EXPECT_EQ(error_of(with({"--live-exec", "a", "--live-tcp", "h:1"})),
            "argument --live-exec: not allowed with argument --live-tcp (a process has one "
            "liveness check)");
  EXPECT_EQ(error_of(with({"--live-http", "http://a/", "--live-http", "http://b/"})),
            "argument --live-http: given more than once ('http://a/', 'http://b/'); a process has "
            "one liveness check");
  // A readiness check and a liveness check together are fine.
  EXPECT_EQ(error_of(with({"--ready-log", "a", "--live-tcp", "h:1"})), "");
}

TEST(StartFlags, FlagsThatNeedAnother) {
  EXPECT_EQ(error_of(with({"--watchdog", "5s"})),
            "argument --watchdog: needs --ready-notify (the pings come on its notify socket)");
  EXPECT_EQ(error_of(with({"--watchdog", "5s", "--ready-log", "x"})),
            "argument --watchdog: needs --ready-notify (the pings come on its notify socket)");
  EXPECT_EQ(error_of(with({"--ready-interval", "1s"})),
            "argument --ready-interval: needs --ready-http, --ready-tcp or --ready-exec");
  EXPECT_EQ(error_of(with({"--ready-interval", "1s", "--ready-notify"})),
            "argument --ready-interval: applies to --ready-http, --ready-tcp and --ready-exec, "
            "not --ready-notify");
  EXPECT_EQ(error_of(with({"--ready-timeout", "1s"})),
            "argument --ready-timeout: needs a readiness check (--ready-notify, --ready-log, "
            "--ready-http, --ready-tcp or --ready-exec)");
  EXPECT_EQ(error_of(with({"--live-interval", "1s"})),
            "argument --live-interval: needs --live-http, --live-tcp or --live-exec");
  EXPECT_EQ(error_of(with({"--live-failures", "2"})),
            "argument --live-failures: needs --live-http, --live-tcp or --live-exec");
  EXPECT_EQ(error_of(with({"-w", "--restart", "never"})),
            "argument --restart: 'never' not allowed with argument -w/--watch");
}

TEST(StartFlags, NeedACommand) {
  EXPECT_EQ(error_of({"api", "--ready-log", "x"}),
            "argument --ready-log: needs a command (bgo start NAME [options] -- COMMAND); a "
            "registered process started by its name keeps its recorded settings");
  EXPECT_EQ(error_of({"api", "--cron", "@daily"}).substr(0, 36),
            "argument --cron: needs a command (bg");
}

TEST(StartFlags, HelpDocumentsEveryFlagUnder80Columns) {
  const std::string help = format_help(start_spec(), 78);
  for (const char* flag :
       {"--ready-notify",           "--ready-log REGEX",   "--ready-http URL",
        "--ready-tcp HOST:PORT",    "--ready-exec CMD",    "--ready-interval DUR",
        "--ready-timeout DUR",      "--watchdog DUR",      "--live-http URL",
        "--live-tcp HOST:PORT",     "--live-exec CMD",     "--live-interval DUR",
        "--live-failures N",        "--after NAME[:COND]", "--restart {always,on-failure,never}",
        "--success-codes CODES",    "--stop-signal SIG",   "--stop-timeout DUR",
        "--kill-mode {tree,group}", "--cron EXPR",         "--max-memory SIZE"}) {
    EXPECT_NE(help.find("\n  " + std::string(flag)), std::string::npos) << flag;
  }
  size_t start = 0;
  while (start < help.size()) {
    size_t end = help.find('\n', start);
    if (end == std::string::npos) end = help.size();
    EXPECT_LT(end - start, 80U) << help.substr(start, end - start);
    start = end + 1;
  }
}

}  // namespace
}  // namespace bgo::client
