// SPDX-License-Identifier: MIT
// lean_clone: the clone3 trampoline and the child's way to execve, in raw system calls.
//
// The child shares bgod's memory and thread pointer until it execs, so between clone3 and execve
// it calls no libc function (no errno, no interceptor of a sanitizer), runs uninstrumented
// (no_sanitize: no shadow memory written on bgod's behalf) and writes only its own stack.
#include "daemon/os/lean_clone.hpp"

#include <cerrno>
#include <csignal>
#include <cstddef>
#include <linux/close_range.h>
#include <linux/sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#if defined(__x86_64__)

// bgo_lean_clone3(args, size, fn, arg): clone3 (435); the child, on the new stack the kernel
// gave it, calls fn(arg) with a clean frame and exits 127 should fn ever return.
extern "C" long bgo_lean_clone3(clone_args* args, std::size_t size,
                                void (*fn)(bgo::daemon::LeanChild*), bgo::daemon::LeanChild* arg);
asm(R"(
  .text
  .p2align 4
  .globl bgo_lean_clone3
  .hidden bgo_lean_clone3
  .type bgo_lean_clone3, @function
bgo_lean_clone3:
  .cfi_startproc
  endbr64
  movq %rdx, %r8
  movq %rcx, %r9
  movl $435, %eax
  syscall
  testq %rax, %rax
  jz 1f
  ret
1:
  .cfi_undefined rip
  xorl %ebp, %ebp
  movq %r9, %rdi
  andq $-16, %rsp
  call *%r8
  movl $127, %edi
  movl $60, %eax
  syscall
  hlt
  .cfi_endproc
  .size bgo_lean_clone3, .-bgo_lean_clone3
)");

namespace bgo::daemon {

namespace {

#define BGO_CHILD_CODE __attribute__((no_sanitize("address", "undefined")))

// A system call without libc: the result, or -errno.
BGO_CHILD_CODE __attribute__((always_inline)) inline long raw(long nr, long a = 0, long b = 0,
                                                              long c = 0, long d = 0) {
  long ret = 0;
  register long r10 asm("r10") = d;
  asm volatile("syscall"
               : "=a"(ret)
               : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10)
               : "rcx", "r11", "memory");
  return ret;
}

BGO_CHILD_CODE __attribute__((always_inline)) inline long ptr(const void* p) {
  return reinterpret_cast<long>(p);
}

// The kernel's struct sigaction (x86-64) and its 64-signal set.
struct KernelSigaction {
  unsigned long handler = 0;  // SIG_DFL
  unsigned long flags = 0;
  unsigned long restorer = 0;
  unsigned long mask = 0;
};
constexpr long k_sigset_bytes = 8;
constexpr int k_signals = 64;

struct KernelRlimit {
  std::uint64_t cur;
  std::uint64_t max;
};

[[noreturn]] BGO_CHILD_CODE void fail(LeanChild* c, LeanChild::Stage stage, long ret) {
  c->stage = stage;
  c->error = static_cast<int>(-ret);
  (void)raw(SYS_exit, 127);
  __builtin_unreachable();
}

// The same steps as spawn_child.cpp's run_child, in the same order.
[[noreturn]] BGO_CHILD_CODE void run_lean_child(LeanChild* c) {
  long r = 0;
  if (c->keep_below > 0) {
    // Our own table, with only the few descriptors below keep_below: bgod's thousands are not
    // copied here, nor closed again by execve.
    r = raw(SYS_close_range, c->keep_below, ~0U, CLOSE_RANGE_UNSHARE);
    if (r < 0) fail(c, LeanChild::setup, r);
  }
  // SIG_IGN survives exec (bgod ignores SIGPIPE), and a handler of bgod's must not run here:
  // every signal back to its default while they are all still blocked.
  const KernelSigaction dfl;
  for (int sig = 1; sig <= k_signals; ++sig) {
    (void)raw(SYS_rt_sigaction, sig, ptr(&dfl), 0, k_sigset_bytes);  // EINVAL: KILL, STOP
  }
  if (r = raw(SYS_setsid); r < 0) fail(c, LeanChild::setup, r);
  if (r = raw(SYS_dup3, c->in, 0, 0); r < 0) fail(c, LeanChild::setup, r);
  if (r = raw(SYS_dup3, c->out, 1, 0); r < 0) fail(c, LeanChild::setup, r);
  if (r = raw(SYS_dup3, c->err, 2, 0); r < 0) fail(c, LeanChild::setup, r);
  if (r = raw(SYS_chdir, ptr(c->cwd)); r < 0) fail(c, LeanChild::chdir, r);
  if (c->nofile_soft != 0) {
    // Back to the soft limit bgod was started with; the hard limit stays bgod's.
    KernelRlimit lim{};
    if (r = raw(SYS_prlimit64, 0, RLIMIT_NOFILE, 0, ptr(&lim)); r < 0) fail(c, LeanChild::setup, r);
    lim.cur = c->nofile_soft < lim.max ? c->nofile_soft : lim.max;
    if (r = raw(SYS_prlimit64, 0, RLIMIT_NOFILE, ptr(&lim), 0); r < 0) {
      fail(c, LeanChild::setup, r);
    }
  }
  // Nothing but 0, 1 and 2 goes to the program, whatever lacks O_CLOEXEC (the table is the
  // child's own: unshared above, or copied by clone3 without CLONE_FILES).
  (void)raw(SYS_close_range, 3, ~0U, 0);
  const unsigned long none = 0;
  (void)raw(SYS_rt_sigprocmask, SIG_SETMASK, ptr(&none), 0, k_sigset_bytes);
  r = raw(SYS_execve, ptr(c->argv[0]), ptr(c->argv), ptr(c->envp));
  fail(c, LeanChild::exec, r);
}

}  // namespace

bool lean_clone_available() { return true; }

long lean_clone(clone_args& args, LeanChild& child) {
  return bgo_lean_clone3(&args, sizeof args, run_lean_child, &child);
}

}  // namespace bgo::daemon

#else  // not x86-64: the copying clone3 path only

namespace bgo::daemon {

bool lean_clone_available() { return false; }

long lean_clone(clone_args& /*args*/, LeanChild& /*child*/) { return -ENOSYS; }

}  // namespace bgo::daemon

#endif
