// SPDX-License-Identifier: MIT
// A connection to bgod subscribed to its `event` notifications, read by a background thread
// that stamps each event with the steady_clock time it arrived. For integration tests and
// benches that time exits, backoffs and respawns (docs/protocol.md "Events").
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

namespace bgo::test {

class EventStream {
 public:
  struct Event {
    std::chrono::steady_clock::time_point at;  // when the line was read
    boost::json::object params;                // kind, name, pid, …
    std::string kind() const { return std::string(params.at("kind").as_string()); }
    int64_t pid() const {
      const auto* p = params.if_contains("pid");
      return p && p->is_int64() ? p->as_int64() : 0;
    }
  };
  using Predicate = std::function<bool(const Event&)>;

  // Connects to `socket`, subscribes and waits (up to 5 s) for the confirmation; ok() says
  // whether that worked.
  explicit EventStream(const std::filesystem::path& socket) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = socket.string();
    if (fd_ < 0 || path.size() >= sizeof addr.sun_path) return;
    path.copy(addr.sun_path, path.size());
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) return;
    reader_ = std::thread([this] { read_loop(); });
    ok_ = request("subscribe", std::chrono::seconds(5));
  }

  ~EventStream() {
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the reader's blocking read()
    if (reader_.joinable()) reader_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  bool ok() const { return ok_; }

  // Sends `method` (no params) on this connection and waits for its response. Responses are
  // written after the notifications queued before them, so once this returns every event bgod
  // emitted before handling the request has been received.
  bool request(const std::string& method,
               std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    int64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = ++last_id_;
    }
    const std::string line =
        R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"}\n";
    if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size()))
      return false;
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return answered_ >= id || closed_; }) &&
           answered_ >= id;
  }

  // Waits until an event at index >= `from` satisfies `pred`; returns its index.
  std::optional<size_t> wait_for(const Predicate& pred, std::chrono::milliseconds timeout,
                                 size_t from = 0) {
    std::unique_lock lock(mutex_);
    std::optional<size_t> found;
    changed_.wait_for(lock, timeout, [&] {
      for (size_t i = from; i < events_.size(); ++i) {
        if (pred(events_[i])) {
          found = i;
          return true;
        }
      }
      return closed_;
    });
    return found;
  }

  // Waits until `n` events of `kind` have arrived.
  bool wait_for_count(const std::string& kind, size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      size_t seen = 0;
      for (const auto& e : events_) seen += e.kind() == kind ? 1 : 0;
      return seen >= n || closed_;
    }) && !closed_;
  }

  // Waits for the event of `kind` about `name` (at index >= `from`).
  std::optional<size_t> wait_for(const std::string& kind, const std::string& name,
                                 std::chrono::milliseconds timeout, size_t from = 0) {
    return wait_for(
        [&](const Event& e) {
          return e.kind() == kind && e.params.at("name").as_string() == name.c_str();
        },
        timeout, from);
  }

  std::vector<Event> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  Event at(size_t i) const {
    std::lock_guard lock(mutex_);
    return events_.at(i);
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }

 private:
  void read_loop() {
    std::string buffer;
    char chunk[65536];
    for (;;) {
      const ssize_t n = ::read(fd_, chunk, sizeof chunk);
      if (n <= 0) break;
      const auto now = std::chrono::steady_clock::now();
      buffer.append(chunk, static_cast<size_t>(n));
      size_t eol = 0;
      while ((eol = buffer.find('\n')) != std::string::npos) {
        handle_line(buffer.substr(0, eol), now);
        buffer.erase(0, eol + 1);
      }
    }
    std::lock_guard lock(mutex_);
    closed_ = true;
    changed_.notify_all();
  }

  void handle_line(const std::string& line, std::chrono::steady_clock::time_point now) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object()) return;
    const boost::json::object& o = v.as_object();
    std::lock_guard lock(mutex_);
    if (const auto* method = o.if_contains("method");
        method && method->is_string() && method->as_string() == "event") {
      const auto* params = o.if_contains("params");
      if (params && params->is_object()) events_.push_back(Event{now, params->as_object()});
    } else if (const auto* id = o.if_contains("id"); id && id->is_int64()) {
      answered_ = std::max(answered_, id->as_int64());
    }
    changed_.notify_all();
  }

  int fd_ = -1;
  bool ok_ = false;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Event> events_;
  int64_t last_id_ = 0;
  int64_t answered_ = 0;
  bool closed_ = false;
};

}  // namespace bgo::test
