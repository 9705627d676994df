// SPDX-License-Identifier: MIT
// ProcessPort on Linux: spawn into a new session (and a cgroup of its own when bgod has them),
// pidfd watching for adopted processes.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>

#include "common/exit_status.hpp"
#include "common/proc_stat.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/os/fd_limits.hpp"
#include "daemon/os/handover.hpp"
#include "daemon/os/invocation.hpp"
#include "daemon/os/kept_pipes.hpp"
#include "daemon/os/pipe_keeper.hpp"
#include "daemon/os/spawn_journal.hpp"
#include "daemon/os/spawn_slots.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class LogSink;
class CgroupChildren;
struct ExecPlan;
class CgroupTree;

class PosixProcess final : public ProcessPort {
 public:
  using ExitFn = std::function<void(pid_t, const ExitStatus&)>;
  using PidFn = std::function<void(pid_t leader_pid)>;
  // `cgroups`: bgod's cgroup subtree (CgroupTree::detect), or null for process groups only.
  // `budget`: bgod's descriptor limits (raise_fd_limit): a start that would leave less than
  // start_headroom() free is refused, and children get back `budget.original_soft`.
  // `slots` (SpawnSlots::reserve at start): children are spawned without copying bgod.
  PosixProcess(boost::asio::io_context& io, LogSink& logs, ExitFn on_adopted_exit,
               std::unique_ptr<CgroupTree> cgroups = nullptr, FdBudget budget = {},
               SpawnSlots slots = {});
  ~PosixProcess() override;

  // Contained children only (containment() is cgroup): `on_tree_empty` when the cgroup of the
  // child led by `leader_pid` has no process left (before or after the leader's reap);
  // `on_memory_exceeded` when it reached its SpawnRequest::memory_max. Both run on the loop.
  void set_tree_listeners(PidFn on_tree_empty, PidFn on_memory_exceeded);
  // Before Supervisor::load: the home whose children this bgod marks (BGO_INVOCATION) and
  // journals (spawns.journal), and whether the previous bgod died without stopping cleanly
  // (then unrecorded_runs() and journaled_runs() look).
  void set_home(std::string_view home, bool after_crash);
  // Before set_home: how the spawn journal learns that the state saved so far is on disk
  // (SpawnJournal::set_barrier).
  void set_journal_barrier(std::function<void(std::function<void()>)> barrier) {
    journal_barrier_ = std::move(barrier);
  }
  // LogSink read one of `pid`'s pipes to its end: the keepers (ours, and those of earlier
  // bgods) let go of what is empty.
  void on_output_closed(pid_t pid);
  // The Reaper reaped `pid`: a contained leader's cgroup is removed once it is empty.
  void on_reaped(pid_t pid);
  // The folder holding the children's cgroups (empty in process-group mode), and whether
  // they get the memory controller (--max-memory).
  std::string cgroup_folder() const;
  bool memory_controller() const;

  Result<std::vector<std::string>> resolve(const std::vector<std::string>& command,
                                           const std::vector<std::string>& env,
                                           const std::string& cwd) override;
  Result<Spawned> spawn(const SpawnRequest& request) override;
  void signal_group(pid_t pid, int sig) override;
  bool adopt(pid_t pid, uint64_t start_ticks, const std::string& name,
             const LogOptions& logs) override;
  UsageText usage(pid_t pid) override;
  std::string lstart(uint64_t start_ticks) override { return lstart_from_ticks(start_ticks); }
  std::optional<uint64_t> identify(const ProcessRecord& record) override;
  bool handed_over(pid_t pid) const override { return handed_.contains(pid); }
  void recover_output(const ProcessRecord& record, const LogOptions& logs) override;
  std::vector<UnrecordedRun> unrecorded_runs(const std::vector<KnownRun>& known) override;
  void end_unrecorded(const UnrecordedRun& run, const LogOptions& logs) override;
  std::vector<JournaledRun> journaled_runs(const std::vector<KnownRun>& known) override;
  void recover_journaled(const JournaledRun& run, const LogOptions& logs) override;
  void recovery_done() override;

  // Live upgrade. Before Supervisor::load: the children the previous image handed over, which
  // identify() recognises (even as zombies) and adopt() takes as bgod's own children with the
  // given pipes. After it: finish_handover() closes the pipes no record claimed.
  void expect_handed_over(std::vector<HandoverChild> children);
  void finish_handover();
  // For the hand-over: the read ends of the pipes of `name`'s run `pid`, and the pipe keeper.
  std::pair<int, int> pipe_fds(std::string_view name, pid_t pid) const;
  PipeKeeper& keeper() { return keeper_; }
  bool group_alive(pid_t pgid) override;
  Containment containment() const override;

 private:
  struct Watched;
  std::optional<Error> refuse_memory_limit(const SpawnRequest& request) const;
  Result<pid_t> spawn_contained(const SpawnRequest& request, const ExecPlan& plan);
  Result<void> check_headroom(const SpawnRequest& request, int highest_fd) const;
  boost::asio::io_context& io_;
  LogSink& logs_;
  ExitFn on_adopted_exit_;
  std::map<pid_t, std::unique_ptr<Watched>> adopted_;
  std::map<pid_t, HandoverChild> handed_;    // pipes set to -1 once attached
  std::set<pid_t> claimed_;                  // handed children a record adopted
  bool keeper_handed_ = false;               // the keeper already holds the handed pipes
  std::unique_ptr<CgroupChildren> cgroups_;  // null: process groups only
  PipeKeeper keeper_;  // holds every child's pipes too, in case bgod dies before the child
  KeptPipes kept_;     // the keepers of earlier bgods, found when something is adopted
  std::optional<Invocations> invocations_;
  std::optional<SpawnJournal> journal_;  // from set_home on
  std::vector<JournalEntry> journaled_;  // what it held at startup after a crash
  std::set<std::string> ended_;          // invocations end_unrecorded() ended
  std::function<void(std::function<void()>)> journal_barrier_;
  bool after_crash_ = false;
  bool recheck_posted_ = false;  // the keepers are told once per burst of ended pipes
  FdBudget budget_;
  SpawnSlots slots_;
  // clone3 works, and process-group children need it: for their soft limit back, or to be
  // spawned without copying bgod (posix_spawn copies its descriptor table)
  bool clone_ok_ = false;
};

}  // namespace bgo::daemon
