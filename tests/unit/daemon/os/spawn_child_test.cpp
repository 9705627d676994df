// SPDX-License-Identifier: MIT
// spawn_cloned() with bgod's reserved slots (CLONE_VM, CLONE_FILES): what the program gets,
// the errors of a child that could not exec, and the slots back on /dev/null after each spawn.
#include "daemon/os/spawn_child.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/unique_fd.hpp"
#include "daemon/os/lean_clone.hpp"
#include "daemon/os/spawn_slots.hpp"

namespace bgo::daemon {
namespace {

std::string fd_target(pid_t pid, int fd) {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd),
                                       ec)
      .string();
}

// The value of `field` in /proc/PID/<file> ("SigIgn:\t0000..." -> "0000...").
std::string proc_field(pid_t pid, const std::string& file, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field, 0) == 0) {
      const auto at = line.find_first_not_of(" \t", field.size());
      return at == std::string::npos ? std::string() : line.substr(at);
    }
  }
  return {};
}

class LeanSpawnTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!lean_clone_available() || !clone_into_cgroup_supported()) GTEST_SKIP();
    ASSERT_TRUE(slots.usable());
    ASSERT_GT(slots.keep_below(), 0U);
  }
  void TearDown() override {
    if (pid > 0) {
      (void)::kill(pid, SIGKILL);
      (void)::waitpid(pid, nullptr, 0);
    }
  }

  Result<pid_t> spawn(std::vector<std::string> argv, std::string cwd = "/") {
    auto o = make_pipe();
    auto e = make_pipe();
    EXPECT_TRUE(o && e);
    out = std::move(o->read);
    err = std::move(e->read);
    ExecPlan plan{
        std::move(argv), {"PATH=/usr/bin:/bin"}, std::move(cwd), o->write.get(), e->write.get()};
    plan.nofile_soft = nofile_soft;
    plan.slots = &slots;
    auto spawned = spawn_cloned(plan, -1);
    if (spawned) pid = *spawned;
    return spawned;
  }

  // Every slot holds /dev/null again: bgod keeps no write end of the child's pipes.
  void expect_slots_back() {
    for (int fd : {slots.in(), slots.out(), slots.err()}) {
      EXPECT_EQ(fd_target(::getpid(), fd), "/dev/null") << "slot " << fd;
      EXPECT_EQ(::fcntl(fd, F_GETFD), FD_CLOEXEC) << "slot " << fd;
    }
  }

  SpawnSlots slots = SpawnSlots::reserve();
  std::uint64_t nofile_soft = 0;
  UniqueFd out;
  UniqueFd err;
  pid_t pid = 0;
};

TEST_F(LeanSpawnTest, TheProgramGetsOnlyNullInputItsPipesAFreshSessionAndDefaultSignals) {
  nofile_soft = 321;
  auto spawned = spawn({"/bin/sleep", "30"});
  ASSERT_TRUE(spawned) << spawned.error().message;
  expect_slots_back();
  std::vector<int> fds;
  for (const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    fds.push_back(std::stoi(entry.path().filename().string()));
  }
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(fd_target(pid, 0), "/dev/null");
  EXPECT_EQ(fd_target(pid, 1), fd_target(::getpid(), out.get()));
  EXPECT_EQ(fd_target(pid, 2), fd_target(::getpid(), err.get()));
  EXPECT_EQ(::getsid(pid), pid);
  EXPECT_EQ(proc_field(pid, "status", "SigBlk:"), "0000000000000000");
  EXPECT_EQ(proc_field(pid, "status", "SigIgn:"), "0000000000000000");
  EXPECT_EQ(proc_field(pid, "limits", "Max open files").substr(0, 3), "321");
  // Once it is gone, its pipes reach end of file: no write end was left in this process.
  ASSERT_EQ(::kill(pid, SIGKILL), 0);
  ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
  pid = 0;
  pollfd p{out.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  char c = 0;
  EXPECT_EQ(::read(out.get(), &c, 1), 0);
}

TEST_F(LeanSpawnTest, AChildThatCannotExecReportsWhyAndIsReaped) {
  auto missing = spawn({"/nonexistent/program"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().spawn, SpawnFailure::not_found);
  EXPECT_EQ(missing.error().message, "Command not found: /nonexistent/program");
  expect_slots_back();
  std::string plain = "/tmp/bgo-lean-spawn-XXXXXX";  // a file without execute permission
  const int fd = ::mkstemp(plain.data());
  ASSERT_GE(fd, 0);
  ::close(fd);
  auto denied = spawn({plain});
  std::filesystem::remove(plain);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().spawn, SpawnFailure::permission);
  auto cwd = spawn({"/bin/true"}, "/nonexistent-dir");
  ASSERT_FALSE(cwd);
  EXPECT_EQ(cwd.error().spawn, SpawnFailure::bad_cwd);
  EXPECT_NE(cwd.error().message.find("Working directory not usable: /nonexistent-dir"),
            std::string::npos)
      << cwd.error().message;
  expect_slots_back();
  // Each failed child was reaped by the spawn: none is left to wait for.
  EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST_F(LeanSpawnTest, OutputReachesThePipes) {
  auto spawned = spawn({"/bin/sh", "-c", "echo out; echo err >&2"});
  ASSERT_TRUE(spawned) << spawned.error().message;
  ASSERT_EQ(::waitpid(pid, nullptr, 0), pid);
  pid = 0;
  std::array<char, 16> buf{};
  pollfd p{out.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(std::string(buf.data(), static_cast<size_t>(::read(out.get(), buf.data(), buf.size()))),
            "out\n");
  p = {err.get(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  EXPECT_EQ(std::string(buf.data(), static_cast<size_t>(::read(err.get(), buf.data(), buf.size()))),
            "err\n");
}

}  // namespace
}  // namespace bgo::daemon
