// SPDX-License-Identifier: MIT
// PosixProcess.
#include "daemon/os/posix_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <spdlog/spdlog.h>

#include "common/process_identity.hpp"
#include "common/spawn_attr.hpp"
#include "common/unique_fd.hpp"
#include "daemon/os/log_sink.hpp"

namespace bgo::daemon {

namespace {

Error spawn_error(SpawnFailure why, std::string message) {
  Error e = make_error(Errc::spawn_failed, std::move(message));
  e.spawn = why;
  return e;
}

int pidfd_open(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}

std::string env_value(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& kv : env) {
    if (kv.size() > key.size() && kv.compare(0, key.size(), key) == 0 && kv[key.size()] == '=') {
      return kv.substr(key.size() + 1);
    }
  }
  return {};
}

bool is_executable_file(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// Re-opens the read side of an adopted process's stdout/stderr pipe through /proc, so that
// output written since the previous bgod died is not lost and later writes do not hit EPIPE.
UniqueFd reopen_pipe(pid_t pid, int fd) {
  const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  char target[64] = {};
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0 || std::strncmp(target, "pipe:", 5) != 0) return {};
  return UniqueFd(::open(link.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
}

}  // namespace

struct PosixProcess::Watched {
  Watched(boost::asio::io_context& io, int fd) : descriptor(io, fd) {}
  boost::asio::posix::stream_descriptor descriptor;  // the pidfd: readable once it exits
};

PosixProcess::PosixProcess(boost::asio::io_context& io, LogSink& logs, ExitFn on_adopted_exit)
    : io_(io), logs_(logs), on_adopted_exit_(std::move(on_adopted_exit)) {}

PosixProcess::~PosixProcess() = default;

Result<std::vector<std::string>> PosixProcess::resolve(const std::vector<std::string>& command,
                                                       const std::vector<std::string>& env,
                                                       const std::string& cwd) {
  struct stat st {};
  if (::stat(cwd.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return spawn_error(SpawnFailure::bad_cwd, "Working directory not found: " + cwd);
  }
  std::vector<std::string> out = command;
  const std::string& program = command.front();
  if (program.find('/') != std::string::npos) return out;  // used as given (spec §4.1)
  std::string path = env_value(env, "PATH");
  if (path.empty()) path = "/usr/local/bin:/usr/bin:/bin";
  size_t begin = 0;
  while (begin <= path.size()) {
    const size_t end = std::min(path.find(':', begin), path.size());
    std::string dir = path.substr(begin, end - begin);
    if (dir.empty()) dir = cwd;  // an empty PATH entry means the current directory
    std::string candidate = std::move(dir);
    candidate += '/';
    candidate += program;
    if (is_executable_file(candidate)) {
      out.front() = std::move(candidate);
      return out;
    }
    begin = end + 1;
  }
  return spawn_error(SpawnFailure::not_found, "Command not found: " + program);
}

Result<Spawned> PosixProcess::spawn(const SpawnRequest& request) {
  // A log file bgod may not write (a symlink, someone else's file) refuses the start: running
  // the process with its output thrown away would hide both the output and the tampering.
  if (auto r = logs_.prepare(request.name); !r) {
    return spawn_error(SpawnFailure::other,
                       "Failed to start: unsafe log file: " + r.error().message);
  }
  auto out = make_pipe();
  if (!out) return spawn_error(SpawnFailure::other, "Failed to start: " + out.error().message);
  auto err = make_pipe();
  if (!err) return spawn_error(SpawnFailure::other, "Failed to start: " + err.error().message);

  // argv and envp are built before spawning: nothing allocates between fork and exec.
  std::vector<char*> argv, envp;
  for (const auto& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : request.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out->write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err->write.get(), 2);
  posix_spawn_file_actions_addchdir_np(&actions, request.cwd.c_str());
  // Belt and braces: every bgod descriptor is O_CLOEXEC, but a library's may not be.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  // SIG_IGN survives exec (bgod ignores SIGPIPE): reset every signal to its default.
  const CleanSpawnAttr attr;

  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, attr.get(), argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    const std::string& program = request.argv.front();
    if (rc == ENOENT) return spawn_error(SpawnFailure::not_found, "Command not found: " + program);
    if (rc == EACCES || rc == EPERM || rc == EISDIR) {
      return spawn_error(SpawnFailure::permission, "Permission denied: " + program);
    }
    return spawn_error(SpawnFailure::other, "Failed to start: " + std::string(std::strerror(rc)));
  }
  out->write.reset();
  err->write.reset();
  keeper_.keep({out->read.get(), err->read.get()});
  Spawned spawned{pid, 0};
  if (auto st = read_proc_stat(pid)) spawned.start_ticks = st->start_ticks;
  logs_.attach(request.name, pid, std::move(out->read), std::move(err->read), request.logs);
  return spawned;
}

std::optional<uint64_t> PosixProcess::identify(const ProcessRecord& record) {
  return bgo::identify(record);
}

bool PosixProcess::group_alive(pid_t pgid) {
  return pgid > 1 && (::kill(-pgid, 0) == 0 || errno == EPERM);
}

void PosixProcess::signal_group(pid_t pid, int sig) {
  if (pid <= 1) return;
  if (auto it = adopted_.find(pid); it != adopted_.end()) {
    // Not our child: the pidfd proves the leader is still the process we adopted.
    if (pidfd_send_signal(it->second->descriptor.native_handle(), sig) != 0) return;
  }
  if (::kill(-pid, sig) != 0 && errno == ESRCH) {
    if (::kill(pid, sig) != 0 && errno != ESRCH) {
      spdlog::warn("kill({}, {}): {}", pid, sig, std::strerror(errno));
    }
  }
}

bool PosixProcess::adopt(pid_t pid, uint64_t start_ticks, const std::string& name,
                         const LogOptions& logs) {
  const int fd = pidfd_open(pid);
  if (fd < 0) return false;
  auto watched = std::make_unique<Watched>(io_, fd);
  // Checked after pidfd_open: from here on the pid cannot be recycled under us.
  if (!is_alive(pid, start_ticks)) return false;
  watched->descriptor.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                                 [this, pid](const boost::system::error_code& ec) {
                                   if (ec == boost::asio::error::operation_aborted) return;
                                   adopted_.erase(pid);
                                   on_adopted_exit_(pid, ExitStatus::unknown());
                                 });
  adopted_[pid] = std::move(watched);
  UniqueFd out = reopen_pipe(pid, 1);
  UniqueFd err = reopen_pipe(pid, 2);
  if (out || err) {
    // This bgod's keeper takes over from the previous one (which lets go once they exit).
    keeper_.keep({out.get(), err.get()});
    logs_.attach(name, pid, std::move(out), std::move(err), logs);
  }
  return true;
}

}  // namespace bgo::daemon
