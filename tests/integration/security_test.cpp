// SPDX-License-Identifier: MIT
// Trust on disk (issue #12): a home others can write is refused, state files of another user
// are never loaded, symlinks under the home are never followed, and logs stop at the reserve
// so state files can still be written on a full disk.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Starts `args` with BGO_HOME=`home`, stdin /dev/null, stdout+stderr into `out` (a path outside
// the home). Returns its pid (0 on failure).
pid_t spawn_with_home(const std::vector<std::string>& args, const fs::path& home,
                      const fs::path& out) {
  std::vector<std::string> env = env_with_home(home);
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  return rc == 0 ? pid : 0;
}

struct Exit {
  int code = -1;  // -1: still running at the deadline (then killed)
  std::string out;
};

// Runs bgod in `home` to its exit (a refusing bgod exits at once), 10 s at most.
Exit run_bgod_to_exit(const fs::path& home, const fs::path& scratch) {
  const fs::path out = scratch / "bgod.out";
  const pid_t pid = spawn_with_home({bin("bgod"), "--foreground"}, home, out);
  Exit e;
  if (pid == 0) return e;
  int status = 0;
  const bool exited = wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 10s);
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  } else {
    e.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  e.out = read_file(out);
  return e;
}

// Creates `home` with procs/ and logs/ at the given modes (owned by us).
void make_home(const fs::path& home, mode_t home_mode, mode_t sub_mode) {
  fs::create_directories(home);
  ::chmod(home.c_str(), home_mode);
  for (const char* sub : {"procs", "logs"}) {
    fs::create_directory(home / sub);
    ::chmod((home / sub).c_str(), sub_mode);
  }
}

// Writes procs/NAME.json as another user would have (an autostart record bgod would run).
void plant_state_file(const fs::path& file, const std::string& name,
                      const std::vector<std::string>& command) {
  boost::json::array cmd;
  for (const auto& a : command) cmd.emplace_back(a);
  boost::json::object o{{"name", name},          {"command", cmd},
                        {"status", "stopped"},   {"stop_reason", "crashed"},
                        {"autostart", "always"}, {"pid", nullptr}};
  std::ofstream(file) << boost::json::serialize(o);
}

class SecurityTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    scratch_ = home_.parent_path();
  }
  const fs::path& scratch() const { return scratch_; }  // outside the home, ours
  fs::path scratch_;
};

