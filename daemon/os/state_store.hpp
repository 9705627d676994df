// SPDX-License-Identifier: MIT
// procs/<name>.json files: written behind by a writer thread with group commit, and loaded at
// startup.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/paths.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/os/write_queue.hpp"

namespace boost::asio {
class io_context;
}  // namespace boost::asio

namespace bgo::daemon {

// Whether state files are fsync'ed: always, but for a benchmark's no-fsync reference
// (BGO_UNSAFE_NO_FSYNC, bench/README.md), where a power cut may lose anything.
enum class Fsync { yes, no };

// The state files (docs/architecture.md, "What is durable when"). save() and remove()
// serialise on the loop and hand the bytes to the writer thread, the one thread of bgod besides
// the loop's: it owns no state, and the queue is all the two share (behind a mutex). The writer
// takes everything queued, writes each name's newest state (temp file, fsync, rename; for two
// files or more, every temp file, one syncfs(2), every rename), fsyncs procs/ once for the
// whole group, and posts the outcome to the loop, where when_durable()
// waiters run and stats() is kept. Every member function is for the loop's thread.
class StateStore final : public StorePort {
 public:
  // `io` runs the writer's completions; `clock` times the writes. Both outlive the store.
  StateStore(boost::asio::io_context& io, Paths paths, const Clock& clock,
             Fsync fsync = Fsync::yes);
  ~StateStore() override;  // close()
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  StoreTicket save(const ProcessRecord& record) override;
  StoreTicket remove(std::string_view name) override;
  void when_durable(StoreTicket ticket, std::function<void(Result<void>)> done) override;
  StoreTicket newest() const override { return newest_; }
  // Writes everything still queued, waits for it and ends the writer thread: for the end of
  // bgod, once its loop has stopped, and before a live upgrade's exec (the writer would die
  // with the old image). Failures are logged; waiters not yet called are dropped, or called
  // here with `run_waiters` (from the loop, while it still runs). Later saves are written at
  // once, on the caller's thread. Idempotent.
  void close(bool run_waiters = false);

  // Every write so far: files, failures, group commits and how long they took.
  const StoreStats& stats() const { return stats_; }

  struct Loaded {
    std::vector<ProcessRecord> records;  // in file order; a later duplicate name wins
    std::vector<BrokenState> broken;
  };
  // Reads every procs/*.json with proto::load_state_dir() (trust rules: common/home_dir.hpp).
  // Unreadable, untrusted or invalid files are logged and reported, never fatal.
  Loaded load_all() const;

 private:
  struct Commit;  // what one group commit did, for the loop
  struct Shared;  // the queue and what guards it; the writer thread

  StoreTicket push(std::string name, std::optional<std::string> bytes);
  void run_writer();                                                              // writer thread
  Commit commit(const WriteQueue::Batch& batch, Clock::time_point oldest) const;  // either thread
  // The two ways commit() writes a batch; each returns the writes that succeeded.
  using FailFn = std::function<void(const StateWrite&, const Error&, std::string_view)>;
  std::vector<const StateWrite*> commit_each(int dir, const WriteQueue::Batch& batch, Commit& c,
                                             const FailFn& fail) const;
  std::vector<const StateWrite*> commit_group(int dir, const WriteQueue::Batch& batch, Commit& c,
                                              const FailFn& fail) const;
  void drain(bool run_waiters);      // loop
  void account(const Commit& done);  // loop

  boost::asio::io_context& io_;
  Paths paths_;
  const Clock& clock_;
  Fsync fsync_;
  std::unique_ptr<Shared> shared_;
  std::shared_ptr<bool> alive_;  // posted completions check it: the store may be gone
  DurableTickets tickets_;
  StoreTicket newest_ = 0;
  bool closed_ = false;
  StoreStats stats_;
};

}  // namespace bgo::daemon
