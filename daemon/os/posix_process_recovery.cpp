// SPDX-License-Identifier: MIT
// PosixProcess after a bgod died: output left in pipes that keepers hold, runs no file records.
#include <csignal>
#include <filesystem>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "common/time_format.hpp"
#include "daemon/os/log_sink.hpp"
#include "daemon/os/posix_process.hpp"

namespace bgo::daemon {

void PosixProcess::set_home(std::string_view home, bool after_crash) {
  invocations_.emplace(home);
  after_crash_ = after_crash;
  journal_.emplace(std::filesystem::path(home));
  if (journal_barrier_) journal_->set_barrier(journal_barrier_);
  // After a clean stop (or a live upgrade, whose image flushed its state files) every run the
  // journal names is recorded: nothing to read.
  if (after_crash) journaled_ = journal_->read(invocations_->home_id());
  keeper_.set_home(std::string(home));
  kept_.set_home(std::string(home));
}

void PosixProcess::on_output_closed(pid_t /*pid*/) {
  // One word to the keepers for all the pipes that end in the same burst: a flood of them could
  // fill the keeper's socket and make a child's hand-over fail.
  // Two hops: a child's pipes end just before its SIGCHLD, whose reap (and restart) is then
  // queued behind the first hop, and the keepers' word can wait until after it.
  if (recheck_posted_) return;
  recheck_posted_ = true;
  boost::asio::post(io_, [this] {
    boost::asio::post(io_, [this] {
      recheck_posted_ = false;
      keeper_.recheck();
      kept_.recheck();
    });
  });
}

void PosixProcess::recover_output(const ProcessRecord& record, const LogOptions& logs) {
  if (!record.out_pipe && !record.err_pipe) return;
  kept_.scan(keeper_.pid());
  UniqueFd out = record.out_pipe ? kept_.open(*record.out_pipe) : UniqueFd();
  UniqueFd err = record.err_pipe ? kept_.open(*record.err_pipe) : UniqueFd();
  if (!out && !err) return;
  spdlog::info("[{}] logging what pid {} left in its pipes", record.name, record.pid.value_or(0));
  // Its writers are gone: each read ends at end-of-file, nothing is waited for.
  logs_.drain_now(record.name, std::move(out), std::move(err), logs,
                  std::chrono::steady_clock::now());
  kept_.recheck();
}

std::vector<UnrecordedRun> PosixProcess::unrecorded_runs(const std::vector<KnownRun>& known) {
  if (!after_crash_ || !invocations_) return {};
  return invocations_->unrecorded(known);
}

void PosixProcess::end_unrecorded(const UnrecordedRun& run, const LogOptions& logs) {
  if (run.pids.empty()) return;
  const pid_t leader = run.pids.front();
  UniqueFd out = reopen_pipe(leader, 1);
  UniqueFd err = reopen_pipe(leader, 2);
  for (const pid_t pid : run.pids) {
    const UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
    // Checked after pidfd_open: the number cannot be another process's now.
    if (!pidfd || invocation_of(pid) != run.invocation) continue;
    // It may have exited meanwhile.
    (void)::syscall(SYS_pidfd_send_signal, pidfd.get(), SIGKILL, nullptr, 0);
  }
  ended_.insert(run.invocation);  // its pipes are drained here, not by recover_journaled()
  spdlog::warn(
      "[{}] pid {} was spawned by a bgod that died before its state file was written; "
      "killed ({} processes)",
      run.name, leader, run.pids.size());
  // Its output up to the kill goes to its log before anything the next run writes, and a
  // marker says why the run ends there.
  logs_.drain_now(run.name, std::move(out), std::move(err), logs,
                  std::chrono::steady_clock::now() + std::chrono::seconds(2));
  logs_.append_marker(run.name, "=== [" + iso_utc(std::chrono::system_clock::now()) +
                                    "] [bgod] killed unrecorded pid " + std::to_string(leader) +
                                    ": spawned by a bgod that died before writing its state ===\n");
  kept_.scan(keeper_.pid());
  kept_.recheck();
}

std::vector<JournaledRun> PosixProcess::journaled_runs(const std::vector<KnownRun>& known) {
  if (!after_crash_ || journaled_.empty()) return {};
  std::set<std::string_view> claimed;
  for (const KnownRun& k : known) {
    if (!k.invocation.empty()) claimed.insert(k.invocation);
  }
  // Names whose recorded run comes later in the journal than the entry at hand.
  std::set<std::string_view> recorded_later;
  for (const JournalEntry& e : journaled_) {
    if (claimed.contains(e.invocation)) recorded_later.insert(e.name);
  }
  kept_.scan(keeper_.pid());
  std::vector<JournaledRun> out;
  for (const JournalEntry& e : journaled_) {
    if (claimed.contains(e.invocation)) recorded_later.erase(e.name);
    if (claimed.contains(e.invocation) || ended_.contains(e.invocation)) continue;
    // Only pipes the keepers of this home hold: the runs whose output is still there.
    if (!kept_.held_in_home(e.out_pipe) && !kept_.held_in_home(e.err_pipe)) continue;
    claimed.insert(e.invocation);  // a line written twice is one run
    out.push_back(JournaledRun{e.name, e.invocation, e.out_pipe, e.err_pipe,
                               recorded_later.contains(e.name)});
  }
  return out;
}

void PosixProcess::recover_journaled(const JournaledRun& run, const LogOptions& logs) {
  UniqueFd fds[2] = {kept_.open(run.out_pipe), kept_.open(run.err_pipe)};
  bool output = false;
  for (UniqueFd& fd : fds) {
    if (!fd) continue;
    // Hung up (every writer gone): the run ended, and a read ends at end-of-file. A pipe a
    // writer still holds is left alone: draining it could wait for that writer.
    pollfd p{fd.get(), POLLIN, 0};
    int queued = 0;
    if (::poll(&p, 1, 0) != 1 || (p.revents & POLLHUP) == 0) {
      spdlog::warn("[{}] a pipe of unrecorded run {} still has a writer: not drained", run.name,
                   run.invocation);
      fd.reset();
    } else if (::ioctl(fd.get(), FIONREAD, &queued) == 0 && queued > 0) {
      output = true;
    }
  }
  if (!output) return;  // drained already (by a bgod killed before it started afresh)
  const std::string why = run.earlier ? "an earlier run, whose output outlived it"
                                      : "spawned by a bgod that died before writing its state";
  spdlog::warn("[{}] logging what run {} left in its pipes ({}); it ended while no bgod ran",
               run.name, run.invocation, why);
  logs_.drain_now(run.name, std::move(fds[0]), std::move(fds[1]), logs,
                  std::chrono::steady_clock::now());
  logs_.append_marker(run.name, "=== [" + iso_utc(std::chrono::system_clock::now()) + "] [bgod] " +
                                    (run.earlier ? "output left by " : "exited unrecorded: ") +
                                    run.invocation + " (" + why +
                                    "); it exited while no bgod ran, exit status unknown ===\n");
  kept_.recheck();
}

void PosixProcess::recovery_done() {
  // Every run the journal named is recorded, ended or logged, and this bgod has spawned
  // nothing yet: the journal starts afresh.
  journaled_.clear();
  if (journal_) journal_->reset();
  if (!after_crash_) return;  // a clean stop let its keeper go already
  kept_.scan(keeper_.pid());
  kept_.release_home();
}

}  // namespace bgo::daemon
