// SPDX-License-Identifier: MIT
// Drains children's stdout/stderr pipes on the loop into size-rotated log files.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>

#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/core/ports.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class LogSink final : public LogPort {
 public:
  // Called once per pipe of `pid` that reaches end-of-file (so twice per spawned child).
  using ClosedFn = std::function<void(pid_t)>;
  // Sees every byte appended to a log file (timestamps and start markers included), right
  // after it is written, for followers. Watcher-log lines come as LogStream::watcher.
  using OutputFn = std::function<void(const std::string&, LogStream, std::string_view)>;

  // Bytes read from one pipe per turn of the loop before the others get theirs.
  static constexpr std::size_t k_read_bytes = 64 * 1024;
  static constexpr int k_reads_per_turn = 4;

  LogSink(boost::asio::io_context& io, Paths paths, ClosedFn on_closed);
  ~LogSink() override;
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  void set_output_listener(OutputFn fn) { on_output_ = std::move(fn); }

  // Takes the read ends of a child's pipes (O_NONBLOCK) and drains them until EOF into the
  // logs of `name`, which from now on use `opts`. A missing descriptor is simply skipped.
  void attach(const std::string& name, pid_t pid, UniqueFd out, UniqueFd err,
              const LogOptions& opts);

  // LogPort
  void append_marker(std::string_view name, std::string_view marker) override;
  void watcher_line(std::string_view name, std::string_view message) override;
  std::string stderr_tail(std::string_view name) override;
  void remove_logs(std::string_view name) override;
  void release(std::string_view name) override;

  // Empties the logs of `name`: out/err truncated (created when missing), their rotated
  // copies deleted, the watcher log truncated.
  void flush(std::string_view name);
  // Re-opens every log file (after SIGHUP or an external rotation).
  void reopen_all();

 private:
  struct Writer;
  struct Reader;
  Writer& writer(std::string_view name);
  void deliver(Writer& w, LogStream stream, std::string_view data);
  void arm(std::uint64_t id);
  void on_readable(std::uint64_t id);

  boost::asio::io_context& io_;
  Paths paths_;
  ClosedFn on_closed_;
  OutputFn on_output_;
  std::map<std::string, std::unique_ptr<Writer>, std::less<>> writers_;
  std::map<std::uint64_t, std::unique_ptr<Reader>> readers_;
  std::uint64_t next_reader_id_ = 1;
  std::unique_ptr<char[]> buffer_;  // one buffer for every pipe: reads are sequential
  std::string stamped_;             // scratch for `--time`, reused to avoid allocations
};

}  // namespace bgo::daemon
