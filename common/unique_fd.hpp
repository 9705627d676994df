// SPDX-License-Identifier: MIT
// A move-only owner of a file descriptor; factories always set O_CLOEXEC.
#pragma once

#include <filesystem>
#include <utility>

#include "common/errors.hpp"

namespace bgo {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// One descriptor (/dev/null) held in reserve, to be given up when no other is left: bgod's
// control server frees it to accept a client at the limit, its shutdown to stop children.
class SpareFd {
 public:
  SpareFd() { (void)refill(); }
  // Closes the spare, freeing its descriptor (a no-op when it is not held).
  void release() { fd_.reset(); }
  // Takes a spare again if none is held; false when no descriptor is free.
  bool refill();
  bool held() const { return static_cast<bool>(fd_); }

 private:
  UniqueFd fd_;
};

// open(2) with O_CLOEXEC added. Errors carry strerror text.
Result<UniqueFd> open_fd(const std::filesystem::path& path, int flags, int mode = 0600);

struct Pipe {
  UniqueFd read;
  UniqueFd write;
};
// pipe2(O_CLOEXEC); the read end is also O_NONBLOCK (bgod drains it on its loop).
Result<Pipe> make_pipe();

// "<what>: <strerror(errno)>" for messages built right after a failed call.
std::string errno_message(std::string_view what, int err);

}  // namespace bgo
