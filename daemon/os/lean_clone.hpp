// SPDX-License-Identifier: MIT
// A child that copies nothing of bgod on its way to exec: clone3 with CLONE_VM | CLONE_VFORK on
// a stack of its own (no page table copied), and with CLONE_FILES only bgod's few lowest
// descriptors copied (close_range with CLOSE_RANGE_UNSHARE), so neither grows with N.
#pragma once

#include <cstdint>

struct clone_args;

namespace bgo::daemon {

// Everything the child reads, placed by the parent on the child's stack; the child writes
// nothing but its own stack (its failure below, at the top of that stack). Not async: the
// parent is suspended (CLONE_VFORK) until the child has exec'd or exited.
struct LeanChild {
  char* const* argv = nullptr;  // argv[0] a path
  char* const* envp = nullptr;
  const char* cwd = nullptr;
  int in = -1;  // become the child's 0, 1 and 2; all >= 3
  int out = -1;
  int err = -1;
  // > 0: the child shares bgod's descriptor table (CLONE_FILES) and first takes its own copy
  // of the descriptors below this number only (every one it needs is among them).
  unsigned keep_below = 0;
  std::uint64_t nofile_soft = 0;  // > 0: the soft RLIMIT_NOFILE the program gets

  // Written by a child that could not exec, before it exits 127.
  enum Stage : int { none, setup, chdir, exec };
  Stage stage = none;
  int error = 0;  // the errno of that stage
};

// True where lean_clone() exists (x86-64); elsewhere the caller takes its copying path.
bool lean_clone_available();

// clone3(args) whose child runs from `child` (which must lie within args.stack) to execve and
// never returns. args.flags must hold CLONE_VM and CLONE_VFORK; the caller blocks every signal
// across the call. Returns the child's pid once it has exec'd or exited, or -errno.
long lean_clone(clone_args& args, LeanChild& child);

}  // namespace bgo::daemon
