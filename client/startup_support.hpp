// SPDX-License-Identifier: MIT
// What `bgo startup` needs from the system: systemctl, the unit folder, bgod's path, linger,
// the daemon lock, and unit files written so that a failure restores what was there.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/external_command.hpp"
#include "common/errors.hpp"
#include "common/paths.hpp"

namespace bgo::client {

// `systemctl --user <args>` (run_tool semantics: 127 when it cannot run, 124 on timeout).
ToolResult systemctl(std::vector<std::string> args,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
// The first line systemctl prints for a query verb (is-enabled, is-active); "" when none.
std::string systemctl_query(const std::string& verb, std::string_view unit);

// $XDG_CONFIG_HOME/systemd/user (an absolute value only, per the XDG spec), else
// ~/.config/systemd/user ($HOME, else the password database).
std::filesystem::path user_unit_dir();

// bgod beside this bgo binary, else the first on PATH, as its real path (symlinks resolved, so
// the unit keeps working when a link such as ~/.local/bin/bgod is moved); nullopt if none.
std::optional<std::string> locate_bgod();

// Whether `loginctl enable-linger` is on for this user (/var/lib/systemd/linger/<user>).
bool linger_enabled();

// A regular file's content; nullopt when it is missing or unreadable.
std::optional<std::string> read_text(const std::filesystem::path& path);

// Whether some bgod holds `paths.lock()` right now (without taking it).
bool bgod_lock_held(const Paths& paths);
// Blocks until nobody holds `paths.lock()` (the bgod holding it has exited), at most `timeout`.
bool wait_lock_free(const Paths& paths, std::chrono::seconds timeout);

// Writes files into one folder (atomically, mode 0644), remembering their previous contents so
// roll_back() can restore them (or remove files that did not exist), newest first.
class UnitWriter {
 public:
  explicit UnitWriter(std::filesystem::path dir) : dir_(std::move(dir)) {}
  Result<void> write(std::string_view name, const std::string& text);
  void roll_back();

 private:
  struct Saved {
    std::filesystem::path path;
    std::optional<std::string> before;
  };
  std::filesystem::path dir_;
  std::vector<Saved> saved_;
};

}  // namespace bgo::client
