// SPDX-License-Identifier: MIT
// bgo startup's system helpers.
#include "client/startup_support.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/atomic_file.hpp"
#include "common/unique_fd.hpp"

namespace bgo::client {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> env(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

std::string user_home() {
  if (auto h = env("HOME")) return *h;
  const passwd* pw = ::getpwuid(::getuid());
  return pw != nullptr && pw->pw_dir != nullptr ? pw->pw_dir : "/";
}

void on_alarm(int) {}

}  // namespace

ToolResult systemctl(std::vector<std::string> args, std::chrono::milliseconds timeout) {
  args.insert(args.begin(), {"systemctl", "--user"});
  return run_tool(args, timeout);
}

std::string systemctl_query(const std::string& verb, std::string_view unit) {
  const ToolResult r = systemctl({verb, std::string(unit)});
  return r.out.substr(0, r.out.find('\n'));
}

fs::path user_unit_dir() {
  const auto xdg = env("XDG_CONFIG_HOME");
  const fs::path base =
      xdg && xdg->front() == '/' ? fs::path(*xdg) : fs::path(user_home()) / ".config";
  return base / "systemd" / "user";
}

std::optional<std::string> locate_bgod() {
  std::error_code ec;
  std::vector<fs::path> candidates;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(self.parent_path() / "bgod");
  if (auto path = env("PATH")) {
    size_t at = 0;
    while (at <= path->size()) {
      size_t colon = path->find(':', at);
      if (colon == std::string::npos) colon = path->size();
      const std::string dir = path->substr(at, colon - at);
      if (!dir.empty() && dir.front() == '/') candidates.push_back(fs::path(dir) / "bgod");
      at = colon + 1;
    }
  }
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) != 0 || fs::is_directory(c, ec)) continue;
    const fs::path real = fs::canonical(c, ec);
    if (!ec) return real.string();
  }
  return std::nullopt;
}

bool linger_enabled() {
  const passwd* pw = ::getpwuid(::getuid());
  if (pw == nullptr || pw->pw_name == nullptr) return false;
  std::error_code ec;
  return fs::exists(fs::path("/var/lib/systemd/linger") / pw->pw_name, ec);
}

std::optional<std::string> read_text(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool bgod_lock_held(const Paths& paths) {
  auto fd = open_fd(paths.lock(), O_RDWR);
  if (!fd) return false;
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) == 0) {
    ::flock(fd->get(), LOCK_UN);
    return false;
  }
  return errno == EWOULDBLOCK;
}

// The kernel drops a dead process's flock, so a blocking flock (bounded by an alarm) wakes
// exactly when the bgod holding it has exited: no polling.
bool wait_lock_free(const Paths& paths, std::chrono::seconds timeout) {
  auto fd = open_fd(paths.lock(), O_RDWR);
  if (!fd) return true;
  struct sigaction sa {};
  sa.sa_handler = on_alarm;
  ::sigaction(SIGALRM, &sa, nullptr);
  ::alarm(static_cast<unsigned>(timeout.count()));
  const bool ok = ::flock(fd->get(), LOCK_EX) == 0;
  ::alarm(0);
  if (ok) ::flock(fd->get(), LOCK_UN);
  return ok;
}

Result<void> UnitWriter::write(std::string_view name, const std::string& text) {
  const fs::path path = dir_ / name;
  saved_.push_back({path, read_text(path)});
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) {
    return make_error(Errc::io_error, "cannot create " + dir_.string() + ": " + ec.message());
  }
  if (auto r = write_file_atomically(path, text); !r) return r;
  ::chmod(path.c_str(), 0644);  // the usual mode of unit files; nothing secret in them
  return {};
}

void UnitWriter::roll_back() {
  // In reverse (not views::reverse: Clang 14 cannot compile libstdc++ 12's <ranges>).
  for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {  // NOLINT(modernize-loop-convert)
    std::error_code ec;
    if (it->before) {
      (void)write_file_atomically(it->path, *it->before);  // best effort while failing
      ::chmod(it->path.c_str(), 0644);
    } else {
      fs::remove(it->path, ec);
    }
  }
  saved_.clear();
}

}  // namespace bgo::client
