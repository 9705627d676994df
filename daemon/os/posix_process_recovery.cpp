// SPDX-License-Identifier: MIT
// PosixProcess after a bgod died: output left in pipes that keepers hold, runs no file records.
#include <csignal>
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

void PosixProcess::recovery_done() {
  if (!after_crash_) return;  // a clean stop let its keeper go already
  kept_.scan(keeper_.pid());
  kept_.release_home();
}

}  // namespace bgo::daemon
