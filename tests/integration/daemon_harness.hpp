// SPDX-License-Identifier: MIT
// Integration harness: a fresh BGO_HOME per test, the real bgo/bgod binaries, and teardown
// that kills (by pid) everything the test started, even when it fails.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <boost/json/value.hpp>
#include <gtest/gtest.h>

#include "tests/support/wait_until.hpp"

namespace bgo::test {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
  bool timed_out = false;  // still running at the limit: killed (and a test failure added)
};

std::string bin(const std::string& name);  // path of a built binary
bool pid_alive(pid_t pid);                 // exists and is not a zombie
std::string read_file(const std::filesystem::path& path);
// This process's environment for a bgo or bgod of `home`: BGO_HOME set, BGO_NO_AUTOSTART gone.
std::vector<std::string> env_with_home(const std::filesystem::path& home);
inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class DaemonTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs bgo with `args` in this test's home; `env` adds/overrides variables.
  RunResult bgo(const std::vector<std::string>& args,
                const std::map<std::string, std::string>& env = {},
                const std::string& stdin_text = "", const std::string& cwd = "");
  // The same, killed (SIGKILL) if it has not exited within `limit`: for calls that might hang.
  RunResult bgo_within(std::chrono::milliseconds limit, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {},
                       const std::string& stdin_text = "", const std::string& cwd = "");
  // Any program (`program_args[0]` an absolute path) with the environment bgo() gives bgo:
  // this test's home, `env` over it.
  RunResult run_within(std::chrono::milliseconds limit,
                       const std::vector<std::string>& program_args,
                       const std::map<std::string, std::string>& env = {},
                       const std::string& stdin_text = "", const std::string& cwd = "");
  // `bgo status --json` parsed (array).
  boost::json::value status_json();
  std::optional<boost::json::object> row(const std::string& name);
  boost::json::object state(const std::string& name);  // procs/<name>.json
  pid_t daemon_pid();                                  // from bgod.pid, 0 when absent
  // Kills the running bgod with SIGKILL (no shutdown, no last state writes) and waits until
  // it is gone; its pid.
  pid_t crash_daemon();
  // The pid of `name` when its row says online, else 0.
  pid_t online_pid(const std::string& name);
  std::vector<std::string> child(std::vector<std::string> args);  // test_child argv
  void start_ok(const std::string& name, const std::vector<std::string>& child_args,
                std::vector<std::string> opts = {});

  std::filesystem::path home_;
  std::vector<pid_t> extra_pids_;  // killed in teardown
};

}  // namespace bgo::test
