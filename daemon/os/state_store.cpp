// SPDX-License-Identifier: MIT
// StateStore: the loop's side (queue, tickets, stats) and the writer thread's (group commit).
#include "daemon/os/state_store.hpp"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <pthread.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "common/home_dir.hpp"
#include "proto/state_codec.hpp"
#include "proto/state_dir.hpp"

namespace bgo::daemon {

struct StateStore::Commit {
  StoreTicket through = 0;
  size_t snapshots = 0;
  std::vector<std::chrono::nanoseconds> file_latency;  // one per file written or removed
  std::chrono::nanoseconds commit_latency{0};
  DurableTickets::Failures failed;  // every ticket whose write failed
  std::vector<std::string> errors;  // one line per failed file, for the log
};

// All the loop and the writer share. `queue`, `oldest`, `closing` and `done` are guarded by
// `mutex`; `thread` is the loop's.
struct StateStore::Shared {
  std::mutex mutex;
  std::condition_variable wake;
  WriteQueue queue;
  Clock::time_point oldest{};  // when the oldest snapshot in `queue` was handed over
  bool closing = false;
  std::vector<Commit> done;  // finished commits the loop has not taken yet
  std::thread thread;
};

StateStore::StateStore(boost::asio::io_context& io, Paths paths, const Clock& clock, Fsync fsync)
    : io_(io),
      paths_(std::move(paths)),
      clock_(clock),
      fsync_(fsync),
      shared_(std::make_unique<Shared>()),
      alive_(std::make_shared<bool>(true)) {
  // The writer blocks every signal: they are the loop's (asio::signal_set), and none should
  // interrupt a write. The mask is inherited from the creating thread, so it is set around it.
  sigset_t all;
  sigset_t old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  shared_->thread = std::thread([this] { run_writer(); });
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

StateStore::~StateStore() { close(); }

StoreTicket StateStore::save(const ProcessRecord& record) {
  return push(record.name, proto::serialize_state(record));
}

StoreTicket StateStore::remove(std::string_view name) {
  return push(std::string(name), std::nullopt);
}

StoreTicket StateStore::push(std::string name, std::optional<std::string> bytes) {
  const StoreTicket ticket = ++newest_;
  if (closed_) {
    // bgod's last moments (no loop, no writer): written here and now.
    WriteQueue one;
    one.push(ticket, std::move(name), std::move(bytes));
    const Commit c = commit(one.take(), clock_.now());
    account(c);
    tickets_.settle(c.through, c.failed);
    return ticket;
  }
  {
    const std::lock_guard lock(shared_->mutex);
    if (shared_->queue.empty()) shared_->oldest = clock_.now();
    shared_->queue.push(ticket, std::move(name), std::move(bytes));
  }
  shared_->wake.notify_one();
  return ticket;
}

void StateStore::when_durable(StoreTicket ticket, std::function<void(Result<void>)> done) {
  tickets_.wait(ticket, std::move(done));
}

void StateStore::run_writer() {
  for (;;) {
    WriteQueue::Batch batch;
    Clock::time_point oldest;
    {
      std::unique_lock lock(shared_->mutex);
      shared_->wake.wait(lock, [this] { return !shared_->queue.empty() || shared_->closing; });
      if (shared_->queue.empty()) return;  // closing, and everything is written
      batch = shared_->queue.take();
      oldest = shared_->oldest;
    }
    Commit c = commit(batch, oldest);
    bool first = false;
    {
      const std::lock_guard lock(shared_->mutex);
      first = shared_->done.empty();
      shared_->done.push_back(std::move(c));
    }
    // One wake-up of the loop for however many commits it has not taken yet.
    if (first) {
      boost::asio::post(io_, [this, alive = std::weak_ptr<bool>(alive_)] {
        if (alive.lock()) drain(true);
      });
    }
  }
}

// Each file goes to a temp file, fsync, rename; then one fsync of procs/ makes the renames
// (and removals) of the whole group durable. A group of two files or more, on a local file
// system where a syncfs(2) is as good as an fsync of each file, is faster with one syncfs than
// with an fsync each (on this machine's ext4, 0.4 to 1.5 ms a file in groups
// against 6 to 7: docs/architecture.md): every temp file is written, then the file system is
// synced once, then they are renamed. A folder that cannot be trusted any more fails every
// write of the group: it is opened for each group, never held.
StateStore::Commit StateStore::commit(const WriteQueue::Batch& batch,
                                      Clock::time_point oldest) const {
  Commit c;
  c.through = batch.through;
  c.snapshots = batch.snapshots;
  auto fail = [&c](const StateWrite& w, const Error& e, std::string_view what) {
    for (const StoreTicket t : w.tickets) c.failed.emplace_back(t, e);
    c.errors.push_back("[" + w.name + "] cannot " + std::string(what) + " state: " + e.message);
  };
  const auto opened = clock_.now();
  auto dir = open_trusted_dir(paths_.procs_dir());
  if (!dir) {
    for (const auto& w : batch.writes) {
      c.file_latency.push_back(clock_.now() - opened);  // each counts as a failed write
      fail(w, dir.error(), w.bytes ? "save" : "remove");
    }
    c.commit_latency = clock_.now() - oldest;
    return c;
  }
  const auto saves = std::count_if(batch.writes.begin(), batch.writes.end(),
                                   [](const StateWrite& w) { return w.bytes.has_value(); });
  const bool group = fsync_ == Fsync::yes && saves >= 2 && syncfs_covers_every_file(dir->get());
  std::vector<const StateWrite*> written =
      group ? commit_group(dir->get(), batch, c, fail) : commit_each(dir->get(), batch, c, fail);
  if (!written.empty() && fsync_ == Fsync::yes && ::fsync(dir->get()) != 0) {
    // The renames may not be on disk: none of them is promised.
    const Error e = make_error(Errc::io_error, errno_message("fsync procs/", errno));
    for (const StateWrite* w : written) fail(*w, e, w->bytes ? "save" : "remove");
  }
  c.commit_latency = clock_.now() - oldest;
  return c;
}

namespace {

Result<void> remove_state_at(int dir, const std::string& file) {
  if (::unlinkat(dir, file.c_str(), 0) != 0 && errno != ENOENT) {
    return make_error(Errc::io_error, errno_message("cannot remove " + file, errno));
  }
  return {};
}

}  // namespace

std::vector<const StateWrite*> StateStore::commit_each(int dir, const WriteQueue::Batch& batch,
                                                       Commit& c, const FailFn& fail) const {
  const SyncFile sync = fsync_ == Fsync::yes ? SyncFile::yes : SyncFile::no;
  std::vector<const StateWrite*> written;
  for (const auto& w : batch.writes) {
    const auto began = clock_.now();
    const std::string file = w.name + ".json";
    const Result<void> r = w.bytes
                               ? write_file_atomically_at(dir, file, *w.bytes, SyncDir::no, sync)
                               : remove_state_at(dir, file);
    c.file_latency.push_back(clock_.now() - began);
    if (r) {
      written.push_back(&w);
    } else {
      fail(w, r.error(), w.bytes ? "save" : "remove");
    }
  }
  return written;
}

// Every file of the group waited for the whole group: each is timed from its start to its end.
std::vector<const StateWrite*> StateStore::commit_group(int dir, const WriteQueue::Batch& batch,
                                                        Commit& c, const FailFn& fail) const {
  const auto began = clock_.now();
  std::vector<std::optional<StagedFile>> staged(batch.writes.size());
  bool any = false;
  for (size_t i = 0; i < batch.writes.size(); ++i) {
    const StateWrite& w = batch.writes[i];
    if (!w.bytes) continue;
    auto s = stage_file_at(dir, w.name + ".json", *w.bytes, SyncFile::no);
    if (s) {
      staged[i] = std::move(*s);
      any = true;
    } else {
      fail(w, s.error(), "save");
    }
  }
  // Every temp file's bytes on disk before any is renamed over the file it replaces.
  std::optional<Error> unsynced;
  if (any && ::syncfs(dir) != 0) {
    unsynced = make_error(Errc::io_error, errno_message("syncfs procs/", errno));
  }
  std::vector<const StateWrite*> written;
  for (size_t i = 0; i < batch.writes.size(); ++i) {
    const StateWrite& w = batch.writes[i];
    Result<void> r;
    if (!w.bytes) {
      r = remove_state_at(dir, w.name + ".json");
    } else if (!staged[i]) {
      continue;  // failed above
    } else if (unsynced) {
      discard_staged_at(dir, *staged[i]);
      r = *unsynced;
    } else {
      r = install_staged_at(dir, *staged[i]);
    }
    if (r) {
      written.push_back(&w);
    } else {
      fail(w, r.error(), w.bytes ? "save" : "remove");
    }
  }
  const auto took = clock_.now() - began;
  c.file_latency.insert(c.file_latency.end(), batch.writes.size(), took);
  return written;
}

void StateStore::drain(bool run_waiters) {
  std::vector<Commit> done;
  {
    const std::lock_guard lock(shared_->mutex);
    done.swap(shared_->done);
  }
  for (const Commit& c : done) {
    account(c);
    if (run_waiters) tickets_.settle(c.through, c.failed);
  }
}

void StateStore::account(const Commit& c) {
  for (const auto& line : c.errors) spdlog::error("{}", line);
  stats_.writes += c.file_latency.size();
  stats_.failures += c.errors.size();
  stats_.coalesced += c.snapshots - c.file_latency.size();
  ++stats_.commits;
  for (const auto took : c.file_latency) stats_.latency.observe(took);
  stats_.commit_latency.observe(c.commit_latency);
}

void StateStore::close(bool run_waiters) {
  if (closed_) return;
  closed_ = true;
  {
    const std::lock_guard lock(shared_->mutex);
    shared_->closing = true;
  }
  shared_->wake.notify_one();
  shared_->thread.join();
  drain(run_waiters);  // at the end, the loop is over: whoever waited is not there to be told
}

StateStore::Loaded StateStore::load_all() const {
  Loaded out;
  auto dir = open_trusted_dir(paths_.procs_dir());
  if (!dir) {
    // run_daemon() checked the folder a moment ago; losing it now is worth a loud line.
    spdlog::error("cannot read state files: {}", dir.error().message);
    return out;
  }
  auto loaded = proto::load_state_dir(dir->get(), paths_.procs_dir());
  for (auto& skipped : loaded.skipped) {
    spdlog::warn("state file {} was skipped: {}", (paths_.procs_dir() / skipped.file).string(),
                 skipped.error);
    out.broken.push_back(BrokenState{std::move(skipped.file), std::move(skipped.error)});
  }
  out.records = std::move(loaded.records);
  return out;
}

}  // namespace bgo::daemon
