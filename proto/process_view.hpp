// SPDX-License-Identifier: MIT
// The row (`status --json`, spec §6.7) and detail objects built from a record; used by bgod
// and by the client when it reads the files itself (no daemon, Appendix D #13).
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <optional>
#include <string_view>

#include <boost/json/object.hpp>

#include "common/paths.hpp"
#include "common/process_record.hpp"
#include "common/usage_text.hpp"

namespace bgo::proto {

// Every key a row may have, in the row's order (docs/protocol.md "Row").
// clang-format off
inline constexpr std::array<std::string_view, 24> k_row_keys = {
    "name", "pid", "status", "cpu", "mem", "uptime", "command", "cwd", "started_at", "watch",
    "stop_reason", "exit_code", "exit_signal", "running_pid", "cpu_percent", "memory_bytes",
    "uptime_seconds", "restarts",
    "ready", "health", "health_detail", "waiting_for",
    "project", "definition"};
// clang-format on

// A subset of k_row_keys (bit i: k_row_keys[i]), as `list`'s `fields` asks for.
using RowKeys = std::bitset<k_row_keys.size()>;

// The index of `key` in k_row_keys; nullopt for a key no row has.
std::optional<std::size_t> row_key_index(std::string_view key);

// Whether any of `keys` is a figure read from /proc: cpu, mem, uptime, cpu_percent,
// memory_bytes or uptime_seconds (the others come from the record and bgod's own state).
bool needs_usage(const RowKeys& keys);

// The original's keys, in order: name pid status cpu mem uptime command cwd started_at watch;
// then (issue #13) stop_reason exit_code exit_signal (as recorded at the last stop, null when
// never stopped), running_pid (the pid while online, else null), cpu_percent (number),
// memory_bytes (resident set), uptime_seconds (each null unless online) and restarts (the
// watcher's count, 0 without a watch block); then (issue #14, docs/health.md) ready, health,
// health_detail, waiting_for, only for a process with checks or dependencies; `status` is
// "waiting" while a start waits for dependencies. With `keys`, only those of them the full row
// would have, in the same order and with the same values (`usage` is then read only when
// needs_usage(*keys)).
boost::json::object row_json(const ProcessRecord& record, bool online, const UsageText& usage,
                             const HealthView& health = {}, const RowKeys* keys = nullptr);

// A row plus pgid (absent when the file had none), autostart, logs {stdout, stderr, watcher}
// ({path, size} or null), stopped_at, env (the recorded "K=V" list, or null), `settings`: the
// health and order settings that are set (docs/health.md, the state file's keys), when any, and
// `log_options`: the state file's `logs` ({max_size, files, timestamps}), null without one.
boost::json::object detail_json(const ProcessRecord& record, bool online, const UsageText& usage,
                                const Paths& paths, const HealthView& health = {});

}  // namespace bgo::proto
