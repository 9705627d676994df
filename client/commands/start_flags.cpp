// SPDX-License-Identifier: MIT
// add_health_options / health_params: every value is parsed here with the parser bgod uses
// (common/), so a typo is a usage error before anything is sent and bgod sees only valid text.
#include "client/commands/start_flags.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "common/cron.hpp"
#include "common/duration.hpp"
#include "common/endpoint.hpp"
#include "common/name.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"
#include "common/words.hpp"

namespace bgo::client {

namespace {

namespace json = boost::json;
namespace po = boost::program_options;
using std::chrono::milliseconds;

constexpr std::array<const char*, 5> k_ready_flags = {"ready-notify", "ready-log", "ready-http",
                                                      "ready-tcp", "ready-exec"};
constexpr std::array<const char*, 3> k_live_flags = {"live-http", "live-tcp", "live-exec"};
constexpr std::array<const char*, 13> k_other_flags = {
    "ready-interval", "ready-timeout", "watchdog",      "live-interval", "live-failures",
    "after",          "restart",       "success-codes", "stop-signal",   "stop-timeout",
    "kill-mode",      "cron",          "max-memory"};
constexpr std::array<std::string_view, 4> k_conditions = {"started", "ready", "completed",
                                                          "succeeded"};

// docs/health.md's defaults, sent inside a check so that it is complete.
constexpr milliseconds k_ready_interval{1'000};
constexpr milliseconds k_ready_timeout{60'000};
constexpr milliseconds k_live_interval{10'000};
constexpr milliseconds k_live_attempt_cap{5'000};
constexpr int64_t k_live_failures = 3;
constexpr int k_max_exit_code = 255;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

[[noreturn]] void fail(const Args& args, std::string_view flag, const std::string& message) {
  args.fail("argument --" + std::string(flag) + ": " + message);
}

std::string text_of(const Args& args, const char* flag) { return args.vm[flag].as<std::string>(); }

// The value of a check flag, declared to collect every occurrence so that a second one is an
// error rather than argparse's silent "last one wins".
std::string once(const Args& args, const char* flag, std::string_view what) {
  const auto& values = args.vm[flag].as<std::vector<std::string>>();
  if (values.size() > 1) {
    std::string list;
    for (const auto& v : values) list += (list.empty() ? "" : ", ") + quoted(v);
    fail(args, flag, "given more than once (" + list + "); a process has one " + std::string(what));
  }
  return values.front();
}

milliseconds duration(const Args& args, const char* flag, bool allow_zero) {
  const std::string text = text_of(args, flag);
  auto parsed = parse_duration(text);
  if (!parsed) fail(args, flag, parsed.error().message);
  if (!allow_zero && parsed->count() == 0) fail(args, flag, "must be more than 0: " + quoted(text));
  return *parsed;
}

const char* given(const Args& args, const auto& flags) {
  for (const char* flag : flags) {
    if (args.has(flag)) return flag;
  }
  return nullptr;
}

// The one flag of `flags` given, nullptr for none; two are a usage error (argparse's words for
// a mutually exclusive group, which the usage line does not draw: it would not fit 80 columns).
const char* the_one(const Args& args, const auto& flags, std::string_view what) {
  const char* first = nullptr;
  for (const char* flag : flags) {
    if (!args.has(flag)) continue;
    if (first != nullptr) {
      fail(args, flag,
           std::string("not allowed with argument --") + first + " (a process has one " +
               std::string(what) + ")");
    }
    first = flag;
  }
  return first;
}

// {"kind", "target"[, "command"]} for check flag `flag` ("ready-http" -> kind "http").
json::object check(const Args& args, const char* flag, const std::string& text) {
  const std::string_view name(flag);
  const std::string kind(name.substr(name.find('-') + 1));
  json::object out{{"kind", kind}, {"target", text}};
  if (kind == "log") {
    if (text.empty()) fail(args, flag, "empty regex");
    try {
      const std::regex compiled(text, std::regex::ECMAScript);
      (void)compiled;  // only its construction matters: it throws on a bad pattern
    } catch (const std::regex_error& e) {
      fail(args, flag, "invalid regex " + quoted(text) + ": " + e.what());
    }
  } else if (kind == "http") {
    if (auto url = parse_http_url(text); !url) fail(args, flag, url.error().message);
  } else if (kind == "tcp") {
    if (auto hp = parse_host_port(text); !hp) fail(args, flag, hp.error().message);
  } else if (kind == "exec") {
    auto words = split_words(text);
    if (!words) fail(args, flag, words.error().message);
    json::array command;
    for (auto& w : *words) command.emplace_back(w);
    out["command"] = std::move(command);
  }
  return out;
}

std::optional<json::object> ready_param(const Args& args) {
  const char* flag = the_one(args, k_ready_flags, "readiness check");
  if (flag == nullptr) {
    if (args.has("ready-interval")) {
      fail(args, "ready-interval", "needs --ready-http, --ready-tcp or --ready-exec");
    }
    if (args.has("ready-timeout")) {
      fail(args, "ready-timeout",
           "needs a readiness check (--ready-notify, --ready-log, --ready-http, --ready-tcp or "
           "--ready-exec)");
    }
    return std::nullopt;
  }
  const bool notify = std::string_view(flag) == "ready-notify";
  json::object out = check(args, flag, notify ? "" : once(args, flag, "readiness check"));
  const bool probed = !notify && std::string_view(flag) != "ready-log";
  if (probed) {
    out["interval_ms"] = args.has("ready-interval")
                             ? duration(args, "ready-interval", false).count()
                             : k_ready_interval.count();
  } else if (args.has("ready-interval")) {
    fail(args, "ready-interval",
         std::string("applies to --ready-http, --ready-tcp and --ready-exec, not --") + flag);
  }
  out["timeout_ms"] = args.has("ready-timeout") ? duration(args, "ready-timeout", false).count()
                                                : k_ready_timeout.count();
  return out;
}

std::optional<json::object> live_param(const Args& args) {
  const char* flag = the_one(args, k_live_flags, "liveness check");
  if (flag == nullptr) {
    for (const char* needs : {"live-interval", "live-failures"}) {
      if (args.has(needs)) fail(args, needs, "needs --live-http, --live-tcp or --live-exec");
    }
    return std::nullopt;
  }
  json::object out = check(args, flag, once(args, flag, "liveness check"));
  const milliseconds interval =
      args.has("live-interval") ? duration(args, "live-interval", false) : k_live_interval;
  int64_t failures = k_live_failures;
  if (args.has("live-failures")) {
    failures = args.vm["live-failures"].as<int64_t>();
    if (failures < 1) {
      fail(args, "live-failures", "must be at least 1: " + quoted(std::to_string(failures)));
    }
  }
  out["interval_ms"] = interval.count();
  out["failures"] = failures;
  out["timeout_ms"] = std::min(interval, k_live_attempt_cap).count();
  return out;
}

// --after NAME[:COND]: the last ':' starts the condition, so a name with a ':' in it needs one.
json::array after_param(const Args& args) {
  json::array out;
  std::vector<std::string> names;
  for (const auto& text : args.vm["after"].as<std::vector<std::string>>()) {
    std::string name = text, condition = "ready";
    if (const size_t colon = text.rfind(':'); colon != std::string::npos) {
      name = text.substr(0, colon);
      condition = text.substr(colon + 1);
      if (std::find(k_conditions.begin(), k_conditions.end(), condition) == k_conditions.end()) {
        fail(args, "after",
             "unknown condition " + quoted(condition) + " in " + quoted(text) +
                 " (choose from 'started', 'ready', 'completed', 'succeeded')");
      }
    }
    if (!is_valid_name(name)) fail(args, "after", "invalid process name " + python_repr(name));
    if (std::find(names.begin(), names.end(), name) != names.end()) {
      fail(args, "after", quoted(name) + " given more than once");
    }
    names.push_back(name);
    out.emplace_back(json::object{{"name", name}, {"condition", condition}});
  }
  return out;
}

// "0,3" -> [0, 3]: exit codes 0 to 255, each once.
json::array success_codes(const Args& args) {
  const std::string text = text_of(args, "success-codes");
  json::array out;
  std::vector<int> seen;
  std::string_view rest(text);
  for (;;) {
    const size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    int code = 0;
    const bool digits =
        !item.empty() && item.size() <= 3 &&
        std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      for (const char c : item) code = code * 10 + (c - '0');
    }
    if (!digits || code > k_max_exit_code) {
      fail(args, "success-codes",
           "invalid exit code " + quoted(item) + " in " + quoted(text) +
               " (a comma-separated list of 0 to 255)");
    }
    if (std::find(seen.begin(), seen.end(), code) == seen.end()) {
      seen.push_back(code);
      out.emplace_back(code);
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

std::string cron_param(const Args& args, std::chrono::system_clock::time_point now) {
  const std::string text = text_of(args, "cron");
  auto schedule = CronSchedule::parse(text);
  if (!schedule) fail(args, "cron", schedule.error().message);
  if (!schedule->next_after(now)) {
    fail(args, "cron", quoted(text) + " never matches (no such day within five years)");
  }
  return schedule->text();
}

int64_t max_memory(const Args& args) {
  const std::string text = text_of(args, "max-memory");
  const auto bytes = parse_size(text);
  if (!bytes) fail(args, "max-memory", "invalid size value: " + quoted(text));
  if (*bytes == 0) fail(args, "max-memory", "must be more than 0: " + quoted(text));
  return static_cast<int64_t>(*bytes);  // at most k_max_size_bytes (10^18)
}

}  // namespace

void add_health_options(CommandLine& spec) {
  using Texts = std::vector<std::string>;  // every occurrence: a second one is an error
  spec.description +=
      "\n\nHealth and order flags (docs/health.md): DUR is 500ms, 5s, 2m, 1h30m or 1.5s\n"
      "(a bare number is seconds); SIZE is 512K, 10M or 1G; one --ready-* and one\n"
      "--live-* at most.";
  auto add = spec.options.add_options();
  add("ready-notify", "Ready when it sends READY=1 to $NOTIFY_SOCKET (systemd's sd_notify)");
  add("ready-log", po::value<Texts>()->value_name("REGEX"),
      "Ready when a line of its output matches REGEX (ECMAScript syntax)");
  add("ready-http", po::value<Texts>()->value_name("URL"),
      "Ready when GET URL answers 2xx or 3xx (http:// only)");
  add("ready-tcp", po::value<Texts>()->value_name("HOST:PORT"),
      "Ready when a TCP connection to HOST:PORT succeeds");
  add("ready-exec", po::value<Texts>()->value_name("CMD"),
      "Ready when CMD exits 0 (one argument, split into words like a shell would, never run "
      "by one)");
  add("ready-interval", po::value<std::string>()->value_name("DUR"),
      "Between http/tcp/exec readiness attempts (default: 1s)");
  add("ready-timeout", po::value<std::string>()->value_name("DUR"),
      "If not ready by then: a fast crash (default: 60s)");
  add("watchdog", po::value<std::string>()->value_name("DUR"),
      "With --ready-notify: restart it when no WATCHDOG=1 comes for DUR");
  add("live-http", po::value<Texts>()->value_name("URL"),
      "Liveness: GET URL must answer 2xx or 3xx");
  add("live-tcp", po::value<Texts>()->value_name("HOST:PORT"),
      "Liveness: a TCP connection to HOST:PORT must succeed");
  add("live-exec", po::value<Texts>()->value_name("CMD"), "Liveness: CMD must exit 0");
  add("live-interval", po::value<std::string>()->value_name("DUR"),
      "Between liveness attempts (default: 10s)");
  add("live-failures", po::value<int64_t>()->value_name("N"),
      "Failures in a row that restart it (default: 3)");
  add("after", po::value<Texts>()->value_name("NAME[:COND]"),
      "Start once NAME is started, ready (default), completed or succeeded; waits until then "
      "(repeatable)");
  add("restart", po::value<std::string>()->value_name("{always,on-failure,never}"),
      "always and on-failure watch it (on-failure: not after a success exit); never unwatches "
      "it");
  add("success-codes", po::value<std::string>()->value_name("CODES"),
      "Exit codes that count as success: 0,3 (default: 0)");
  add("stop-signal", po::value<std::string>()->value_name("SIG"),
      "Stop signal, e.g. SIGINT, INT or 2 (default: SIGTERM)");
  add("stop-timeout", po::value<std::string>()->value_name("DUR"),
      "SIGKILL after this long (default: bgod's, 5s)");
  add("kill-mode", po::value<std::string>()->value_name("{tree,group}"),
      "What a stop signals: tree = its whole cgroup when bgod has cgroups (default), group = "
      "its process group");
  add("cron", po::value<std::string>()->value_name("EXPR"),
      "Restart on this schedule, 'MIN HOUR DOM MON DOW' in UTC or @daily, @hourly, ...; a "
      "stopped process is started");
  add("max-memory", po::value<std::string>()->value_name("SIZE"),
      "Restart it when its memory reaches SIZE (512M, 1G); needs cgroup containment");
}

json::object health_params(const Args& args, bool has_command,
                           std::chrono::system_clock::time_point now) {
  json::object out;
  const char* first = given(args, k_ready_flags);
  if (first == nullptr) first = given(args, k_live_flags);
  if (first == nullptr) first = given(args, k_other_flags);
  if (first == nullptr) return out;
  if (!has_command) {
    fail(args, first,
         "needs a command (bgo start NAME [options] -- COMMAND); a registered process started "
         "by its name keeps its recorded settings");
  }
  if (auto ready = ready_param(args)) out["ready"] = std::move(*ready);
  if (args.has("watchdog")) {
    if (!args.has("ready-notify")) {
      fail(args, "watchdog", "needs --ready-notify (the pings come on its notify socket)");
    }
    out["watchdog_ms"] = duration(args, "watchdog", false).count();
  }
  if (auto live = live_param(args)) out["live"] = std::move(*live);
  if (args.has("after")) out["after"] = after_param(args);
  if (args.has("restart")) {
    const std::string policy = text_of(args, "restart");
    if (policy == "never" && args.has("watch")) {
      fail(args, "restart", "'never' not allowed with argument -w/--watch");
    }
    out["restart"] = policy;
  }
  if (args.has("success-codes")) out["success_codes"] = success_codes(args);
  if (args.has("stop-signal")) {
    auto sig = parse_signal(text_of(args, "stop-signal"));
    if (!sig) fail(args, "stop-signal", sig.error().message);
    out["stop_signal"] = signal_name(*sig);
  }
  if (args.has("stop-timeout")) {
    out["stop_timeout_ms"] = duration(args, "stop-timeout", true).count();
  }
  if (args.has("kill-mode")) out["kill_mode"] = text_of(args, "kill-mode");
  if (args.has("cron")) out["cron"] = cron_param(args, now);
  if (args.has("max-memory")) out["max_memory"] = max_memory(args);
  return out;
}

}  // namespace bgo::client
