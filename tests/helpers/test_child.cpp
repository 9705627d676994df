// SPDX-License-Identifier: MIT
// A deterministic child for integration tests. Flags, applied in order of meaning:
//   --lines N        print "line 1".."line N" to stdout (then continue)
//   --stderr TEXT    print TEXT and a newline to stderr
//   --env NAME       print "NAME=<value>" of that variable to stdout
//   --cwd            print "cwd=<dir>" to stdout
//   --grandchild     fork a child that sleeps forever in the same process group, print its pid
//                    as "grandchild=<pid>"
//   --escape         double-fork a process into a session of its own (a daemon leaving the
//                    process group), print its pid as "escaped=<pid>"; it sleeps forever
//   --ignore-term    ignore SIGTERM
//   --after MS       wait MS milliseconds before exiting (default: forever)
//   --exit N         exit code (default 0) once --after has elapsed
//   --flood N        write N numbered lines "seq <i>" as fast as possible, then continue
//   --echo-stdin     (unused) reserved
//   --err-lines N    print "err 1".."err N" to stderr (then continue)
//   --final-lines N  print "final 1".."final N" to stdout right before exiting
//   --tick MS        print "tick 1", "tick 2", ... to stdout every MS milliseconds, until
//                    --after has elapsed (or forever)
//   --print-times    print "started=<ns>" now and "exiting=<ns>" just before exiting, in
//                    steady_clock (CLOCK_MONOTONIC, system-wide) nanoseconds: lets a test or
//                    bench time an exit and a respawn from the processes themselves
//   --tag TEXT       ignored: a test finds its own processes in /proc by this text
//   --write TEXT     write TEXT to stdout with no newline added; the two characters \n in
//                    TEXT stand for one (so that a test's command line stays on one line)
//   --wait-usr1      wait until a SIGUSR1 arrives (blocked from the start, so one sent early
//                    waits for it), then go on with the next flag
//   --seq N          write "seq 1".."seq N" as fast as possible, whole lines only: each write(2)
//                    carries complete lines and at most PIPE_BUF bytes, so it is atomic on a pipe
//                    and a signal never cuts a line (the fault suite counts lost and duplicated
//                    lines); then continue
//   --seq-burst N MS write N such lines every MS milliseconds, numbered on from burst to burst,
//                    forever
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace {

long long monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// atol() without its name: the same parse (flags come from the tests, never malformed).
long to_long(const char* text) { return std::strtol(text, nullptr, 10); }

// "seq <first>".."seq <last>" on stdout in writes of whole lines, each at most PIPE_BUF bytes.
void write_seq(long first, long last) {
  std::string chunk;
  for (long k = first; k <= last; ++k) {
    const std::string line = "seq " + std::to_string(k) + "\n";
    if (chunk.size() + line.size() > PIPE_BUF) {
      if (::write(STDOUT_FILENO, chunk.data(), chunk.size()) < 0) return;  // reader gone
      chunk.clear();
    }
    chunk += line;
  }
  if (!chunk.empty()) (void)!::write(STDOUT_FILENO, chunk.data(), chunk.size());
}

// A child has nowhere to report failed output; the test that reads it sees what is missing.
void flush(std::FILE* stream) { (void)std::fflush(stream); }

}  // namespace

