// SPDX-License-Identifier: MIT
// The row (`status --json`, spec §6.7) and detail objects built from a record; used by bgod
// and by the client when it reads the files itself (no daemon, Appendix D #13).
#pragma once

#include <boost/json/object.hpp>

#include "common/paths.hpp"
#include "common/process_record.hpp"
#include "common/usage_text.hpp"

namespace bgo::proto {

// The original's keys, in order: name pid status cpu mem uptime command cwd started_at watch;
// then (issue #13) stop_reason exit_code exit_signal (as recorded at the last stop, null when
// never stopped), running_pid (the pid while online, else null), cpu_percent (number),
// memory_bytes (resident set), uptime_seconds (each null unless online) and restarts (the
// watcher's count, 0 without a watch block); then (issue #14, docs/health.md) ready, health,
// health_detail, waiting_for, only for a process with checks or dependencies; `status` is
// "waiting" while a start waits for dependencies.
boost::json::object row_json(const ProcessRecord& record, bool online, const UsageText& usage,
                             const HealthView& health = {});

// A row plus pgid (absent when the file had none), autostart, logs {stdout, stderr, watcher}
// ({path, size} or null), stopped_at, env (the recorded "K=V" list, or null), `settings`: the
// health and order settings that are set (docs/health.md, the state file's keys), when any, and
// `log_options`: the state file's `logs` ({max_size, files, timestamps}), null without one.
boost::json::object detail_json(const ProcessRecord& record, bool online, const UsageText& usage,
                                const Paths& paths, const HealthView& health = {});

}  // namespace bgo::proto
