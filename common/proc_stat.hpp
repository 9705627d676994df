// SPDX-License-Identifier: MIT
// Reads /proc for liveness, identity (start ticks) and the CPU/MEM/uptime columns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/usage_text.hpp"

namespace bgo {

struct ProcStat {
  char state = '?';          // R S D Z T ...
  pid_t session = 0;         // field 6
  uint64_t start_ticks = 0;  // field 22: start time since boot, in clock ticks
  uint64_t cpu_ticks = 0;    // utime + stime
  uint64_t rss_pages = 0;    // field 24
};

// Parses /proc/<pid>/stat; nullopt if the process does not exist (or cannot be read).
std::optional<ProcStat> read_proc_stat(pid_t pid);

// True iff `pid` exists, is not a zombie, and (when given) started at `start_ticks`.
bool is_alive(pid_t pid, std::optional<uint64_t> start_ticks = std::nullopt);

// The `ps` columns for one process, computed like procps does: %cpu = cpu time / elapsed,
// %mem = rss / MemTotal, etime = [[dd-]hh:]mm:ss. Each is "-" when unknown. `cpu_seconds` is
// the process's own utime + stime (not that of children it has waited for).
UsageText usage_text(pid_t pid);

// The same columns for a whole process tree led by `leader` (a cgroup): %cpu from `cpu_usec`
// (all of the tree's CPU time, also `cpu_seconds`) over the leader's elapsed time, %mem and
// `rss_bytes` from `memory_bytes`, the uptime the leader's. All "-" once the leader is gone.
UsageText tree_usage_text(pid_t leader, uint64_t cpu_usec, uint64_t memory_bytes);

// /proc/<pid>/cmdline split at its NULs (at most 256 KiB read); empty when unknown.
std::vector<std::string> read_cmdline(pid_t pid);

// The original's pid_start text (`ps -o lstart=`) for a start time in ticks since boot.
std::string lstart_from_ticks(uint64_t start_ticks);

// Seconds since boot, from /proc/uptime.
double uptime_seconds();

}  // namespace bgo
