// SPDX-License-Identifier: MIT
// The single-process detail view of `bgo status <name>` / `bgo <name>` (spec §6.6).
#include "client/render/detail.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "client/render/health.hpp"
#include "client/render/json_dump.hpp"
#include "client/render/last_exit.hpp"
#include "client/render/text.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

constexpr std::size_t k_tail_lines = 5;

std::string str_or(const json::object& o, std::string_view key, std::string_view fallback) {
  const json::value* v = o.if_contains(key);
  return v ? python_str(*v) : std::string{fallback};
}

bool truthy(const json::value* v) { return v != nullptr && python_truthy(*v); }

std::string join_command(const json::object& detail) {
  const json::value* command = detail.if_contains("command");
  if (command == nullptr || !command->is_array()) return str_or(detail, "command", "");
  std::string out;
  bool first = true;
  for (const auto& arg : command->get_array()) {
    if (!first) out += ' ';
    first = false;
    out += python_str(arg);
  }
  return out;
}

// "<size> (<path>)" for a logs entry, or nothing when the entry is null or malformed.
std::string log_line(const json::object& detail, std::string_view stream, std::string_view label) {
  const json::value* logs = detail.if_contains("logs");
  if (logs == nullptr || !logs->is_object()) return {};
  const json::value* entry = logs->get_object().if_contains(stream);
  if (entry == nullptr || !entry->is_object()) return {};
  const json::object& file = entry->get_object();
  const json::value* size = file.if_contains("size");
  std::uint64_t bytes = 0;
  if (size != nullptr && size->is_uint64()) bytes = size->get_uint64();
  if (size != nullptr && size->is_int64() && size->get_int64() > 0) {
    bytes = static_cast<std::uint64_t>(size->get_int64());
  }
  return std::string{label} + human_size(bytes) + " (" + str_or(file, "path", "N/A") + ")\n";
}

// Python's str.splitlines() on "\n", "\r\n" and "\r", trailing blank lines dropped.
std::vector<std::string_view> tail_lines(std::string_view tail) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < tail.size()) {
    const std::size_t end = tail.find_first_of("\r\n", start);
    if (end == std::string_view::npos) {
      lines.push_back(tail.substr(start));
      break;
    }
    lines.push_back(tail.substr(start, end - start));
    start = end + ((tail[end] == '\r' && end + 1 < tail.size() && tail[end + 1] == '\n') ? 2 : 1);
  }
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos) {
    lines.pop_back();
  }
  if (lines.size() > k_tail_lines) lines.erase(lines.begin(), lines.end() - k_tail_lines);
  return lines;
}

std::string watch_section(const json::object& detail, const json::object& watch, const Style& style,
                          bool daemon_running) {
  const std::string name = str_or(detail, "name", "");
  const bool enabled = !watch.contains("enabled") || truthy(watch.if_contains("enabled"));
  const bool errored = truthy(watch.if_contains("errored"));
  std::string out = "\n" + paint(style, Color::bold, "Watch:") + "\n";
  if (enabled) {
    out += "  Enabled:   yes (interval " + str_or(watch, "interval", "3") + "s, min-uptime " +
           str_or(watch, "min_uptime", "2") + "s, mode " +
           str_or(watch, "on_fast_crash", "backoff") + ")\n";
  } else {
    out += "  Enabled:   no\n";
  }
  // bgod is the watcher (Appendix D #2); without it nothing watches, whatever the file says.
  // An errored block is given up on, as the original's watcher exits when it errors (§5.5).
  out += "  Watcher:   " +
         (daemon_running && enabled && !errored ? paint(style, Color::green, "bgod")
                                                : paint(style, Color::gray, "not running")) +
         "\n";
  out += "  Restarts:  " + str_or(watch, "restarts", "0") + "\n";
  if (const json::value* last = watch.if_contains("last_restart_at"); truthy(last)) {
    out += "  Last:      " + python_str(*last) + "\n";
  }
  if (errored) {
    out += "  Errored:   " + paint(style, Color::red, "YES") + " " +
           std::string{glyphs(style.level).dash} + " " + str_or(watch, "error_reason", "unknown") +
           "\n";
    const json::value* tail = watch.if_contains("last_stderr_tail");
    if (tail != nullptr && tail->is_string()) {
      const auto lines = tail_lines(tail->get_string());
      if (!lines.empty()) out += "  Last err:\n";
      for (const auto line : lines) out += "    " + paint(style, Color::gray, line) + "\n";
    }
    out += "  Recover:   " + paint(style, Color::gray, recover_hint(name)) + "\n";
  } else {
    out += "  Errored:   no\n";
  }
  return out;
}

}  // namespace

std::string render_detail(const json::object& detail, const Style& style, bool daemon_running) {
  const json::value* status = detail.if_contains("status");
  const bool online = status != nullptr && status->is_string() && status->get_string() == "online";

  std::string out = paint(style, Color::bold, "Process:") + " " + str_or(detail, "name", "") + "\n";
  std::string state = paint(style, Color::red, "stopped");
  if (is_starting(detail)) {
    state = paint(style, Color::yellow, "starting");
  } else if (online) {
    state = paint(style, Color::green, "online");
  } else if (is_waiting(detail)) {
    state = paint(style, Color::yellow, "waiting");
  }
  out += "  Status:  " + state + "\n";
  out += "  PID:     " + str_or(detail, "pid", "N/A") + "\n";
  out += "  PGID:    " + str_or(detail, "pgid", "N/A") + "\n";
  out += "  Command: " + join_command(detail) + "\n";
  out += "  CWD:     " + str_or(detail, "cwd", "N/A") + "\n";
  out += "  Started: " + str_or(detail, "started_at", "N/A") + "\n";
  out += "  Autostart: " + str_or(detail, "autostart", "unless-stopped") + "\n";
  if (const std::string last = last_exit_text(detail); !online && !last.empty()) {
    out += "  Last exit: " + (is_crashed(detail) ? paint(style, Color::red, last) : last) + "\n";
  }
  out += health_state_lines(detail, style);
  if (online) {
    out += "  CPU:     " + str_or(detail, "cpu", "-") + "%\n";
    out += "  MEM:     " + str_or(detail, "mem", "-") + "%\n";
    out += "  Uptime:  " + str_or(detail, "uptime", "-") + "\n";
  }
  out += log_line(detail, "stdout", "  stdout:  ");
  out += log_line(detail, "stderr", "  stderr:  ");

  out += health_section(detail, style);
  const json::value* watch = detail.if_contains("watch");
  if (watch != nullptr && watch->is_object() && !watch->get_object().empty()) {
    out += watch_section(detail, watch->get_object(), style, daemon_running);
  }
  out += log_line(detail, "watcher", "  watcher:   ");
  return out;
}

}  // namespace bgo::client
