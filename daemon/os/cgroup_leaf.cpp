// SPDX-License-Identifier: MIT
// CgroupLeaf and the cgroupfs file helpers.
#include "daemon/os/cgroup_leaf.hpp"

#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <functional>
#include <set>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#include <spdlog/spdlog.h>

#include "common/proc_stat.hpp"

namespace bgo::daemon {

namespace {

constexpr size_t k_max_depth = 8;  // cgroups a child made below its own, followed this deep

std::string sub_folder(const std::string& folder, const std::string& name) {
  std::string path = folder;
  path += '/';
  path += name;
  return path;
}

// The pids in cgroup.procs of `folder`.
std::vector<pid_t> members_of(const std::string& folder) {
  std::vector<pid_t> out;
  const auto procs = read_cgroup_file(folder, "cgroup.procs", size_t{1} << 20);
  if (!procs) return out;
  const char* p = procs->data();
  const char* const end = p + procs->size();
  while (p < end) {
    long pid = 0;
    const auto [next, ec] = std::from_chars(p, end, pid);
    if (ec == std::errc() && pid > 0) out.push_back(static_cast<pid_t>(pid));
    p = next < end ? next + 1 : end;  // past the '\n' (or a byte that is not a digit)
  }
  return out;
}

// `folder` and the cgroups below it (at most k_max_depth deep), parents first.
std::vector<std::string> subtree_of(const std::string& folder) {
  std::vector<std::string> out{folder};
  std::vector<size_t> depth{0};
  for (size_t i = 0; i < out.size(); ++i) {
    if (depth[i] >= k_max_depth) continue;
    for (const auto& name : child_cgroups(out[i])) {
      out.push_back(sub_folder(out[i], name));
      depth.push_back(depth[i] + 1);
    }
  }
  return out;
}

// Calls `fn` with every pid in `folder` and in the cgroups below it.
void for_each_member(const std::string& folder, const std::function<void(pid_t)>& fn) {
  for (const auto& cgroup : subtree_of(folder)) {
    for (const pid_t pid : members_of(cgroup)) fn(pid);
  }
}

// Signals `pid` iff it is a member of `cgroup` (or below) once pinned by a pidfd: a pid read
// from cgroup.procs may have exited and been reused in between, and the pidfd stops that.
void signal_member(pid_t pid, int sig, const std::string& cgroup) {
  const UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  if (!pidfd) return;  // gone already
  const auto text = read_cgroup_file("/proc/" + std::to_string(pid), "cgroup");
  const auto member = text ? parse_proc_cgroup(*text) : std::nullopt;
  if (!member || !cgroup_contains(cgroup, *member)) return;
  if (::syscall(SYS_pidfd_send_signal, pidfd.get(), sig, nullptr, 0) != 0 && errno != ESRCH) {
    spdlog::warn("pidfd_send_signal({}, {}): {}", pid, sig, std::strerror(errno));
  }
}

}  // namespace

std::optional<std::string> read_cgroup_file(const std::string& folder, const char* name,
                                            size_t cap) {
  const std::string path = folder + "/" + name;
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  std::string text;
  char buf[4096];
  while (text.size() < cap) {
    const ssize_t n = ::read(fd.get(), buf, std::min(sizeof buf, cap - text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::nullopt;
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
  }
  return text;
}

int write_cgroup_file(const std::string& folder, const char* name, std::string_view text) {
  const std::string path = folder + "/" + name;
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno;
  // cgroupfs takes one value per write(); a short write does not happen on it.
  if (::write(fd.get(), text.data(), text.size()) < 0) return errno;
  return 0;
}

// kernfs keeps a directory's link count at 2 + its sub-directories, so one stat() stands in
// for a listing. Any other count (or an error) says "maybe".
bool may_have_child_cgroups(const std::string& folder) {
  struct stat st {};
  return ::stat(folder.c_str(), &st) != 0 || st.st_nlink != 2;
}

std::vector<std::string> child_cgroups(const std::string& folder) {
  std::vector<std::string> out;
  DIR* listing = ::opendir(folder.c_str());
  if (listing == nullptr) return out;
  while (const dirent* e = ::readdir(listing)) {
    if (e->d_type != DT_DIR || std::strcmp(e->d_name, ".") == 0 ||
        std::strcmp(e->d_name, "..") == 0) {
      continue;
    }
    out.emplace_back(e->d_name);
  }
  ::closedir(listing);
  return out;
}

bool remove_cgroup(const std::string& folder) {
  const auto all = subtree_of(folder);
  for (size_t i = all.size(); i-- > 1;) (void)::rmdir(all[i].c_str());  // below it, deepest first
  return ::rmdir(folder.c_str()) == 0 || errno == ENOENT;
}

Result<UniqueFd> CgroupLeaf::open() const {
  UniqueFd dir(::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir) {
    const int err = errno;
    return errno_error(Errc::io_error, errno_message("cannot open " + folder_, err), err);
  }
  return dir;
}

bool CgroupLeaf::populated() const {
  const auto events = read_cgroup_file(folder_, "cgroup.events");
  return events && cgroup_keyed_value(*events, "populated").value_or(0) != 0;
}

void CgroupLeaf::signal(int sig) const {
  if (sig == SIGKILL && write_cgroup_file(folder_, "cgroup.kill", "1") == 0) {
    killed_ = true;
    return;
  }
  // A process may fork while we read: new members show up in the next pass. Bounded, so a fork
  // bomb cannot hold the loop; SIGKILL (cgroup.kill) at the stop timeout ends what is left.
  std::set<pid_t> signalled;
  for (int pass = 0; pass < 4; ++pass) {
    bool found = false;
    for_each_member(folder_, [&](pid_t pid) {
      if (!signalled.insert(pid).second) return;
      found = true;
      signal_member(pid, sig, cgroup_);
    });
    if (!found) break;
  }
}

std::optional<uint64_t> CgroupLeaf::cpu_usec() const {
  const auto stat = read_cgroup_file(folder_, "cpu.stat");
  return stat ? cgroup_keyed_value(*stat, "usage_usec") : std::nullopt;
}

uint64_t CgroupLeaf::memory_bytes() const {
  if (const auto current = read_cgroup_file(folder_, "memory.current", 64)) {
    uint64_t bytes = 0;
    const auto [end, ec] =
        std::from_chars(current->data(), current->data() + current->size(), bytes);
    if (ec == std::errc()) return bytes;
  }
  const auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t total = 0;
  for_each_member(folder_, [&](pid_t pid) {
    if (const auto st = read_proc_stat(pid)) total += st->rss_pages * page;
  });
  return total;
}

Result<void> CgroupLeaf::limit_memory(std::optional<uint64_t> max) const {
  const std::string high = max ? std::to_string(memory_high_for(*max)) : "max";
  const std::string hard = max ? std::to_string(*max) : "max";
  for (const auto& [file, value] :
       {std::pair{"memory.high", &high}, std::pair{"memory.max", &hard}}) {
    if (const int err = write_cgroup_file(folder_, file, *value); err != 0) {
      return make_error(Errc::io_error, errno_message(folder_ + "/" + file, err));
    }
  }
  return {};
}

std::optional<MemoryEvents> CgroupLeaf::memory_events() const {
  const auto text = read_cgroup_file(folder_, "memory.events");
  if (!text) return std::nullopt;
  return parse_memory_events(*text);
}

}  // namespace bgo::daemon
