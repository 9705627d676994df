// SPDX-License-Identifier: MIT
// Drains children's stdout/stderr pipes on the loop into size-rotated log files.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <unordered_map>

#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/core/ports.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class LogSink final : public LogPort {
 public:
  // `on_closed(pid)` is called when both... each pipe of `pid` reaches end-of-file.
  using ClosedFn = std::function<void(pid_t)>;
  // `on_output(name, stream, bytes)` sees every chunk written, for followers.
  using OutputFn = std::function<void(const std::string&, LogStream, std::string_view)>;

  LogSink(boost::asio::io_context& io, Paths paths, ClosedFn on_closed);
  ~LogSink() override;
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  void set_output_listener(OutputFn fn) { on_output_ = std::move(fn); }

  // Takes the read ends of a child's pipes (O_NONBLOCK) and drains them until EOF.
  void attach(const std::string& name, pid_t pid, UniqueFd out, UniqueFd err,
              const LogOptions& opts);

  // LogPort
  void append_marker(std::string_view name, std::string_view marker) override;
  void watcher_line(std::string_view name, std::string_view message) override;
  std::string stderr_tail(std::string_view name) override;
  void remove_logs(std::string_view name) override;

  // Empties the logs of `name` (and its rotated files).
  void flush(std::string_view name);
  // Re-opens every log file (after SIGHUP or an external rotation).
  void reopen_all();

 private:
  struct Writer;
  struct Reader;
  Writer& writer(std::string_view name);
  void write(Writer& w, LogStream stream, std::string_view data);
  void arm(Reader* reader);
  void on_readable(Reader* reader);

  boost::asio::io_context& io_;
  Paths paths_;
  ClosedFn on_closed_;
  OutputFn on_output_;
  std::map<std::string, std::unique_ptr<Writer>, std::less<>> writers_;
  std::unordered_map<Reader*, std::unique_ptr<Reader>> readers_;
  std::unique_ptr<char[]> buffer_;  // one buffer for every pipe: reads are sequential
};

}  // namespace bgo::daemon
