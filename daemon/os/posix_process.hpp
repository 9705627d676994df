// SPDX-License-Identifier: MIT
// ProcessPort on Linux: posix_spawn into a new session, pidfd watching for adopted processes.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "common/exit_status.hpp"
#include "common/proc_stat.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/os/pipe_keeper.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class LogSink;

class PosixProcess final : public ProcessPort {
 public:
  using ExitFn = std::function<void(pid_t, const ExitStatus&)>;
  PosixProcess(boost::asio::io_context& io, LogSink& logs, ExitFn on_adopted_exit);
  ~PosixProcess() override;

  Result<std::vector<std::string>> resolve(const std::vector<std::string>& command,
                                           const std::vector<std::string>& env,
                                           const std::string& cwd) override;
  Result<Spawned> spawn(const SpawnRequest& request) override;
  void signal_group(pid_t pid, int sig) override;
  bool adopt(pid_t pid, uint64_t start_ticks, const std::string& name,
             const LogOptions& logs) override;
  UsageText usage(pid_t pid) override { return usage_text(pid); }
  std::string lstart(uint64_t start_ticks) override { return lstart_from_ticks(start_ticks); }
  std::optional<uint64_t> identify(const ProcessRecord& record) override;
  bool group_alive(pid_t pgid) override;

 private:
  struct Watched;
  boost::asio::io_context& io_;
  LogSink& logs_;
  ExitFn on_adopted_exit_;
  std::map<pid_t, std::unique_ptr<Watched>> adopted_;
  PipeKeeper keeper_;  // holds every child's pipes too, in case bgod dies before the child
};

}  // namespace bgo::daemon
