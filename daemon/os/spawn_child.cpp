// SPDX-License-Identifier: MIT
// spawn_in_session (posix_spawn) and spawn_cloned (clone3).
#include "daemon/os/spawn_child.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/spawn_attr.hpp"
#include "common/unique_fd.hpp"
#include "daemon/os/lean_clone.hpp"
#include "daemon/os/spawn_slots.hpp"

namespace bgo::daemon {

namespace {

Error spawn_error(SpawnFailure why, std::string message, int err = 0) {
  Error e = err != 0 ? errno_error(Errc::spawn_failed, std::move(message), err)
                     : make_error(Errc::spawn_failed, std::move(message));
  e.spawn = why;
  return e;
}

// The classification both spawners share, for an errno of exec (or of posix_spawn).
Error exec_error(int err, const std::string& program) {
  if (err == ENOENT) return spawn_error(SpawnFailure::not_found, "Command not found: " + program);
  if (err == EACCES || err == EPERM || err == EISDIR) {
    return spawn_error(SpawnFailure::permission, "Permission denied: " + program);
  }
  return spawn_error(SpawnFailure::other, "Failed to start: " + std::string(std::strerror(err)),
                     err);
}

// Pointers into `strings` with a terminating null, as execve wants them.
std::vector<char*> c_array(const std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (const auto& s : strings) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

// What a clone3 child that could not exec writes to its parent before it exits.
struct ChildFailure {
  enum Stage : int { setup, chdir, exec } stage = setup;
  int error = 0;
};

// dup2 that also works when `fd` already is `target` (then only its close-on-exec goes).
int move_fd(int fd, int target) {
  if (fd != target) return ::dup2(fd, target);
  return ::fcntl(fd, F_SETFD, 0);
}

// The child side of spawn_cloned(), between clone3 and execve. It is a copy of bgod with
// all signals blocked: only async-signal-safe calls, no allocation, and it never returns.
[[noreturn]] void run_child(char* const* argv, char* const* envp, const char* cwd, int devnull,
                            int out, int err, int report, std::uint64_t nofile_soft) {
  const auto fail = [report](ChildFailure::Stage stage) {
    const ChildFailure failure{stage, errno};
    (void)!::write(report, &failure, sizeof failure);
    ::_exit(127);
  };
  // SIG_IGN survives exec (bgod ignores SIGPIPE), and a handler of bgod's must not run here:
  // every signal back to its default while they are all still blocked.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) (void)::sigaction(sig, &dfl, nullptr);
  if (::setsid() < 0) fail(ChildFailure::setup);
  if (move_fd(devnull, 0) < 0 || move_fd(out, 1) < 0 || move_fd(err, 2) < 0) {
    fail(ChildFailure::setup);
  }
  if (::chdir(cwd) != 0) fail(ChildFailure::chdir);
  if (nofile_soft != 0) {
    // Back to the soft limit bgod was started with; the hard limit stays bgod's.
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) fail(ChildFailure::setup);
    lim.rlim_cur = std::min<rlim_t>(nofile_soft, lim.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) fail(ChildFailure::setup);
  }
  // Belt and braces, as posix_spawn's closefrom: a library's descriptor may lack O_CLOEXEC.
  // Marked, not closed, so `report` stays open until execve succeeds.
  (void)::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  sigset_t none;
  sigemptyset(&none);
  (void)::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(argv[0], argv, envp);
  fail(ChildFailure::exec);
  ::_exit(127);  // not reached: fail() exits
}

// What a child that did not exec reports, as the error of the start.
Error child_error(bool in_chdir, int err, const ExecPlan& plan) {
  if (in_chdir) {
    return spawn_error(SpawnFailure::bad_cwd,
                       "Working directory not usable: " + plan.cwd + ": " + std::strerror(err));
  }
  return spawn_error(SpawnFailure::other, "Failed to start: " + std::string(std::strerror(err)),
                     err);
}

// Every signal blocked, the two glibc keeps for itself included (raw: glibc's sigprocmask
// leaves those out), so that no handler of bgod's runs in a child sharing its memory.
class AllSignalsBlocked {
 public:
  AllSignalsBlocked() {
    const std::uint64_t all = ~std::uint64_t{0};
    (void)::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &old_, sizeof old_);
  }
  ~AllSignalsBlocked() {
    (void)::syscall(SYS_rt_sigprocmask, SIG_SETMASK, &old_, nullptr, sizeof old_);
  }
  AllSignalsBlocked(const AllSignalsBlocked&) = delete;
  AllSignalsBlocked& operator=(const AllSignalsBlocked&) = delete;

