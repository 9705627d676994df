// SPDX-License-Identifier: MIT
// The persisted record of one process: the fields of procs/<name>.json as plain values.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/process_policy.hpp"
#include "common/sparse.hpp"

namespace bgo {

// Keys this version does not know, kept verbatim (serialized JSON text) so that a file written
// by another tool or a newer bgo survives a load-modify-save.
using ExtraFields = std::vector<std::pair<std::string, std::string>>;

// What a `watch` block holds only once a watch has failed, or when a file brought it: kept
// behind a pointer (Sparse) so that the block of every healthy watched process is smaller.
struct WatchRare {
  std::optional<int64_t> watcher_pid;   // always written null by bgod (it is the watcher)
  std::optional<int64_t> watcher_pgid;  // idem
  std::optional<std::string> error_reason;
  std::optional<std::string> last_stderr_tail;
  ExtraFields extra;  // keys of the block this version does not know

  bool empty() const {
    return !watcher_pid && !watcher_pgid && !error_reason && !last_stderr_tail && extra.empty();
  }
};

// The `watch` block (spec §1.5). The file's key order: enabled, interval, min_uptime,
// on_fast_crash, watcher_pid, watcher_pgid, restarts, last_restart_at, errored, error_reason,
// last_stderr_tail, then unknown keys (proto/state_codec.cpp).
struct WatchBlock {
  bool enabled = true;
  int64_t interval = 3;
  int64_t min_uptime = 2;
  std::string on_fast_crash = "backoff";
  int64_t restarts = 0;
  std::optional<std::string> last_restart_at;
  bool errored = false;
  Sparse<WatchRare> rare;

  // The errored state's reason and stderr tail gone (a fresh start or a stop by the user).
  void clear_error() {
    rare.clear_with([](WatchRare& r) {
      r.error_reason.reset();
      r.last_stderr_tail.reset();
    });
  }
  // No watcher pid or group: bgod is the watcher (Appendix D #2).
  void clear_watcher() {
    rare.clear_with([](WatchRare& r) {
      r.watcher_pid.reset();
      r.watcher_pgid.reset();
    });
  }
};

struct LogOptions {
  uint64_t max_size = 10ull * 1024 * 1024;  // rotate when a log would grow past this; 0 = never
  int64_t files = 5;                        // rotated files kept: NAME.out.log.1 .. .N
  bool timestamps = false;                  // prefix each line with an ISO-8601 time
};

// `status`: what the file says the process should be doing (the recorded intent).
enum class RecordStatus { running, stopped };
// `stop_reason`: why it is not running.
enum class StopReason {
  user,     // `stop`, `delete` or a restart's stop
  crashed,  // it exited on its own (or died while no bgod watched)
  daemon,   // bgod stopped it while shutting down: the next bgod starts it again
  exited,   // it exited on its own with a success code of a process whose policy defines
            // success (`restart: on-failure` or `success_codes`, docs/health.md): done
};
// `autostart`: what a login resurrect and a new bgod do with it (spec §10.1).
enum class AutostartPolicy { always, unless_stopped, never };

std::string_view to_string(RecordStatus status);
std::string_view to_string(StopReason reason);
std::string_view to_string(AutostartPolicy policy);
// The file's spelling back to the enum; nullopt for a value this version does not know.
std::optional<RecordStatus> parse_record_status(std::string_view text);
std::optional<StopReason> parse_stop_reason(std::string_view text);
std::optional<AutostartPolicy> parse_autostart_policy(std::string_view text);

// An environment ("K=V" strings), immutable once made so that records can share it: bgod keeps
// one per distinct content (daemon/core/env_table.hpp). Null: the file has none.
using SharedEnv = std::shared_ptr<const std::vector<std::string>>;
inline SharedEnv make_env(std::vector<std::string> vars) {
  return std::make_shared<const std::vector<std::string>>(std::move(vars));
}

struct ProcessRecord {
  std::string name;
  std::optional<int64_t> pid;
  std::optional<int64_t> pgid;
  bool has_pgid = true;  // false when an old file had no "pgid" key (detail view says N/A)
  std::vector<std::string> command;
  std::optional<std::string> cwd;
  std::optional<std::string> started_at;
  RecordStatus status = RecordStatus::stopped;
  std::optional<AutostartPolicy> autostart;  // absent in 0.2 files: treated as unless-stopped
  std::optional<std::string> pid_start;      // `ps -o lstart=` text, for the Python bgo
  std::optional<WatchBlock> watch;
  std::optional<StopReason> stop_reason;
  std::optional<std::string> stopped_at;
  // Keys added by the C++ bgo (appended after the original's).
  std::optional<uint64_t> start_ticks;  // /proc/PID/stat field 22 at spawn: process identity
  std::optional<int64_t> exit_code;
  std::optional<int64_t> exit_signal;
  // The inode numbers of the run's stdout and stderr pipes: a bgod that finds the run gone
  // takes what it left in them from a pipe keeper (docs/reliability.md).
  std::optional<uint64_t> out_pipe;
  std::optional<uint64_t> err_pipe;
  // The run's BGO_INVOCATION (its environment marker): with it the next bgod tells processes
  // of a known run from those of a spawn no file recorded.
  std::optional<std::string> invocation;
  SharedEnv env;  // the environment it was started with
  std::optional<LogOptions> logs;
  Sparse<ProcessPolicy> policy;  // docs/health.md; its keys follow, each only when set
  // `bgo up` (docs/bgo-file.md): the project that owns the process, and the hash of its
  // normalised definition in the file (opaque to bgod); each only when set.
  std::optional<std::string> project;
  std::optional<std::string> definition;
  ExtraFields extra;

  AutostartPolicy autostart_policy() const {
    return autostart.value_or(AutostartPolicy::unless_stopped);
  }
  // A stopped file without `stop_reason` is the user's (the original's "legacy" rule).
  StopReason effective_stop_reason() const { return stop_reason.value_or(StopReason::user); }
};

}  // namespace bgo
