// SPDX-License-Identifier: MIT
// bgo on a pseudo-terminal (stdin and stdout the tty) for the integration tests of what only a
// terminal shows: menus, prompts, colour, the status table cut to the screen, status -w.
#pragma once

#include <chrono>
#include <map>
#include <poll.h>
#include <pty.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <string>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/wait_until.hpp"

extern char** environ;

namespace bgo::test {

// A bgo run on a pseudo-terminal (stdin and stdout are the tty), driven by a script of
// "wait for this output, then type that".
struct PtyStep {
  std::string wait_for;
  std::string type;
};

class PtyTest : public DaemonTest {
 protected:
  std::vector<std::string> env_strings(const std::map<std::string, std::string>& extra) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; *e; ++e) {
      std::string kv(*e);
      const size_t eq = kv.find('=');
      if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    vars["BGO_HOME"] = home_.string();
    for (const char* k :
         {"BGO_NO_AUTOSTART", "COLUMNS", "LINES", "BGO_TABLE", "NO_COLOR", "LC_ALL", "LC_CTYPE"}) {
      vars.erase(k);
    }
    vars["TERM"] = "xterm";
    vars["LANG"] = "C.UTF-8";
    for (const auto& [k, v] : extra) vars[k] = v;
    std::vector<std::string> out;
    out.reserve(vars.size());
    for (const auto& [k, v] : vars) out.push_back(std::string(k).append("=").append(v));
    return out;
  }

  RunResult pty(const std::vector<std::string>& args, const std::vector<PtyStep>& steps,
                const std::map<std::string, std::string>& env = {}, unsigned short columns = 80,
                unsigned short rows = 40) {
    std::vector<std::string> argv_s{bin("bgo")};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    return pty_argv(argv_s, steps, env, columns, rows);
  }

  // Any program (argv[0] a path) on the terminal.
  RunResult pty_argv(std::vector<std::string> argv_s, const std::vector<PtyStep>& steps,
                     const std::map<std::string, std::string>& env = {},
                     unsigned short columns = 80, unsigned short rows = 40) {
    std::vector<std::string> env_s = env_strings(env);
    std::vector<char*> envp;
    envp.reserve(env_s.size() + 1);
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<char*> argv;
    argv.reserve(argv_s.size() + 1);
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    winsize ws{};
    ws.ws_row = rows;
    ws.ws_col = columns;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
    if (pid == 0) {
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    RunResult r;
    if (pid < 0) {
      ADD_FAILURE() << "forkpty failed";
      return r;
    }
    extra_pids_.push_back(pid);
    size_t step = 0;
    size_t searched_from = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (step < steps.size()) {
        const size_t at = r.out.find(steps[step].wait_for, searched_from);
        if (at != std::string::npos) {
          searched_from = at + steps[step].wait_for.size();
          const std::string& keys = steps[step].type;
          EXPECT_EQ(::write(master, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
          ++step;
          continue;
        }
      }
      pollfd fd{master, POLLIN, 0};
      if (::poll(&fd, 1, 200) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the child closed the terminal (exited)
      r.out.append(buf, static_cast<size_t>(n));
    }
    EXPECT_EQ(step, steps.size()) << "pty output so far:\n" << r.out;
    // The terminal closes as bgo exits; reaping may lag a moment behind.
    int status = 0;
    if (!wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; },
                    std::chrono::seconds(5))) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      ADD_FAILURE() << "bgo did not exit:\n" << r.out;
    }
    ::close(master);
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
  }
};

}  // namespace bgo::test