// The repro: a home with world-writable procs/ and logs/ and a state file written by
// uid 65534. Neither bgod nor the autostarting client may use it.
TEST_F(SecurityTest, WorldWritableHomeIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root (setpriv to uid 65534)";
  ::chmod(scratch().c_str(), 0711);
  make_home(home_, 0755, 0777);
  const fs::path evil = home_ / "procs" / "evil.json";
  plant_state_file(scratch() / "evil.tmp", "evil", child({"--after", "60000"}));
  ::chmod((scratch() / "evil.tmp").c_str(), 0644);
  // Written by uid 65534 itself, as in the issue (procs/ is 0777).
  const pid_t cp =
      spawn_with_home({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                       "/bin/cp", (scratch() / "evil.tmp").string(), evil.string()},
                      home_, scratch() / "cp.out");
  ASSERT_GT(cp, 0);
  int status = 0;
  ASSERT_TRUE(wait_until([&] { return ::waitpid(cp, &status, WNOHANG) == cp; }));
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << read_file(scratch() / "cp.out");
  struct stat st {};
  ASSERT_EQ(::stat(evil.c_str(), &st), 0);
  ASSERT_EQ(st.st_uid, 65534u);
  ASSERT_TRUE(fs::exists(evil));

  const Exit daemon = run_bgod_to_exit(home_, scratch());
  EXPECT_EQ(daemon.code, 1) << daemon.out;
  EXPECT_NE(daemon.out.find((home_ / "procs").string()), std::string::npos) << daemon.out;
  EXPECT_NE(daemon.out.find("0777"), std::string::npos) << daemon.out;

  // Through autostart: the client refuses before starting bgod and says why.
  RunResult r = bgo({"status"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE((r.out + r.err).find("writable by group or others (mode 0777)"), std::string::npos)
      << r.out << r.err;
  EXPECT_EQ(daemon_pid(), 0);
  // Nothing ran it: the planted file was never rewritten with a pid.
  EXPECT_FALSE(state("evil").contains("pid") && state("evil").at("pid").is_int64());
}

TEST_F(SecurityTest, HomeOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  make_home(home_, 0700, 0700);
  ASSERT_EQ(::chown(home_.c_str(), 65534, 65534), 0);
  const Exit daemon = run_bgod_to_exit(home_, scratch());
  EXPECT_EQ(daemon.code, 1) << daemon.out;
  EXPECT_NE(daemon.out.find("owned by uid 65534"), std::string::npos) << daemon.out;
  ::chown(home_.c_str(), 0, 0);  // so teardown can clean up as usual
}

// State files that are not ours, or writable by others, are skipped with a warning in
// bgod.log and in the status footer, by bgod and by the offline client alike.
TEST_F(SecurityTest, ForeignStateFilesAreSkippedNotRun) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  make_home(home_, 0700, 0700);
  plant_state_file(home_ / "procs" / "evil.json", "evil", child({"--after", "60000"}));
  ASSERT_EQ(::chown((home_ / "procs" / "evil.json").c_str(), 65534, 65534), 0);
  plant_state_file(home_ / "procs" / "open.json", "open", child({"--after", "60000"}));
  ::chmod((home_ / "procs" / "open.json").c_str(), 0666);

  RunResult offline = bgo({"status"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_NE(offline.err.find("evil.json"), std::string::npos) << offline.err;
  EXPECT_NE(offline.err.find("owned by uid 65534"), std::string::npos) << offline.err;
  EXPECT_NE(offline.err.find("open.json"), std::string::npos) << offline.err;
  EXPECT_EQ(offline.out.find("evil"), std::string::npos) << offline.out;

  RunResult r = bgo({"status"});
  EXPECT_NE(r.err.find("evil.json"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.err.find("writable by group or others"), std::string::npos) << r.err;
  EXPECT_FALSE(row("evil"));
  EXPECT_FALSE(row("open"));
  const std::string log = read_file(home_ / "bgod.log");
  EXPECT_NE(log.find("evil.json was skipped"), std::string::npos) << log;
  // Never started: neither file got a pid.
  EXPECT_FALSE(state("evil").at("pid").is_int64());
  EXPECT_FALSE(state("open").at("pid").is_int64());
}

// The repro: logs/v.out.log planted as a symlink. The start is refused with the
// reason, the victim is untouched (by the start and by a flush), and bgod keeps running.
TEST_F(SecurityTest, SymlinkedLogRefusesTheStartAndIsNeverFollowed) {
  make_home(home_, 0700, 0700);
  const fs::path victim = scratch() / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, home_ / "logs" / "v.out.log");
  RunResult r =
      bgo({"start", "v", "--", bin("bgo_test_child"), "--lines", "3", "--after", "60000"});
  EXPECT_NE(r.code, 0) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("v.out.log"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("symbolic link"), std::string::npos) << r.out << r.err;
  (void)bgo({"flush", "v"});
  EXPECT_EQ(read_file(victim), "precious\n");
  EXPECT_TRUE(fs::is_symlink(home_ / "logs" / "v.out.log"));
  ASSERT_GT(daemon_pid(), 0);
  EXPECT_TRUE(pid_alive(daemon_pid()));
  // Another process still starts and logs normally.
  start_ok("w", {"--lines", "2", "--after", "60000"});
  EXPECT_TRUE(wait_until(
      [&] { return read_file(home_ / "logs" / "w.out.log").find("line 2") != std::string::npos; }));
}

TEST_F(SecurityTest, SymlinkedLockIsRefused) {
  make_home(home_, 0700, 0700);
  const fs::path victim = scratch() / "victim.lock";
  fs::create_symlink(victim, home_ / "bgod.lock");
  const Exit daemon = run_bgod_to_exit(home_, scratch());
  EXPECT_EQ(daemon.code, 1) << daemon.out;
  EXPECT_NE(daemon.out.find("bgod.lock"), std::string::npos) << daemon.out;
  EXPECT_NE(daemon.out.find("symbolic link"), std::string::npos) << daemon.out;
  EXPECT_FALSE(fs::exists(victim));
}

TEST_F(SecurityTest, SymlinkedDaemonLogIsNeverAppendedTo) {
  make_home(home_, 0700, 0700);
  const fs::path victim = scratch() / "victim.log";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, home_ / "bgod.log");
  RunResult r = bgo({"status"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("bgod.log"), std::string::npos) << r.err;
  EXPECT_EQ(read_file(victim), "precious\n");
  EXPECT_EQ(daemon_pid(), 0);
}

// Disk full (#12.4): on a 4 MiB tmpfs a flooding child fills the logs up to the reserve, not
// further: a state file can still be written, and logging resumes once space is freed.
class ReserveTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    mount_ = scratch() / "disk";  // the harness's cleanup empties it (home_ is inside)
    fs::create_directories(mount_);
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=4m,mode=0700") != 0) {
      mounted_ = false;
      GTEST_SKIP() << "cannot mount a tmpfs (" << std::strerror(errno) << "): needs root";
    }
    mounted_ = true;
    home_ = mount_ / "home";
  }
  void TearDown() override {
    SecurityTest::TearDown();  // stops bgod and the children, removes the scratch folder
    if (mounted_) {
      ::umount2(mount_.c_str(), MNT_DETACH);
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    }
  }
  uint64_t free_bytes() {
    struct statvfs v {};
    return ::statvfs(mount_.c_str(), &v) == 0 ? v.f_bavail * v.f_frsize : 0;
  }
  fs::path mount_;
  bool mounted_ = false;
};

