// SPDX-License-Identifier: MIT
// The persisted record of one process: the fields of procs/<name>.json as plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bgo {

// Keys this version does not know, kept verbatim (serialized JSON text) so that a file written
// by another tool or a newer bgo survives a load-modify-save.
using ExtraFields = std::vector<std::pair<std::string, std::string>>;

// The `watch` block (spec §1.5); key order is the order of the members.
struct WatchBlock {
  bool enabled = true;
  int64_t interval = 3;
  int64_t min_uptime = 2;
  std::string on_fast_crash = "backoff";
  std::optional<int64_t> watcher_pid;   // always written null by bgod (it is the watcher)
  std::optional<int64_t> watcher_pgid;  // idem
  int64_t restarts = 0;
  std::optional<std::string> last_restart_at;
  bool errored = false;
  std::optional<std::string> error_reason;
  std::optional<std::string> last_stderr_tail;
  ExtraFields extra;
};

struct LogOptions {
  uint64_t max_size = 10ull * 1024 * 1024;  // rotate when a log would grow past this; 0 = never
  int64_t files = 5;                        // rotated files kept: NAME.out.log.1 .. .N
  bool timestamps = false;                  // prefix each line with an ISO-8601 time
};

struct ProcessRecord {
  std::string name;
  std::optional<int64_t> pid;
  std::optional<int64_t> pgid;
  bool has_pgid = true;  // false when an old file had no "pgid" key (detail view says N/A)
  std::vector<std::string> command;
  std::optional<std::string> cwd;
  std::optional<std::string> started_at;
  std::string status = "stopped";        // "running" | "stopped": the recorded intent
  std::optional<std::string> autostart;  // absent in 0.2 files: treated as unless-stopped
  std::optional<std::string> pid_start;  // `ps -o lstart=` text, for the Python bgo
  std::optional<WatchBlock> watch;
  std::optional<std::string> stop_reason;  // "user" | "crashed" | "daemon"
  std::optional<std::string> stopped_at;
  // Keys added by the C++ bgo (appended after the original's).
  std::optional<uint64_t> start_ticks;  // /proc/PID/stat field 22 at spawn: process identity
  std::optional<int64_t> exit_code;
  std::optional<int64_t> exit_signal;
  std::optional<std::vector<std::string>> env;  // the environment it was started with
  std::optional<LogOptions> logs;
  ExtraFields extra;

  std::string autostart_policy() const { return autostart.value_or("unless-stopped"); }
};

}  // namespace bgo
