// SPDX-License-Identifier: MIT
// Drains children's stdout/stderr pipes on the loop into size-rotated log files.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/log_position.hpp"
#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/os/log_file_cache.hpp"
#include "daemon/os/log_reserve.hpp"
#include "daemon/os/watcher_log.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class LogSink final : public LogPort {
 public:
  // Called once per pipe of `pid` that reaches end-of-file (so twice per spawned child).
  using ClosedFn = std::function<void(pid_t)>;
  // Sees every byte appended to a log file (timestamps and start markers included), right
  // after it is written, for followers, with the end of the file just after it (its identity
  // unknown when it could not be opened). Watcher-log lines come as LogStream::watcher.
  using OutputFn =
      std::function<void(const std::string&, LogStream, std::string_view, const LogPosition&)>;
  // Whether anyone wants the output of a name right now (a follower). When nobody does and
  // no timestamps are added, output goes from the pipe to the file with splice(2), without
  // passing through bgod's memory.
  using InterestFn = std::function<bool(const std::string&)>;

  // At most this much is taken from one pipe per turn of the loop before the other pipes
  // and the clients get theirs.
  static constexpr std::size_t k_read_bytes = std::size_t{1024} * 1024;
  // A pipe found full (a child writing faster than 64 KiB per turn) is enlarged to this, so
  // that it is drained in fewer, larger steps.
  static constexpr int k_big_pipe_bytes = 1024 * 1024;
  // Near the rotation limit this much before it is read (not spliced) to find a line end.
  static constexpr std::size_t k_cut_window = std::size_t{64} * 1024;

  // At most `max_open_files` log files are open at once (fd_limits.hpp log_cache_bound()): the
  // least recently written is closed, and re-opened when it is written again.
  LogSink(boost::asio::io_context& io, Paths paths, ClosedFn on_closed,
          std::size_t max_open_files = 1024);
  ~LogSink() override;
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  void set_output_listener(OutputFn fn, InterestFn wanted = {}) {
    on_output_ = std::move(fn);
    wanted_ = std::move(wanted);
  }

  // Keeps `reserve` bytes of the logs' file system free (0 = no reserve): below it, output is
  // read and dropped (the children never block) and each log gets a marker line when its
  // output pauses and when it resumes with the count of dropped bytes. Markers are not held
  // back. See LogReserve for when free space is probed.
  void set_reserve(uint64_t reserve) { reserve_.set_reserve(reserve); }

  // Opens both logs of `name` now, so that a spawn can be refused with the reason when one of
  // them is not a file bgod may write (common/home_dir.hpp open_home_file()).
  [[nodiscard]] Result<void> prepare(std::string_view name);

  // Takes the read ends of a child's pipes (O_NONBLOCK) and drains them until EOF into the
  // logs of `name`, which from now on use `opts`. A missing descriptor is simply skipped.
  void attach(const std::string& name, pid_t pid, UniqueFd out, UniqueFd err,
              const LogOptions& opts);

  // Reads `out` and `err` (read ends, O_NONBLOCK) into the logs of `name` now, before
  // returning: each until end-of-file, or until it has been empty until `deadline` while a
  // writer is left (the output of a run that is gone or being killed; no splice, the same
  // timestamps as live output).
  void drain_now(const std::string& name, UniqueFd out, UniqueFd err, const LogOptions& opts,
                 std::chrono::steady_clock::time_point deadline);

  // The read ends of `pid`'s pipes into the logs of `name` still being drained ({-1, -1} when
  // none), for a live upgrade's hand-over: they stay owned here. A lookup of the name and a
  // walk of its few readers, so a hand-over of N children costs O(N log N).
  std::pair<int, int> pipe_fds(std::string_view name, pid_t pid) const;

  // LogPort
  void append_marker(std::string_view name, std::string_view marker) override;
  void watcher_line(std::string_view name, std::string_view message) override;
  std::string stderr_tail(std::string_view name) override;
  void remove_logs(std::string_view name) override;
  void release(std::string_view name) override;

  // Empties the logs of `name`: out/err truncated (created when missing), their rotated
  // copies deleted, the watcher log truncated.
  void flush(std::string_view name);
  // Re-opens every log file (after SIGHUP or an external rotation): each is closed now and
  // opened again when it is next written.
  void reopen_all();

  // Log files open right now (for tests and the descriptor budget).
  std::size_t open_files() const { return files_.open_count(); }
  // Names whose last watcher-log line is still remembered (for tests).
  std::size_t remembered_lines() const { return watcher_.remembered(); }

 private:
  struct Writer;
  // A pipe being drained, at readers_[its descriptor]: descriptors are small and dense, so a
  // slot per descriptor costs 24 bytes where an Asio descriptor (its reactor state and its
  // pending wait) cost about 480 bytes a pipe (issue #18, memory). Every pipe is in one epoll
  // set of our own, edge-triggered, which Asio watches as a single descriptor.
  // The readers of one writer form a list through their slots (Writer::first_reader), so that
  // what concerns one name never scans every pipe.
  struct Reader {
    UniqueFd fd;                   // empty: the slot is free
    int next = -1;                 // the next reader of the same writer (its slot), or -1
    Writer* writer = nullptr;      // remove_logs() drops a name's readers with its writer
    std::uint32_t generation = 0;  // tells a posted turn of an earlier reader of this slot
    pid_t pid = 0;
    LogStream stream = LogStream::out;
    bool waiting = false;    // a read said EAGAIN: the next readiness event continues it
    bool can_splice = true;  // false once splice(2) failed for this log's file system
    bool enlarged = false;
  };
  // A reader's descriptor and generation, which posted turns and epoll events carry.
  using ReaderKey = std::uint64_t;
  struct Poller;
  // Whether the output listener wants the output of `name` now (set_output_listener()).
  bool listens(const std::string& name) const { return on_output_ && (!wanted_ || wanted_(name)); }
  Writer& writer(std::string_view name);
  void erase_writer(std::map<std::string, std::unique_ptr<Writer>, std::less<>>::iterator it);
  // The log of `stream` (0 stdout, 1 stderr) of `w`, opened through the cache.
  LogFile& open_log(Writer& w, int stream);
  void deliver(Writer& w, LogStream stream, std::string_view data);
  Reader* find_reader(ReaderKey key);
  void close_reader(Reader& reader);  // without an end-of-file report; unlinked from its writer
  void wait_ready();
  void on_ready();
  void on_readable(ReaderKey key);
  void post_next(ReaderKey key);
  std::size_t admit(Writer& w, int stream, std::size_t want);
  void drop(Writer& w, int stream, std::size_t bytes);

  boost::asio::io_context& io_;
  Paths paths_;
  ClosedFn on_closed_;
  OutputFn on_output_;
  InterestFn wanted_;
  LogFileCache files_;  // outlives writers_, whose files it points to
  std::map<std::string, std::unique_ptr<Writer>, std::less<>> writers_;
  std::vector<Reader> readers_;  // by descriptor
  std::uint32_t next_generation_ = 1;
  std::unique_ptr<Poller> poller_;  // the epoll set of the pipes, watched by the loop
  std::unique_ptr<char[]> buffer_;  // one buffer for every pipe: reads are sequential
  std::string stamped_;             // scratch for `--time`, reused to avoid allocations
  LogReserve reserve_;
  WatcherLog watcher_;
};

}  // namespace bgo::daemon