 private:
  std::uint64_t old_ = 0;
};

// spawn_cloned() without copying bgod: CLONE_VM on the slots' stack, the pipe ends lent to the
// slots (and with CLONE_FILES only the descriptors below them copied). The old path's steps.
Result<pid_t> spawn_lean(const ExecPlan& plan, int cgroup_fd, SpawnSlots& slots) {
  std::vector<char*> argv = c_array(plan.argv);
  std::vector<char*> envp = c_array(plan.env);
  if (auto lent = slots.lend(plan.stdout_fd, plan.stderr_fd); !lent) {
    return spawn_error(SpawnFailure::other, "Failed to start: " + lent.error().message,
                       lent.error().cause.value());
  }
  LeanChild& child = slots.child_record();
  child.argv = argv.data();
  child.envp = envp.data();
  child.cwd = plan.cwd.c_str();
  child.in = slots.in();
  child.out = slots.out();
  child.err = slots.err();
  child.keep_below = slots.keep_below();
  child.nofile_soft = plan.nofile_soft;
  clone_args args{};
  args.flags = CLONE_VM | CLONE_VFORK;  // back here once it has exec'd or died
  if (child.keep_below > 0) args.flags |= CLONE_FILES;
  args.exit_signal = SIGCHLD;
  args.stack = reinterpret_cast<std::uint64_t>(slots.stack());
  args.stack_size = slots.stack_size();
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<std::uint64_t>(cgroup_fd);
  }
  long pid = 0;
  {
    const AllSignalsBlocked blocked;
    pid = lean_clone(args, child);
  }
  slots.take_back();
  if (pid < 0) {
    const int err = static_cast<int>(-pid);
    return spawn_error(SpawnFailure::other,
                       "Failed to start: clone3: " + std::string(std::strerror(err)), err);
  }
  if (child.stage == LeanChild::none) return static_cast<pid_t>(pid);
  // As glibc's posix_spawn does: the child that never ran the program is reaped here, so no
  // exit reaches the supervisor for a start that did not happen. It is exiting already.
  (void)::waitpid(static_cast<pid_t>(pid), nullptr, 0);
  if (child.stage == LeanChild::exec) return exec_error(child.error, plan.argv.front());
  return child_error(child.stage == LeanChild::chdir, child.error, plan);
}

}  // namespace

Result<pid_t> spawn_in_session(const ExecPlan& plan) {
  // argv and envp are built before spawning: nothing allocates between fork and exec.
  std::vector<char*> argv = c_array(plan.argv);
  std::vector<char*> envp = c_array(plan.env);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, plan.stdout_fd, 1);
  posix_spawn_file_actions_adddup2(&actions, plan.stderr_fd, 2);
  posix_spawn_file_actions_addchdir_np(&actions, plan.cwd.c_str());
  // Belt and braces: every bgod descriptor is O_CLOEXEC, but a library's may not be.
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);

  // SIG_IGN survives exec (bgod ignores SIGPIPE): reset every signal to its default.
  const CleanSpawnAttr attr;

  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &actions, attr.get(), argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return exec_error(rc, plan.argv.front());
  return pid;
}

Result<pid_t> spawn_cloned(const ExecPlan& plan, int cgroup_fd) {
  if (plan.slots != nullptr && plan.slots->usable() && lean_clone_available()) {
    return spawn_lean(plan, cgroup_fd, *plan.slots);
  }
  auto report = make_pipe();
  if (!report) {
    return spawn_error(SpawnFailure::other, "Failed to start: " + report.error().message,
                       report.error().cause.value());
  }
  auto devnull = open_fd("/dev/null", O_RDONLY);
  if (!devnull) {
    return spawn_error(SpawnFailure::other, "Failed to start: " + devnull.error().message,
                       devnull.error().cause.value());
  }
  std::vector<char*> argv = c_array(plan.argv);
  std::vector<char*> envp = c_array(plan.env);

  // Blocked across the fork, so that no handler of bgod's runs in the child before it has reset
  // them; the parent takes its pending signals once the mask is restored.
  sigset_t all, old;
  sigfillset(&all);
  (void)::sigprocmask(SIG_SETMASK, &all, &old);
  clone_args args{};
  args.flags = CLONE_VFORK;  // back here once it has exec'd or died
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  const long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid == 0) {
    run_child(argv.data(), envp.data(), plan.cwd.c_str(), devnull->get(), plan.stdout_fd,
              plan.stderr_fd, report->write.get(), plan.nofile_soft);
  }
  const int clone_errno = errno;
  (void)::sigprocmask(SIG_SETMASK, &old, nullptr);
  report->write.reset();
  if (pid < 0) {
    return spawn_error(SpawnFailure::other,
                       "Failed to start: clone3: " + std::string(std::strerror(clone_errno)),
                       clone_errno);
  }
  ChildFailure failure;
  if (::read(report->read.get(), &failure, sizeof failure) != sizeof failure) {
    return static_cast<pid_t>(pid);  // end of file: the pipe closed on a successful exec
  }
  // As glibc's posix_spawn does: the child that never ran the program is reaped here, so no
  // exit reaches the supervisor for a start that did not happen. It is exiting already.
  (void)::waitpid(static_cast<pid_t>(pid), nullptr, 0);
  if (failure.stage == ChildFailure::exec) return exec_error(failure.error, plan.argv.front());
  return child_error(failure.stage == ChildFailure::chdir, failure.error, plan);
}

bool clone_into_cgroup_supported() {
  // A kernel with clone3 refuses a zero-sized argument with EINVAL before doing anything.
  return ::syscall(SYS_clone3, nullptr, 0) < 0 && errno != ENOSYS;
}

}  // namespace bgo::daemon
