// SPDX-License-Identifier: MIT
// Every key a bgo.yaml may hold, per mapping: the parser's allow-list (an unknown key is an
// error with the closest of these suggested), and what docs/bgo-file.schema.json must name.
#pragma once

#include <array>
#include <span>
#include <string_view>

namespace bgo::app {

inline constexpr std::array<std::string_view, 5> k_top_keys = {"version", "name", "env_file", "env",
                                                               "processes"};
inline constexpr std::array<std::string_view, 19> k_process_keys = {
    "command",   "cwd",  "env",        "env_file", "instances",     "port_offset", "depends_on",
    "ready",     "live", "watchdog",   "restart",  "success_codes", "watch",       "stop",
    "kill_mode", "cron", "max_memory", "logs",     "autostart"};
inline constexpr std::array<std::string_view, 7> k_ready_keys = {
    "notify", "log", "http", "tcp", "exec", "interval", "timeout"};
inline constexpr std::array<std::string_view, 6> k_live_keys = {"http",     "tcp",      "exec",
                                                                "interval", "failures", "timeout"};
inline constexpr std::array<std::string_view, 3> k_watch_keys = {"interval", "min_uptime",
                                                                 "on_fast_crash"};
inline constexpr std::array<std::string_view, 2> k_stop_keys = {"signal", "timeout"};
inline constexpr std::array<std::string_view, 3> k_logs_keys = {"max_size", "files", "time"};

// A mapping of the file and its keys. `extensions`: keys starting with `x-` are allowed there
// and ignored (a place for YAML anchors, as in compose files).
struct KeySection {
  std::string_view name;  // "top", or the $defs entry of the JSON schema: "process", "ready"...
  std::span<const std::string_view> keys;
  bool extensions = false;
};

inline constexpr KeySection k_top_section{"top", k_top_keys, true};
inline constexpr KeySection k_process_section{"process", k_process_keys, true};
inline constexpr KeySection k_ready_section{"ready", k_ready_keys, false};
inline constexpr KeySection k_live_section{"live", k_live_keys, false};
inline constexpr KeySection k_watch_section{"watch", k_watch_keys, false};
inline constexpr KeySection k_stop_section{"stop", k_stop_keys, false};
inline constexpr KeySection k_logs_section{"logs", k_logs_keys, false};
inline constexpr std::array<KeySection, 7> k_key_sections = {
    k_top_section,   k_process_section, k_ready_section, k_live_section,
    k_watch_section, k_stop_section,    k_logs_section};

}  // namespace bgo::app