int main(int argc, char** argv) {
  sigset_t usr1;
  (void)sigemptyset(&usr1);
  (void)sigaddset(&usr1, SIGUSR1);
  for (int i = 1; i < argc; ++i) {
    // Blocked before anything is written: a test sends SIGUSR1 once it has seen that output.
    if (std::strcmp(argv[i], "--wait-usr1") == 0) (void)sigprocmask(SIG_BLOCK, &usr1, nullptr);
  }
  long after_ms = -1;
  int exit_code = 0;
  bool print_times = false;
  long tick_ms = 0;
  long final_lines = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--lines") {
      const long n = to_long(next());
      for (long k = 1; k <= n; ++k) std::printf("line %ld\n", k);
      flush(stdout);
    } else if (a == "--flood") {
      const long n = to_long(next());
      for (long k = 1; k <= n; ++k) std::printf("seq %ld\n", k);
      flush(stdout);
    } else if (a == "--seq") {
      flush(stdout);  // what printf buffered goes first
      write_seq(1, to_long(next()));
    } else if (a == "--seq-burst") {
      flush(stdout);
      const long n = to_long(next());
      const long ms = to_long(next());
      for (long first = 1;; first += n) {
        write_seq(first, first + n - 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
      }
    } else if (a == "--stderr") {
      (void)std::fprintf(stderr, "%s\n", next());  // see flush()
      flush(stderr);
    } else if (a == "--env") {
      const char* name = next();
      const char* v = std::getenv(name);
      std::printf("%s=%s\n", name, v ? v : "");
      flush(stdout);
    } else if (a == "--cwd") {
      char buf[4096];
      std::printf("cwd=%s\n", getcwd(buf, sizeof buf) ? buf : "?");
      flush(stdout);
    } else if (a == "--grandchild") {
      const pid_t pid = fork();
      if (pid == 0) {
        for (;;) pause();
      }
      std::printf("grandchild=%d\n", static_cast<int>(pid));
      flush(stdout);
    } else if (a == "--escape") {
      int pipe_fds[2];
      if (pipe(pipe_fds) != 0) return 3;
      const pid_t middle = fork();
      if (middle == 0) {
        (void)setsid();
        const pid_t daemon = fork();
        if (daemon == 0) {
          (void)close(pipe_fds[0]);
          (void)close(pipe_fds[1]);
          for (;;) pause();
        }
        (void)!write(pipe_fds[1], &daemon, sizeof daemon);
        _exit(0);
      }
      pid_t escaped = 0;
      (void)!read(pipe_fds[0], &escaped, sizeof escaped);
      (void)close(pipe_fds[0]);
      (void)close(pipe_fds[1]);
      (void)waitpid(middle, nullptr, 0);
      std::printf("escaped=%d\n", static_cast<int>(escaped));
      flush(stdout);
    } else if (a == "--print-times") {
      print_times = true;
      std::printf("started=%lld\n", monotonic_ns());
      flush(stdout);
    } else if (a == "--err-lines") {
      const long n = to_long(next());
      for (long k = 1; k <= n; ++k) (void)std::fprintf(stderr, "err %ld\n", k);
      flush(stderr);
    } else if (a == "--final-lines") {
      final_lines = to_long(next());
    } else if (a == "--tick") {
      tick_ms = to_long(next());
    } else if (a == "--ignore-term") {
      (void)std::signal(SIGTERM, SIG_IGN);  // cannot fail for SIGTERM
    } else if (a == "--after") {
      after_ms = to_long(next());
    } else if (a == "--exit") {
      exit_code = static_cast<int>(to_long(next()));
    } else if (a == "--tag") {
      (void)next();  // only there to be seen in /proc/PID/cmdline
    } else if (a == "--write") {
      std::string text = next();
      for (size_t at = 0; (at = text.find("\\n", at)) != std::string::npos;) {
        text.replace(at, 2, "\n");
        ++at;
      }
      (void)std::fputs(text.c_str(), stdout);  // see flush()
      flush(stdout);
    } else if (a == "--wait-usr1") {
      int sig = 0;
      (void)sigwait(&usr1, &sig);  // only fails for an invalid set
    }
  }
  if (tick_ms > 0) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(after_ms);
    for (long k = 1; after_ms < 0 || std::chrono::steady_clock::now() < deadline; ++k) {
      std::printf("tick %ld\n", k);
      flush(stdout);
      std::this_thread::sleep_for(std::chrono::milliseconds(tick_ms));
    }
    after_ms = 0;
  }
  if (after_ms < 0) {
    for (;;) pause();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(after_ms));
  for (long k = 1; k <= final_lines; ++k) std::printf("final %ld\n", k);
  flush(stdout);
  if (print_times) {
    std::printf("exiting=%lld\n", monotonic_ns());
    flush(stdout);
  }
  return exit_code;
}
