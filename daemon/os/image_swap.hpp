// SPDX-License-Identifier: MIT
// Live upgrade, the OS side: trying a new bgod binary first, and execve of the next image.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/errors.hpp"
#include "common/exit_status.hpp"
#include "common/unique_fd.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// The path of the running binary, read once at startup (before a package manager can replace
// the file: the path then names the new file), without a " (deleted)" suffix.
std::string current_exe_path();
// An O_PATH descriptor of the running image itself (close-on-exec), to exec it back even after
// its file was replaced or removed. Empty on failure.
UniqueFd open_current_exe();

// Runs `PATH --handover-check VERSION` as a child and waits, on the loop, for it to answer
// "bgod-handover VERSION ok BGOD_VERSION" and exit 0 within `timeout`: a binary that is missing,
// not executable, crashes, is too old to know live upgrade or reads another format is refused
// before anything is handed over. Its exit reaches on_exit() through bgod's Reaper.
class ImageCheck {
 public:
  // The new image's version text, or an error naming the path and what went wrong.
  using Done = std::function<void(Result<std::string>)>;
  explicit ImageCheck(boost::asio::io_context& io);
  ~ImageCheck();
  ImageCheck(const ImageCheck&) = delete;
  ImageCheck& operator=(const ImageCheck&) = delete;

  // One check at a time; `done` runs on the loop, never inside start().
  void start(const std::string& path, std::chrono::milliseconds timeout, Done done);
  bool busy() const;
  // True when `pid` was the check's child (then the status is consumed here).
  bool on_exit(pid_t pid, const ExitStatus& status);

 private:
  struct Run;
  void finish_if_done();
  boost::asio::io_context& io_;
  std::unique_ptr<Run> run_;
};

// execve(`path`, [path, args..., "--handover", FD]) with bgod's environment; `handover_fd` and
// the descriptors it lists must already be inherited. Returns only on failure (errno text).
Error exec_image(const std::string& path, const std::vector<std::string>& args, int handover_fd);
// The same through an O_PATH descriptor of an image (execveat AT_EMPTY_PATH), with
// `--handover-returned` added: the way back, taken at most once.
Error exec_image_fd(int exe_fd, const std::vector<std::string>& args, int handover_fd);

}  // namespace bgo::daemon
