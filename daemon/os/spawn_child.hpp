// SPDX-License-Identifier: MIT
// Starting one child program: in a new session with its output on given pipes, optionally
// inside a cgroup from its first instruction (clone3 with CLONE_INTO_CGROUP).
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/errors.hpp"

namespace bgo::daemon {

class SpawnSlots;

// What to run. Everything is built before the fork: nothing allocates in the child.
struct ExecPlan {
  std::vector<std::string> argv;  // argv[0] resolved (a path)
  std::vector<std::string> env;   // the complete "K=V" list
  std::string cwd;
  int stdout_fd = -1;  // become the child's 1 and 2; stdin is /dev/null
  int stderr_fd = -1;
  // The soft RLIMIT_NOFILE the program gets (bgod raised its own: a program using select()
  // breaks above 1024), or 0 to leave bgod's. Only spawn_cloned() can set it.
  std::uint64_t nofile_soft = 0;
  // bgod's reserved slots (spawn_slots.hpp): with them, spawn_cloned() copies neither bgod's
  // memory nor its descriptor table (lean_clone.hpp). Null, unusable, or not x86-64: it copies.
  SpawnSlots* slots = nullptr;
};

// Starts `plan` as leader of a new session with every signal at its default and none blocked
// (posix_spawn; `plan.nofile_soft` is not applied). Returns once the program runs. Errors:
// spawn_failed with SpawnFailure not_found ("Command not found: x"), permission ("Permission
// denied: x") or other; `cause` holds the errno when there is one (EAGAIN: out of processes).
Result<pid_t> spawn_in_session(const ExecPlan& plan);

// The same with clone3 (CLONE_VFORK), which also applies `plan.nofile_soft`, and, given
// `plan.slots`, shares bgod's memory (CLONE_VM) and copies only its lowest descriptors. With
// `cgroup_fd` >= 0 the child is created inside the cgroup whose directory it is
// (CLONE_INTO_CGROUP): it never runs an instruction elsewhere, so nothing it forks can escape.
// A working directory that cannot be entered is bad_cwd.
Result<pid_t> spawn_cloned(const ExecPlan& plan, int cgroup_fd);

// False when clone3() is missing or refused (Linux < 5.3, or a seccomp filter that answers
// ENOSYS, as some container runtimes do).
bool clone_into_cgroup_supported();

}  // namespace bgo::daemon
