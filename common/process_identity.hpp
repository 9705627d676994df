// SPDX-License-Identifier: MIT
// "Is the recorded pid still the process bgo started?" — the one rule, for bgod and the client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/proc_stat.hpp"
#include "common/process_record.hpp"

namespace bgo {

// What identify() reads about live processes. The system one reads /proc; tests fake it.
class ProcReader {
 public:
  virtual ~ProcReader() = default;
  // /proc/PID/stat (state and field 22); nullopt when there is no such process.
  virtual std::optional<ProcStat> stat(pid_t pid) const = 0;
  // The `ps -o lstart` text of a process that started `start_ticks` after boot.
  virtual std::string lstart(uint64_t start_ticks) const = 0;
  // /proc/PID/cmdline split at NULs; empty when unknown.
  virtual std::vector<std::string> cmdline(pid_t pid) const = 0;
};

// The real /proc (read_proc_stat, lstart_from_ticks, read_cmdline). Stateless.
const ProcReader& system_proc_reader();

// True when `argv` (a live process's) ends with `command` (a script's interpreter comes first).
bool runs_command(const std::vector<std::string>& argv, const std::vector<std::string>& command);

// The start ticks of the live process `record.pid` iff it is the process the record describes;
// nullopt when there is no pid, the process is gone (or a zombie), or the pid was recycled.
// By kind of file: bgod's own carry `start_ticks` (must equal /proc/PID/stat field 22); the
// Python bgo's carry `pid_start` (must equal the process's lstart text); a 0.2 file has neither,
// and the live process's cmdline must end with the recorded `command`. The record's `status`
// is not looked at: callers decide whether a pid is worth asking about.
std::optional<uint64_t> identify(const ProcessRecord& record,
                                 const ProcReader& proc = system_proc_reader());

}  // namespace bgo
