// SPDX-License-Identifier: MIT
// The descriptor budget: limits, headroom, refusals.
#include "daemon/os/fd_limits.hpp"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace bgo::daemon {

namespace {

std::uint64_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  std::uint64_t n = 0;
  in >> n;
  return n;
}

std::string limit_text(std::uint64_t soft) {
  return soft == RLIM_INFINITY ? "unlimited" : std::to_string(soft);
}

Error resources_error(std::string message, int err) {
  Error e = errno_error(Errc::spawn_failed, std::move(message), err);
  e.spawn = SpawnFailure::resources;
  return e;
}

}  // namespace

FdBudget raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return {};
  FdBudget budget{lim.rlim_cur, lim.rlim_cur, lim.rlim_max};
  // Only a privileged bgod (CAP_SYS_RESOURCE) may raise its hard limit; anyone else gets EPERM
  // and keeps the hard limit it was given (systemd's LimitNOFILE=, ulimit -Hn).
  if (const std::uint64_t ceiling = nr_open(); ceiling > lim.rlim_max) {
    const rlimit wider{ceiling, ceiling};
    if (::setrlimit(RLIMIT_NOFILE, &wider) == 0) lim = wider;
  }
  if (lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    (void)::setrlimit(RLIMIT_NOFILE, &lim);  // cannot fail: soft <= hard
  }
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    budget.soft = lim.rlim_cur;
    budget.hard = lim.rlim_max;
  }
  return budget;
}

std::uint64_t start_headroom(std::uint64_t soft) {
  return std::clamp<std::uint64_t>(soft / 32, 16, 256);
}

std::size_t log_cache_bound(std::uint64_t soft) {
  // Small on purpose: a quiet child (most of them) needs no open log, and a chatty one beyond the
  // bound costs an open and a close per burst of output, not a lost line.
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(soft / 64, 4, 256));
}

bool is_out_of_resources(int err) { return err == EMFILE || err == ENFILE || err == EAGAIN; }

Error out_of_resources(std::string_view name, int err, std::uint64_t soft) {
  const std::string who = "Cannot start '" + std::string(name) + "': ";
  if (err == EMFILE) {
    return resources_error(who + "bgod is out of file descriptors (limit " + limit_text(soft) +
                               "); stop or delete processes, or raise bgod's limit "
                               "(LimitNOFILE= in its unit, ulimit -Hn)",
                           err);
  }
  if (err == ENFILE) {
    return resources_error(who +
                               "the system is out of file descriptors (fs.file-max); stop or "
                               "delete processes, or raise fs.file-max",
                           err);
  }
  rlimit nproc{};
  const std::string limit = ::getrlimit(RLIMIT_NPROC, &nproc) == 0
                                ? " (RLIMIT_NPROC " + limit_text(nproc.rlim_cur) + " for uid " +
                                      std::to_string(::getuid()) + ")"
                                : std::string();
  return resources_error(who + "out of processes" + limit +
                             "; stop or delete processes, or raise the limit (LimitNPROC= in "
                             "bgod's unit, ulimit -u, kernel.pid_max)",
                         err);
}

Error out_of_headroom(std::string_view name, std::uint64_t soft, std::uint64_t headroom) {
  return resources_error("Cannot start '" + std::string(name) +
                             "': bgod is out of file descriptors (limit " + limit_text(soft) +
                             ", " + std::to_string(headroom) +
                             " kept free for clients, logs and stopping); stop or delete "
                             "processes, or raise bgod's limit (LimitNOFILE= in its unit, "
                             "ulimit -Hn)",
                         EMFILE);
}

}  // namespace bgo::daemon
