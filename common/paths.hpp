// SPDX-License-Identifier: MIT
// The bgo home ($BGO_HOME, default ~/.bgo) and every path inside it.
#pragma once

#include <filesystem>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

enum class LogStream { out, err, watcher };
std::string_view to_string(LogStream stream);  // "stdout", "stderr", "watcher"

class Paths {
 public:
  // Resolves the home from $BGO_HOME (must be absolute; empty means unset), else $HOME/.bgo,
  // else the password database. Does not touch the filesystem.
  static Result<Paths> resolve();
  explicit Paths(std::filesystem::path home) : home_(std::move(home)) {}

  const std::filesystem::path& home() const { return home_; }
  std::filesystem::path socket() const { return home_ / "bgo.sock"; }
  std::filesystem::path lock() const { return home_ / "bgod.lock"; }
  std::filesystem::path autostart_lock() const { return home_ / "autostart.lock"; }
  std::filesystem::path pid_file() const { return home_ / "bgod.pid"; }
  std::filesystem::path daemon_log() const { return home_ / "bgod.log"; }
  std::filesystem::path procs_dir() const { return home_ / "procs"; }
  std::filesystem::path logs_dir() const { return home_ / "logs"; }
  // The sd_notify(3) sockets of children that ask for one (docs/health.md, "Notify sockets").
  std::filesystem::path notify_dir() const { return home_ / "notify"; }

  // Callers validate `name` first (is_valid_name); these assert it, so no name can
  // ever address a file outside procs/ or logs/.
  std::filesystem::path state_file(std::string_view name) const;
  std::filesystem::path log_file(std::string_view name, LogStream stream) const;

  // Creates home (0700), procs/ and logs/ when missing, then checks them with open_home()
  // (common/home_dir.hpp): each must be a directory (not a symlink) owned by us and not
  // writable by group or others. The error message names the path and the mode or owner.
  Result<void> ensure_dirs() const;

 private:
  std::filesystem::path home_;
};

}  // namespace bgo
