// SPDX-License-Identifier: MIT
// connect_or_start().
#include "client/autostart.hpp"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

extern char** environ;

#include "common/home_dir.hpp"
#include "common/spawn_attr.hpp"

namespace bgo::client {

namespace {

// bgod beside this bgo binary, else the one on PATH.
std::string find_bgod() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "bgod";
    if (::access(beside.c_str(), X_OK) == 0) return beside.string();
  }
  return "bgod";
}

Result<void> spawn_bgod(const Paths& paths) {
  auto log = open_home_file(paths.daemon_log(), O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (!log) return log.error();
  const std::string program = find_bgod();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, log->get(), 1);
  posix_spawn_file_actions_adddup2(&actions, log->get(), 2);
  posix_spawn_file_actions_addchdir_np(&actions, "/");
  // bgod outlives this client: a descriptor the caller let us inherit (a shell's pipe, a CI
  // runner's log fd) would otherwise stay open for bgod's whole life, and whoever waits for
  // that pipe's end-of-file would wait forever. The lock fd is O_CLOEXEC already.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  const CleanSpawnAttr attr;
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("--foreground"), nullptr};
  pid_t pid = 0;
  const int rc = program.find('/') != std::string::npos
                     ? ::posix_spawn(&pid, argv[0], &actions, attr.get(), argv, environ)
                     : ::posix_spawnp(&pid, argv[0], &actions, attr.get(), argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return make_error(Errc::spawn_failed, "cannot start bgod: " + std::string(std::strerror(rc)));
  // bgod is in its own session and will be re-parented to init; we never wait for it beyond
  // noticing an immediate failure (reaped below without blocking).
  return {};
}

}  // namespace

bool autostart_allowed() {
  const char* v = std::getenv("BGO_NO_AUTOSTART");
  return v == nullptr || *v == '\0' || std::string_view(v) == "0";
}

Result<Connection> connect_or_start(const Paths& paths, Autostart autostart) {
  const std::string socket = paths.socket().string();
  auto conn = Connection::connect(socket);
  if (conn || !daemon_absent(conn.error()) || autostart == Autostart::no) return conn;
  if (auto r = paths.ensure_dirs(); !r) return r.error();

  // Serialise starters: the one holding the lock starts bgod, the others then connect to it.
  auto lock = open_fd(paths.autostart_lock(), O_RDWR | O_CREAT, 0600);
  if (!lock) return lock.error();
  ::flock(lock->get(), LOCK_EX);
  conn = Connection::connect(socket);
  if (conn || !daemon_absent(conn.error())) return conn;
  if (auto r = spawn_bgod(paths); !r) return r.error();
  // The one acceptable poll (style §5): a bounded connect retry while bgod binds.
  auto delay = std::chrono::milliseconds(10);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(delay);
    conn = Connection::connect(socket);
    if (conn || !daemon_absent(conn.error())) return conn;
    delay = std::min(delay * 2, std::chrono::milliseconds(200));
  }
  return errno_error(Errc::io_error,
                     "bgod did not start within 5 s; see " + paths.daemon_log().string(),
                     ECONNREFUSED);
}

}  // namespace bgo::client