TEST_F(ReserveTest, LogsPauseAtTheReserveAndResume) {
  make_home(home_, 0700, 0700);
  // 1 MiB that the test frees later.
  {
    std::ofstream filler(mount_ / "filler", std::ios::binary);
    const std::string block(std::size_t{64} << 10, 'x');
    for (int i = 0; i < 16; ++i) filler << block;
  }
  const pid_t daemon =
      spawn_with_home({bin("bgod"), "--log-reserve", "1M"}, home_, scratch() / "bgod.out");
  ASSERT_GT(daemon, 0);
  extra_pids_.push_back(daemon);
  ASSERT_TRUE(wait_until([&] { return fs::exists(home_ / "bgo.sock"); }));

  // ~3.5 MB of lines, then a tick every millisecond forever.
  start_ok("flood", {"--flood", "300000", "--tick", "1"});
  const fs::path log = home_ / "logs" / "flood.out.log";
  ASSERT_TRUE(wait_until(
      [&] { return read_file(log).find("logging paused: less than 1M free") != std::string::npos; },
      30s))
      << "free: " << free_bytes();
  // Paused before the reserve was taken (a marker line or two may go past it).
  EXPECT_GE(free_bytes(), 1024u * 1024 - 4096) << free_bytes();

  // A state file can still be written.
  start_ok("other", {"--after", "60000"});
  EXPECT_TRUE(state("other").at("pid").is_int64());

  fs::remove(mount_ / "filler");
  EXPECT_TRUE(wait_until(
      [&] {
        const std::string text = read_file(log);
        return text.find("logging resumed: ") != std::string::npos &&
               text.find(" bytes dropped ===") != std::string::npos;
      },
      30s));
  const std::string text = read_file(log);
  const size_t resumed = text.find("logging resumed: ");
  ASSERT_NE(resumed, std::string::npos);
  EXPECT_GT(std::strtoll(text.c_str() + resumed + std::strlen("logging resumed: "), nullptr, 10),
            0);
  EXPECT_TRUE(wait_until([&] {  // output flows again
    return read_file(log).find("tick", read_file(log).find("logging resumed")) != std::string::npos;
  }));
  RunResult stop = bgo({"daemon", "stop"});
  EXPECT_EQ(stop.code, 0) << stop.err;
}

}  // namespace
}  // namespace bgo::test
