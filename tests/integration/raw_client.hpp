// SPDX-License-Identifier: MIT
// A raw connection to bgod's socket for the protocol tests: bytes out, JSON lines in.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <poll.h>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::test {

inline int connect_unix(const std::filesystem::path& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A TempDir path: always fits sun_path.
  (void)std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// One raw connection: bytes out, lines in.
class RawClient {
 public:
  explicit RawClient(const std::filesystem::path& socket) : fd_(connect_unix(socket)) {}
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;
  bool ok() const { return fd_ >= 0; }
  bool eof() const { return eof_; }

  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }
  // The next line, or nullopt on timeout or end of stream (then eof()).
  std::optional<std::string> line(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string out = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return out;
      }
      if (eof_) return std::nullopt;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[65536];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n > 0) {
        buffer_.append(buf, static_cast<size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        eof_ = true;
      }
    }
  }
  boost::json::value next(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    auto l = line(timeout);
    if (!l) return nullptr;
    boost::json::error_code ec;
    boost::json::value v = boost::json::parse(*l, ec);
    EXPECT_FALSE(ec) << *l;
    return v;
  }
  // Sends a request and returns its response; notifications met on the way are kept.
  boost::json::value call(const std::string& method, boost::json::object params = {}) {
    const int64_t id = next_id_++;
    send(boost::json::serialize(boost::json::object{
             {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}) +
         "\n");
    for (;;) {
      boost::json::value v = next();
      if (v.is_null()) {
        ADD_FAILURE() << "no response to " << method;
        return nullptr;
      }
      if (v.as_object().contains("method")) {
        notes.push_back(v);
        continue;
      }
      if (v.at("id") == id) return v;
    }
  }
  // Reads (and drops) everything until the end of the stream; true if it ended in time.
  bool wait_eof(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_ && std::chrono::steady_clock::now() < deadline) {
      (void)line(std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now()));
      buffer_.clear();
    }
    return eof_;
  }
  int fd() const { return fd_; }
  std::vector<boost::json::value> notes;

 private:
  int fd_;
  std::string buffer_;
  bool eof_ = false;
  int64_t next_id_ = 1;
};

}  // namespace bgo::test
