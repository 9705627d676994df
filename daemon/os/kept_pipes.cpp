// SPDX-License-Identifier: MIT
// KeptPipes.
#include "daemon/os/kept_pipes.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/proc_stat.hpp"
#include "daemon/os/pipe_keeper.hpp"

namespace bgo::daemon {

namespace {

constexpr std::string_view k_keeper_cmdline{"bgod\0--keep-pipes\0", 18};

std::string read_small(const std::string& path) {
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  char buf[64];
  const ssize_t n = ::read(fd.get(), buf, sizeof buf);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

// /proc/PID/environ with a '\0' in front, so that every variable is found as "\0NAME=...\0".
std::string read_environ(pid_t pid) {
  const UniqueFd fd(
      ::open(("/proc/" + std::to_string(pid) + "/environ").c_str(), O_RDONLY | O_CLOEXEC));
  std::string out(1, '\0');
  if (!fd) return out;
  char buf[4096];
  for (ssize_t n = 0; (n = ::read(fd.get(), buf, sizeof buf)) > 0;) {
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

bool is_keeper(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || st.st_uid != ::getuid()) return false;
  return read_small(dir + "/cmdline") == k_keeper_cmdline;
}

// "pipe:[12345]" -> 12345; 0 for anything else.
uint64_t pipe_inode(std::string_view link) {
  if (link.size() < 8 || link.substr(0, 6) != "pipe:[" || link.back() != ']') return 0;
  uint64_t ino = 0;
  const auto digits = link.substr(6, link.size() - 7);
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), ino);
  return ec == std::errc() && end == digits.data() + digits.size() ? ino : 0;
}

}  // namespace

UniqueFd reopen_pipe(pid_t pid, int fd) {
  const std::string link = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  char target[64] = {};
  const ssize_t n = ::readlink(link.c_str(), target, sizeof target - 1);
  if (n <= 0 || std::strncmp(target, "pipe:", 5) != 0) return {};
  return UniqueFd(::open(link.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
}

uint64_t inode_of(int fd) {
  struct stat st {};
  return fd >= 0 && ::fstat(fd, &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
}

void KeptPipes::scan(pid_t own) {
  if (scanned_) return;
  scanned_ = true;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return;
  while (const dirent* e = ::readdir(proc)) {
    pid_t pid = 0;
    const std::string_view name(e->d_name);
    if (std::from_chars(name.data(), name.data() + name.size(), pid).ec != std::errc() ||
        pid == own || pid == ::getpid() || !is_keeper(pid)) {
      continue;
    }
    const auto st = read_proc_stat(pid);
    if (!st) continue;
    const std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
    DIR* fds = ::opendir(fd_dir.c_str());
    if (fds == nullptr) continue;
    const size_t index = keepers_.size();
    size_t pipes = 0;
    while (const dirent* f = ::readdir(fds)) {
      if (f->d_name[0] == '.') continue;
      const std::string path = fd_dir + "/" + f->d_name;
      char target[64] = {};
      const ssize_t n = ::readlink(path.c_str(), target, sizeof target - 1);
      if (n <= 0) continue;
      if (const uint64_t ino = pipe_inode(std::string_view(target, static_cast<size_t>(n)))) {
        pipes_.emplace(ino, std::make_pair(path, index));
        ++pipes;
      }
    }
    ::closedir(fds);
    spdlog::debug("pipe keeper of an earlier bgod: pid {}, {} pipes", pid, pipes);
    const bool same_home =
        !home_var_.empty() &&
        read_environ(pid).find(std::string(1, '\0') + home_var_) != std::string::npos;
    keepers_.push_back(Keeper{pid, st->start_ticks, false, same_home});
  }
  ::closedir(proc);
}

UniqueFd KeptPipes::open(uint64_t ino) {
  note(ino);
  const auto [begin, end] = pipes_.equal_range(ino);
  for (auto it = begin; it != end; ++it) {
    UniqueFd fd(::open(it->second.first.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (fd && inode_of(fd.get()) == ino) return fd;  // else the keeper let go and reused N
  }
  return {};
}

bool KeptPipes::held_in_home(uint64_t ino) const {
  if (ino == 0) return false;
  const auto [begin, end] = pipes_.equal_range(ino);
  return std::any_of(begin, end,
                     [&](const auto& p) { return keepers_[p.second.second].same_home; });
}

void KeptPipes::note(uint64_t ino) {
  const auto [begin, end] = pipes_.equal_range(ino);
  for (auto it = begin; it != end; ++it) keepers_[it->second.second].ours = true;
}

void KeptPipes::recheck() { signal_keepers(&Keeper::ours, k_recheck_signal); }

void KeptPipes::release_home() { signal_keepers(&Keeper::same_home, k_release_signal); }

void KeptPipes::signal_keepers(bool Keeper::*pick, int sig) {
  for (Keeper& k : keepers_) {
    if (!(k.*pick)) continue;
    const UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, k.pid, 0)));
    const auto st = pidfd ? read_proc_stat(k.pid) : std::nullopt;
    if (!st || st->start_ticks != k.start_ticks || st->state == 'Z') {
      k.*pick = false;  // gone (the pidfd pins the number: a match is still our keeper)
      continue;
    }
    (void)::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0);
  }
}

}  // namespace bgo::daemon
