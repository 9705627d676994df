// SPDX-License-Identifier: MIT
// bgod's descriptor budget: the raised RLIMIT_NOFILE, the room a start must leave free, the
// size of the log-file cache, and the errors of a start refused for
// want of descriptors or processes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/errors.hpp"

namespace bgo::daemon {

struct FdBudget {
  std::uint64_t original_soft = 0;  // the soft limit bgod was started with: children get it back
  std::uint64_t soft = 0;           // bgod's own, once raised
  std::uint64_t hard = 0;
};

// Raises bgod's hard RLIMIT_NOFILE to fs.nr_open where it may (CAP_SYS_RESOURCE; otherwise the
// hard limit stays), then the soft one to the hard one. Never fails: a refused raise keeps the
// limits as they were. Call once, before anything is spawned.
FdBudget raise_fd_limit();

// Descriptors a start must leave free for everything else bgod does at the limit: accepting a
// client, reading /proc for `list`, writing a state file, opening a log file, stopping.
std::uint64_t start_headroom(std::uint64_t soft);
// Log files kept open at most (LogSink's cache), sized from the soft limit.
std::size_t log_cache_bound(std::uint64_t soft);

// Whether `err` (an errno value) means bgod or the system ran out of descriptors (EMFILE,
// ENFILE) or of processes (EAGAIN from fork/clone).
bool is_out_of_resources(int err);
// The refusal of a start of `name` that failed with `err` (EMFILE, ENFILE or EAGAIN) while
// bgod's soft limit is `soft`: spawn_failed, detail `resources`, a message that names the
// cause, the limit and what to do.
Error out_of_resources(std::string_view name, int err, std::uint64_t soft);
// A start refused because it would leave fewer than `headroom` descriptors free.
Error out_of_headroom(std::string_view name, std::uint64_t soft, std::uint64_t headroom);

}  // namespace bgo::daemon
