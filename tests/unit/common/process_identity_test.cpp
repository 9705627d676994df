// SPDX-License-Identifier: MIT
// Tests for identify(): every rule, on a fake /proc.
#include "common/process_identity.hpp"

#include <map>

#include <gtest/gtest.h>

namespace bgo {
namespace {

class FakeProc final : public ProcReader {
 public:
  std::optional<ProcStat> stat(pid_t pid) const override {
    auto it = stats.find(pid);
    if (it == stats.end()) return std::nullopt;
    return it->second;
  }
  std::string lstart(uint64_t start_ticks) const override {
    return "lstart-" + std::to_string(start_ticks);
  }
  std::vector<std::string> cmdline(pid_t pid) const override {
    auto it = cmdlines.find(pid);
    return it == cmdlines.end() ? std::vector<std::string>{} : it->second;
  }
  void add(pid_t pid, uint64_t ticks, char state = 'S') {
    ProcStat st;
    st.state = state;
    st.start_ticks = ticks;
    stats[pid] = st;
  }
  std::map<pid_t, ProcStat> stats;
  std::map<pid_t, std::vector<std::string>> cmdlines;
};

ProcessRecord record_with_pid(int64_t pid) {
  ProcessRecord r;
  r.name = "web";
  r.pid = pid;
  r.command = {"python3", "-m", "http.server"};
  return r;
}

TEST(ProcessIdentity, NoPidOrGoneIsNotTheProcess) {
  FakeProc proc;
  ProcessRecord r = record_with_pid(0);
  EXPECT_FALSE(identify(r, proc));
  r.pid.reset();
  EXPECT_FALSE(identify(r, proc));
  r.pid = 42;
  r.start_ticks = 7;
  EXPECT_FALSE(identify(r, proc));  // no such process
}

TEST(ProcessIdentity, ZombieIsNotAlive) {
  FakeProc proc;
  proc.add(42, 7, 'Z');
  ProcessRecord r = record_with_pid(42);
  r.start_ticks = 7;
  EXPECT_FALSE(identify(r, proc));
}

TEST(ProcessIdentity, StartTicksMustMatch) {
  FakeProc proc;
  proc.add(42, 7);
  ProcessRecord r = record_with_pid(42);
  r.start_ticks = 7;
  EXPECT_EQ(identify(r, proc), 7u);
  r.start_ticks = 8;  // the pid was recycled
  EXPECT_FALSE(identify(r, proc));
}

TEST(ProcessIdentity, StartTicksWinOverPidStart) {
  FakeProc proc;
  proc.add(42, 7);
  ProcessRecord r = record_with_pid(42);
  r.start_ticks = 8;
  r.pid_start = "lstart-7";  // would match, but bgod's own token decides
  EXPECT_FALSE(identify(r, proc));
}

TEST(ProcessIdentity, PythonFileComparesTheLstartText) {
  FakeProc proc;
  proc.add(42, 7);
  ProcessRecord r = record_with_pid(42);
  r.pid_start = "lstart-7";
  EXPECT_EQ(identify(r, proc), 7u);
  r.pid_start = "lstart-6";  // recycled
  EXPECT_FALSE(identify(r, proc));
}

TEST(ProcessIdentity, OldFileNeedsTheRecordedCommandAtTheEndOfCmdline) {
  FakeProc proc;
  proc.add(42, 7);
  ProcessRecord r = record_with_pid(42);
  r.command = {"./serve.sh", "--port", "80"};
  proc.cmdlines[42] = {"/bin/sh", "./serve.sh", "--port", "80"};  // interpreter first
  EXPECT_EQ(identify(r, proc), 7u);
  proc.cmdlines[42] = {"/usr/bin/vim", "notes.txt"};  // recycled by something else
  EXPECT_FALSE(identify(r, proc));
  proc.cmdlines[42] = {};  // unreadable
  EXPECT_FALSE(identify(r, proc));
  r.command.clear();  // nothing to compare with: never "the same"
  proc.cmdlines[42] = {"x"};
  EXPECT_FALSE(identify(r, proc));
}

TEST(ProcessIdentity, RunsCommand) {
  EXPECT_TRUE(runs_command({"a", "b"}, {"a", "b"}));
  EXPECT_TRUE(runs_command({"sh", "a", "b"}, {"a", "b"}));
  EXPECT_FALSE(runs_command({"b"}, {"a", "b"}));
  EXPECT_FALSE(runs_command({"a", "b", "c"}, {"a", "b"}));
  EXPECT_FALSE(runs_command({"a"}, {}));
}

TEST(ProcessIdentity, SystemReaderKnowsThisProcess) {
  ProcessRecord r = record_with_pid(::getpid());
  const auto st = read_proc_stat(::getpid());
  ASSERT_TRUE(st);
  r.start_ticks = st->start_ticks;
  EXPECT_EQ(identify(r), st->start_ticks);
  r.start_ticks.reset();
  r.pid_start = lstart_from_ticks(st->start_ticks);
  EXPECT_EQ(identify(r), st->start_ticks);
}

}  // namespace
}  // namespace bgo
