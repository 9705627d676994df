// SPDX-License-Identifier: MIT
// Fault scenario 2 (issue #17): a full disk. BGO_HOME is on a small tmpfs mounted in a private
// mount namespace of this test process (so nothing outside sees it, and it goes with the
// process); skipped when the namespace or the mount is not permitted. Filled to the last byte:
// starts are refused with a clear error, running children keep running, earlier state files
// stay intact, bgod does not crash; once space is back, logging resumes and starts work again.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include "tests/fault/fault_support.hpp"

namespace bgo::test::fault {
namespace {

using namespace std::chrono_literals;

class DiskFullTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    disk_ = home_.parent_path() / "disk";
    std::filesystem::create_directories(disk_);
    // A mount namespace of our own: the tmpfs is invisible elsewhere and cannot outlive the
    // processes in it. unshare() needs root (or a user namespace) and a single thread.
    if (::unshare(CLONE_NEWNS) != 0) {
      GTEST_SKIP() << "cannot make a private mount namespace (unshare: " << std::strerror(errno)
                   << "): needs root";
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", disk_.c_str(), "tmpfs", 0, "size=24m,mode=0700") != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << ")";
    }
    mounted_ = true;
    home_ = disk_ / ".bgo";
  }

  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove(disk_ / "filler", ec);
    DaemonTest::TearDown();
    if (mounted_ && ::umount(disk_.c_str()) != 0) ::umount2(disk_.c_str(), MNT_DETACH);
    std::filesystem::remove_all(disk_.parent_path(), ec);
  }

  // Writes `filler` until the disk refuses: ENOSPC, to the last byte.
  int fill_disk() {
    const int fd = ::open((disk_ / "filler").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    const std::string block(size_t{64} * 1024, 'x');
    int result = ENOSPC;
    for (size_t size = block.size(); size > 0;) {
      if (::write(fd, block.data(), size) < 0) {
        if (errno != ENOSPC) {
          result = errno;
          break;
        }
        size /= 2;
      }
    }
    ::close(fd);
    return result;
  }

  std::string marker() const { return disk_.parent_path().string() + "/"; }

  std::filesystem::path disk_;
  bool mounted_ = false;
};

TEST_F(DiskFullTest, StartsAreRefusedChildrenRunStateStaysAndLoggingResumes) {
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  start_ok("ticker", {"--tag", marker() + "ticker", "--tick", "5"});
  start_ok("steady", {"--tag", marker() + "steady"});
  const pid_t daemon = daemon_pid();
  const std::vector<std::string> kept{"ticker", "steady"};
  std::vector<std::string> files_before;
  std::vector<pid_t> pids;
  for (const auto& name : kept) {
    files_before.push_back(read_file(home_ / "procs" / (name + ".json")));
    pids.push_back(static_cast<pid_t>(state(name).at("pid").as_int64()));
  }
  ASSERT_EQ(fill_disk(), ENOSPC);

  const RunResult refused =
      bgo_within(30s, {"start", "late", "--", bin("bgo_test_child"), "--tag", marker() + "late"});
  EXPECT_NE(refused.code, 0);
  EXPECT_TRUE(contains(refused.err, "No space left on device")) << refused.err;
  std::set<pid_t> late;
  EXPECT_TRUE(wait_until([&] { return (late = marked(marker() + "late", true)).empty(); }, 5s))
      << "a process whose state could not be written runs:" << describe(late);

  // Logging pauses on the full disk (at the reserve, before the state files' last bytes).
  const std::filesystem::path log = home_ / "logs" / "ticker.out.log";
  EXPECT_TRUE(wait_until([&] { return contains(read_file(log), "logging paused"); }, 10s));
  int alive = 0;
  int intact = 0;
  for (size_t i = 0; i < kept.size(); ++i) {
    alive += pid_alive(pids[i]) ? 1 : 0;
    intact += read_file(home_ / "procs" / (kept[i] + ".json")) == files_before[i] ? 1 : 0;
  }
  EXPECT_EQ(alive, 2);
  EXPECT_EQ(intact, 2);
  EXPECT_TRUE(pid_alive(daemon));
  const RunResult listed = bgo_within(30s, {"status"});
  EXPECT_EQ(listed.code, 0) << listed.err;

  std::filesystem::remove(disk_ / "filler");
  const bool resumed = wait_until(
      [&] {
        const std::string text = read_file(log);
        const size_t at = text.find("logging resumed: ");
        return at != std::string::npos && text.find("tick", at) != std::string::npos;
      },
      30s);
  EXPECT_TRUE(resumed) << read_file(log).substr(0, 2000);
  const RunResult late_start =
      bgo_within(30s, {"start", "late", "--", bin("bgo_test_child"), "--tag", marker() + "late"});
  EXPECT_EQ(late_start.code, 0) << late_start.err;
  EXPECT_EQ(daemon_pid(), daemon);
  EXPECT_TRUE(pid_alive(daemon));

  std::string error_line = refused.err.substr(0, refused.err.find('\n'));
  for (char& c : error_line) {
    if (c == ' ') c = '_';
  }
  figures(
      "disk_full",
      "start_refused=" + std::string(refused.code != 0 ? "yes" : "no") +
          " error=" + error_line.substr(0, 80) + " children_alive=" + std::to_string(alive) +
          "/2 state_files_intact=" + std::to_string(intact) +
          "/2 logging_resumed=" + (resumed ? "yes" : "no") +
          " start_after_space_back=" + (late_start.code == 0 ? "ok" : "failed") +
          " daemon_alive=" + (pid_alive(daemon) ? "yes" : "no") + " seconds=" +
          std::to_string(static_cast<int>(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count())));
}

}  // namespace
}  // namespace bgo::test::fault
