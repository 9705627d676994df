// SPDX-License-Identifier: MIT
// identify(): process identity by start ticks, lstart text or command line.
#include "common/process_identity.hpp"

#include <algorithm>

namespace bgo {

namespace {

class SystemProcReader final : public ProcReader {
 public:
  std::optional<ProcStat> stat(pid_t pid) const override { return read_proc_stat(pid); }
  std::string lstart(uint64_t start_ticks) const override { return lstart_from_ticks(start_ticks); }
  std::vector<std::string> cmdline(pid_t pid) const override { return read_cmdline(pid); }
};

}  // namespace

const ProcReader& system_proc_reader() {
  static const SystemProcReader reader;
  return reader;
}

bool runs_command(const std::vector<std::string>& argv, const std::vector<std::string>& command) {
  return !command.empty() && argv.size() >= command.size() &&
         std::equal(command.begin(), command.end(),
                    argv.end() - static_cast<std::ptrdiff_t>(command.size()));
}

std::optional<uint64_t> identify(const ProcessRecord& record, const ProcReader& proc) {
  if (!record.pid || *record.pid <= 0 || *record.pid > INT32_MAX) return std::nullopt;
  const auto pid = static_cast<pid_t>(*record.pid);
  const auto st = proc.stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return std::nullopt;
  bool same = false;
  if (record.start_ticks) {
    same = *record.start_ticks == st->start_ticks;
  } else if (record.pid_start) {
    same = proc.lstart(st->start_ticks) == *record.pid_start;
  } else {
    // A 0.2 file has no identity token: the process must at least still run the recorded
    // command. Adopting a stranger would mean signalling it later; starting a second copy is
    // the lesser risk.
    same = runs_command(proc.cmdline(pid), record.command);
  }
  if (!same) return std::nullopt;
  return st->start_ticks;
}

}  // namespace bgo
