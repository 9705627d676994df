// SPDX-License-Identifier: MIT
// PosixProcess.
#include "daemon/os/posix_process.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <spdlog/spdlog.h>

#include "common/process_identity.hpp"
#include "common/unique_fd.hpp"
#include "daemon/os/cgroup_children.hpp"
#include "daemon/os/log_sink.hpp"
#include "daemon/os/spawn_child.hpp"

namespace bgo::daemon {

namespace {

Error spawn_error(SpawnFailure why, std::string message) {
  Error e = make_error(Errc::spawn_failed, std::move(message));
  e.spawn = why;
  return e;
}

// A start that failed for want of descriptors or processes says so with the limit; any other
// failure keeps its message.
Error failed_start(std::string_view name, const Error& e, std::uint64_t soft) {
  if (e.cause && is_out_of_resources(e.cause.value())) {
    return out_of_resources(name, e.cause.value(), soft);
  }
  if (e.code == Errc::spawn_failed) return e;
  Error out = spawn_error(SpawnFailure::other, "Failed to start: " + e.message);
  out.cause = e.cause;
  return out;
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

}  // namespace

struct PosixProcess::Watched {
  Watched(boost::asio::io_context& io, int fd) : descriptor(io, fd) {}
  boost::asio::posix::stream_descriptor descriptor;  // the pidfd: readable once it exits
};

PosixProcess::PosixProcess(boost::asio::io_context& io, LogSink& logs, ExitFn on_adopted_exit,
                           std::unique_ptr<CgroupTree> cgroups, FdBudget budget, SpawnSlots slots)
    : io_(io),
      logs_(logs),
      on_adopted_exit_(std::move(on_adopted_exit)),
      budget_(budget),
      slots_(std::move(slots)) {
  // posix_spawn cannot set a limit in the child, and copies bgod's descriptor table: with a
  // raised limit to give back or the slots of a lean spawn, process-group children are started
  // with clone3 as contained ones are.
  if (budget_.original_soft != budget_.soft || slots_.usable()) {
    clone_ok_ = clone_into_cgroup_supported();
  }
  if (cgroups) cgroups_ = std::make_unique<CgroupChildren>(io, std::move(cgroups));
}

PosixProcess::~PosixProcess() = default;

void PosixProcess::set_tree_listeners(PidFn on_tree_empty, PidFn on_memory_exceeded) {
  if (cgroups_) cgroups_->set_listeners(std::move(on_tree_empty), std::move(on_memory_exceeded));
}

void PosixProcess::on_reaped(pid_t pid) {
  handed_.erase(pid);  // its number may be given to a new child now
  if (cgroups_) cgroups_->on_leader_gone(pid);
}

std::string PosixProcess::cgroup_folder() const {
  return cgroups_ ? cgroups_->tree().folder() : std::string();
}

bool PosixProcess::memory_controller() const { return cgroups_ && cgroups_->tree().memory(); }

Containment PosixProcess::containment() const {
  return cgroups_ ? Containment::cgroup : Containment::process_group;
}

UsageText PosixProcess::usage(pid_t pid) {
  if (cgroups_) {
    if (auto tree = cgroups_->usage(pid)) return *tree;
  }
  return usage_text(pid);
}

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

// --max-memory is a cgroup limit and nothing else: no polling stands in for it.
std::optional<Error> PosixProcess::refuse_memory_limit(const SpawnRequest& request) const {
  if (!request.memory_max) return std::nullopt;
  const char* mode = nullptr;
  if (!cgroups_) {
    mode = "process-group mode";
  } else if (!request.contain) {
    mode = "cgroup mode, but this process is not contained";
  } else if (!cgroups_->tree().memory()) {
    mode = "cgroup mode without the memory controller";
  } else {
    return std::nullopt;
  }
  Error e = make_error(Errc::invalid_params,
                       "--max-memory needs cgroup containment with the memory controller "
                       "(bgod runs in " +
                           std::string(mode) + ")");
  e.param = "max_memory";
  return e;
}

Result<Spawned> PosixProcess::spawn(const SpawnRequest& request) {
  if (auto refused = refuse_memory_limit(request)) return *refused;
  // A log file bgod may not write (a symlink, someone else's file) refuses the start: running
  // the process with its output thrown away would hide both the output and the tampering.
  if (auto r = logs_.prepare(request.name); !r) {
    if (r.error().cause && is_out_of_resources(r.error().cause.value())) {
      return failed_start(request.name, r.error(), budget_.soft);
    }
    return spawn_error(SpawnFailure::other,
                       "Failed to start: unsafe log file: " + r.error().message);
  }
  auto out = make_pipe();
  if (!out) return failed_start(request.name, out.error(), budget_.soft);
  auto err = make_pipe();
  if (!err) return failed_start(request.name, err.error(), budget_.soft);
  // Everything is closed on the way out: the pipes are UniqueFds, nothing was spawned yet.
  const int highest =
      std::max({out->read.get(), out->write.get(), err->read.get(), err->write.get()});
  if (auto room = check_headroom(request, highest); !room) return room.error();
  ExecPlan plan{request.argv, request.env, request.cwd, out->write.get(), err->write.get()};
  // The run's marker replaces any the environment brings (a client started by a bgo child).
  std::optional<Invocation> invocation;
  if (invocations_) {
    invocation = invocations_->next(request.name);
    const std::string key = std::string(k_invocation_key) + '=';
    std::erase_if(plan.env, [&](const std::string& kv) { return kv.starts_with(key); });
    plan.env.push_back(key + invocation->text());
  }
  const uint64_t out_pipe = inode_of(out->read.get());
  const uint64_t err_pipe = inode_of(err->read.get());
  // Before the spawn: if bgod dies before the run's state file is on disk, this line is what
  // lets the next bgod find the pipes of a run that exited meanwhile.
  if (journal_ && invocation) journal_->append(out_pipe, err_pipe, invocation->text());
  // The keeper holds the read ends before the child can write: if bgod dies right after the
  // spawn, the child's first write finds a reader instead of raising SIGPIPE. (Should the
  // spawn fail, the pipes hang up empty once closed here and the keeper closes them.)
  keeper_.keep({out->read.get(), err->read.get()});
  if (budget_.original_soft != budget_.soft) plan.nofile_soft = budget_.original_soft;
  plan.slots = &slots_;
  auto pid = request.contain && cgroups_ ? spawn_contained(request, plan)
             : clone_ok_                 ? spawn_cloned(plan, -1)
                                         : spawn_in_session(plan);
  if (!pid) return failed_start(request.name, pid.error(), budget_.soft);
  out->write.reset();
  err->write.reset();
  Spawned spawned{*pid, 0, out_pipe, err_pipe, invocation ? invocation->text() : std::string()};
  if (auto st = read_proc_stat(*pid)) spawned.start_ticks = st->start_ticks;
  logs_.attach(request.name, *pid, std::move(out->read), std::move(err->read), request.logs);
  return spawned;
}

// Descriptors are handed out lowest first, so the number of the last one a start took says how
// close bgod is to its limit: past `soft - headroom` the start is refused, and what is left
// stays for clients, /proc reads, state and log files, and stopping.
Result<void> PosixProcess::check_headroom(const SpawnRequest& request, int highest_fd) const {
  if (budget_.soft == 0 || budget_.soft == RLIM_INFINITY) return {};
  const std::uint64_t headroom = start_headroom(budget_.soft);
  if (static_cast<std::uint64_t>(highest_fd) + headroom < budget_.soft) return {};
  return out_of_headroom(request.name, budget_.soft, headroom);
}

Result<pid_t> PosixProcess::spawn_contained(const SpawnRequest& request, const ExecPlan& plan) {
  auto leaf = cgroups_->prepare(request.name, request.memory_max);
  if (!leaf) return spawn_error(SpawnFailure::other, "Failed to start: " + leaf.error().message);
  const uint64_t cpu_base = leaf->cpu_usec().value_or(0);  // a reused cgroup counts on
  auto dir = leaf->open();
  auto pid = dir ? spawn_cloned(plan, dir->get()) : Result<pid_t>(dir.error());
  if (!pid) {
    cgroups_->discard(*leaf);
    return pid;
  }
  cgroups_->track(*pid, request.name, std::move(*leaf), request.memory_max.has_value(), cpu_base);
  return pid;
}

std::optional<uint64_t> PosixProcess::identify(const ProcessRecord& record) {
  // A handed-over child that exited during the upgrade is a zombie waiting for our reaper: it
  // is still the process the record names, and its status is still ours to read.
  if (record.pid) {
    if (auto it = handed_.find(static_cast<pid_t>(*record.pid)); it != handed_.end()) {
      auto st = read_proc_stat(it->first);
      if (st && st->start_ticks == it->second.start_ticks) return st->start_ticks;
    }
  }
  return bgo::identify(record);
}

void PosixProcess::expect_handed_over(std::vector<HandoverChild> children) {
  keeper_handed_ = keeper_.socket_fd() >= 0;
  for (auto& c : children) {
    const pid_t pid = c.pid;
    handed_.emplace(pid, std::move(c));
  }
}

void PosixProcess::finish_handover() {
  for (auto it = handed_.begin(); it != handed_.end();) {
    if (it->second.out_fd >= 0) ::close(it->second.out_fd);
    if (it->second.err_fd >= 0) ::close(it->second.err_fd);
    it->second.out_fd = it->second.err_fd = -1;
    // Not claimed by any record (its file failed to load): reaped like any orphan, forgotten.
    it = claimed_.contains(it->first) ? std::next(it) : handed_.erase(it);
  }
}

std::pair<int, int> PosixProcess::pipe_fds(std::string_view name, pid_t pid) const {
  return logs_.pipe_fds(name, pid);
}

bool PosixProcess::group_alive(pid_t pgid) {
  if (cgroups_) {
    if (auto populated = cgroups_->populated(pgid)) return *populated;
  }
  return pgid > 1 && (::kill(-pgid, 0) == 0 || errno == EPERM);
}

void PosixProcess::signal_group(pid_t pid, int sig) {
  if (pid <= 1) return;
  // A contained child: every process of its cgroup, wherever it moved in the process tree.
  if (cgroups_ && cgroups_->signal(pid, sig)) return;
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
  if (auto it = handed_.find(pid); it != handed_.end()) {
    // Our own child still (the same pid across exec): the Reaper sees its exit, so no pidfd.
    HandoverChild& c = it->second;
    claimed_.insert(pid);
    UniqueFd out(std::exchange(c.out_fd, -1));
    UniqueFd err(std::exchange(c.err_fd, -1));
    (void)set_cloexec({out.get(), err.get()}, true);  // best effort: only a leak to children
    if (cgroups_) (void)cgroups_->adopt(pid, name);
    if (!keeper_handed_) keeper_.keep({out.get(), err.get()});
    logs_.attach(name, pid, std::move(out), std::move(err), logs);
    return true;
  }
  kept_.scan(keeper_.pid());  // the keepers that hold its pipes, to let go once it exits
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
                                   if (cgroups_) cgroups_->on_leader_gone(pid);
                                 });
  adopted_[pid] = std::move(watched);
  // Started by an earlier bgod of this home in one of our cgroups: contained again.
  if (cgroups_) (void)cgroups_->adopt(pid, name);
  UniqueFd out = reopen_pipe(pid, 1);
  UniqueFd err = reopen_pipe(pid, 2);
  kept_.note(inode_of(out.get()));  // the keepers holding them are told when they end
  kept_.note(inode_of(err.get()));
  if (out || err) {
    // This bgod's keeper takes over from the previous one (which lets go once they exit).
    keeper_.keep({out.get(), err.get()});
    logs_.attach(name, pid, std::move(out), std::move(err), logs);
  }
  return true;
}

}  // namespace bgo::daemon
