// SPDX-License-Identifier: MIT
// bgod under systemd (issue #8): socket activation through the real systemd-socket-activate,
// sd_notify readiness on a test NOTIFY_SOCKET, `bgo startup`/`unstartup` against a stand-in
// systemctl, and `systemd-analyze verify` of the units it writes.
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

extern char** environ;

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// The repository: BGO_SOURCE_DIR, not __FILE__ (Ninja compiles by a path relative to the
// build folder).
fs::path source_dir() { return {BGO_SOURCE_DIR}; }

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

void write_text(const fs::path& path, const std::string& text,
                fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
  std::ofstream(path, std::ios::binary) << text;
  fs::permissions(path, mode);
}

std::string find_program(const std::vector<std::string>& candidates) {
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) == 0) return c;
  }
  return {};
}

// Spawns `argv` with this environment plus `extra`, stdio on `log` (appended). Returns the pid.
pid_t spawn_logged(const std::vector<std::string>& argv, const std::vector<std::string>& extra,
                   const fs::path& log) {
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) env_s.emplace_back(*e);
  env_s.insert(env_s.end(), extra.begin(), extra.end());
  std::vector<char*> envp, args;
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_s = argv;
  for (auto& s : argv_s) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, args[0], &fa, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  EXPECT_EQ(rc, 0) << "cannot spawn " << argv[0];
  return rc == 0 ? pid : 0;
}

// Reaps `pid` (our child) once it has exited; false when it is still running after `timeout`.
bool reap(pid_t pid, std::chrono::milliseconds timeout = 10s) {
  int status = 0;
  return wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, timeout);
}

std::string exe_of(pid_t pid) {
  std::error_code ec;
  return fs::read_symlink("/proc/" + std::to_string(pid) + "/exe", ec).string();
}

bool can_connect(const fs::path& socket) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  (void)std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket.c_str());  // short path
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

class SystemdTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    base_ = home_.parent_path();
    standin_ = base_ / "standin";
    config_ = base_ / "config";
    fs::create_directories(standin_);
    // The stand-in systemctl: records every call, answers from marker files in its folder.
    write_text(standin_ / "systemctl", R"(#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/calls"
[ "$1" = --user ] && shift
case "$1" in
  show-environment)
    if [ -e "$dir/no-bus" ]; then echo "Failed to connect to bus: No medium found" >&2; exit 1; fi
    echo "HOME=$HOME" ;;
  is-active)
    if [ -e "$dir/active" ]; then echo active; exit 0; fi
    echo inactive; exit 3 ;;
  is-enabled)
    if [ -e "$dir/enabled" ]; then echo enabled; exit 0; fi
    echo disabled; exit 1 ;;
  enable)
    if [ -e "$dir/fail-enable" ]; then echo "Failed to enable unit: Access denied" >&2; exit 1; fi
    touch "$dir/enabled" ;;
  disable) rm -f "$dir/enabled" ;;
esac
exit 0
)",
               fs::perms::owner_all);
  }

  // bgo with the stand-in first on PATH and the unit folder under this test's directory.
  RunResult startup_bgo(const std::vector<std::string>& args,
                        std::map<std::string, std::string> env = {}) {
    env.emplace("PATH", standin_.string() + ":" + std::getenv("PATH"));
    env.emplace("XDG_CONFIG_HOME", config_.string());
    return bgo(args, env);
  }

  std::vector<std::string> calls() { return lines(read_file(standin_ / "calls")); }
  void forget_calls() { fs::remove(standin_ / "calls"); }
  fs::path unit_dir() const { return config_ / "systemd" / "user"; }
  static std::string real_bgod() { return fs::canonical(bin("bgod")).string(); }

  // The repo's unit files as `bgo startup` must write them for the default home.
  static std::string expected_service() {
    std::string text = read_file(source_dir() / "systemd" / "bgod.service");
    const size_t at = text.find("@BGOD@");
    if (at != std::string::npos) text.replace(at, 6, "\"" + real_bgod() + "\"");
    return text;
  }

  fs::path base_, standin_, config_;
};

TEST_F(SystemdTest, StartupInstallsTheUnitsForTheRealBgodAndUnstartupRemovesThem) {
  // Default home (BGO_HOME empty = unset) and no XDG_CONFIG_HOME: ~/.config/systemd/user.
  const fs::path user_home = base_ / "user";
  const fs::path dir = user_home / ".config" / "systemd" / "user";
  const std::map<std::string, std::string> env{
      {"BGO_HOME", ""}, {"HOME", user_home.string()}, {"XDG_CONFIG_HOME", ""}};
  RunResult r = startup_bgo({"startup"}, env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(calls(), (std::vector<std::string>{"--user show-environment", "--user daemon-reload",
                                               "--user enable --now bgod.socket bgod.service"}));
  // Byte for byte the repository's units, with the real path of the bgod beside this bgo.
  EXPECT_EQ(read_file(dir / "bgod.service"), expected_service());
  EXPECT_EQ(read_file(dir / "bgod.socket"), read_file(source_dir() / "systemd" / "bgod.socket"));
  EXPECT_TRUE(contains(r.out, "installed bgod.service and bgod.socket in " + dir.string()));
  EXPECT_TRUE(contains(r.out, real_bgod()));
  EXPECT_TRUE(contains(r.out, "loginctl enable-linger $USER") || contains(r.out, "linger is on"))
      << r.out;

  forget_calls();
  r = startup_bgo({"startup", "--status", "--json"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  const json::object st = json::parse(r.out).as_object();
  EXPECT_EQ(st.at("backend").as_string(), "systemd-user");
  EXPECT_TRUE(st.at("systemd").as_bool());
  EXPECT_TRUE(st.at("installed").as_bool());
  EXPECT_EQ(st.at("bgod").as_string(), real_bgod());
  EXPECT_EQ(st.at("unit_dir").as_string(), dir.string());
  EXPECT_EQ(st.at("service").at("enabled").as_string(), "enabled");
  EXPECT_EQ(st.at("socket").at("active").as_string(), "inactive");
  EXPECT_EQ(st.at("socket").at("path").as_string(), (dir / "bgod.socket").string());

  r = startup_bgo({"startup", "--status"}, env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(
      r.out, "✓ bgod.service  " + (dir / "bgod.service").string() + "  (enabled, inactive)"))
      << r.out;

  forget_calls();
  r = startup_bgo({"unstartup"}, env);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(calls(), (std::vector<std::string>{
                         "--user show-environment", "--user is-active bgod.service",
                         "--user disable --now bgod.socket bgod.service", "--user daemon-reload"}));
  EXPECT_FALSE(fs::exists(dir / "bgod.service"));
  EXPECT_FALSE(fs::exists(dir / "bgod.socket"));
  EXPECT_TRUE(contains(r.out, "removed bgod.service and bgod.socket")) << r.out;

  // Nothing installed: nothing to do, systemd is not even asked.
  forget_calls();
  r = startup_bgo({"unstartup"}, env);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "not installed")) << r.out;
  EXPECT_TRUE(calls().empty());
}

TEST_F(SystemdTest, ExplicitBgoHomeGoesIntoTheUnits) {
  RunResult r = startup_bgo({"startup"});  // the harness sets BGO_HOME
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string service = read_file(unit_dir() / "bgod.service");
  const std::string socket = read_file(unit_dir() / "bgod.socket");
  EXPECT_TRUE(contains(service, "\nEnvironment=\"BGO_HOME=" + home_.string() + "\"\nExecStart=\"" +
                                    real_bgod() + "\" --foreground\n"))
      << service;
  EXPECT_TRUE(contains(socket, "\nListenStream=" + (home_ / "bgo.sock").string() + "\n")) << socket;
}

TEST_F(SystemdTest, SystemdAnalyzeAcceptsTheUnits) {
  const std::string analyze = find_program({"/usr/bin/systemd-analyze", "/bin/systemd-analyze"});
  if (analyze.empty()) GTEST_SKIP() << "systemd-analyze is not installed";
  // Both forms: %h/.bgo (default home) and an explicit BGO_HOME.
  const fs::path user_home = base_ / "user";
  ASSERT_EQ(startup_bgo({"startup"}, {{"BGO_HOME", ""},
                                      {"HOME", user_home.string()},
                                      {"XDG_CONFIG_HOME", (base_ / "default").string()}})
                .code,
            0);
  ASSERT_EQ(startup_bgo({"startup"}).code, 0);
  // `--user` needs a runtime directory to build its manager; a container without a user
  // session has none, so the test provides one (verify loads units, it starts nothing).
  const fs::path runtime = base_ / "runtime";
  fs::create_directories(runtime);
  fs::permissions(runtime, fs::perms::owner_all);
  for (const fs::path& dir : {base_ / "default" / "systemd" / "user", unit_dir()}) {
    for (const std::string mode : {"--user", "--system"}) {
      const fs::path out = base_ / "verify.log";
      fs::remove(out);
      const pid_t pid = spawn_logged({analyze, mode, "verify", (dir / "bgod.service").string(),
                                      (dir / "bgod.socket").string()},
                                     {"XDG_RUNTIME_DIR=" + runtime.string()}, out);
      int status = 0;
      ASSERT_EQ(::waitpid(pid, &status, 0), pid);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << mode << " " << dir << ":\n"
                                                                 << read_file(out);
      // Warnings (unknown keys, bad values) do not change the exit code: require silence.
      EXPECT_EQ(read_file(out), "") << mode << " " << dir;
    }
  }
}

TEST_F(SystemdTest, NoUserManagerMeansNoInstall) {
  write_text(standin_ / "no-bus", "");
  RunResult r = startup_bgo({"startup"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "systemd user instance is not available")) << r.err;
  EXPECT_TRUE(contains(r.err, "No medium found")) << r.err;
  EXPECT_TRUE(contains(r.err, "nothing was installed")) << r.err;
  EXPECT_EQ(calls(), std::vector<std::string>{"--user show-environment"});
  EXPECT_FALSE(fs::exists(unit_dir() / "bgod.service"));
  EXPECT_FALSE(fs::exists(unit_dir() / "bgod.socket"));

  r = startup_bgo({"startup", "--status", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json::object st = json::parse(r.out).as_object();
  EXPECT_FALSE(st.at("systemd").as_bool());
  EXPECT_TRUE(contains(std::string(st.at("systemd_error").as_string()), "No medium found"));
  EXPECT_FALSE(st.at("installed").as_bool());
  EXPECT_TRUE(st.at("service").at("enabled").is_null());
}

TEST_F(SystemdTest, FailedEnableRestoresWhatWasThere) {
  fs::create_directories(unit_dir());
  const std::string old_service = "[Service]\nExecStart=/old/bgod\n";
  write_text(unit_dir() / "bgod.service", old_service);
  write_text(standin_ / "fail-enable", "");
  RunResult r = startup_bgo({"startup"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "enable failed: Failed to enable unit: Access denied")) << r.err;
  EXPECT_EQ(read_file(unit_dir() / "bgod.service"), old_service);
  EXPECT_FALSE(fs::exists(unit_dir() / "bgod.socket"));
  EXPECT_EQ(calls(), (std::vector<std::string>{"--user show-environment", "--user daemon-reload",
                                               "--user enable --now bgod.socket bgod.service",
                                               "--user disable --now bgod.socket bgod.service",
                                               "--user daemon-reload"}));
}

TEST_F(SystemdTest, AutostartInstallUninstallStatusAreAliases) {
  RunResult r = startup_bgo({"autostart", "install"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(unit_dir() / "bgod.service"));
  r = startup_bgo({"autostart", "status", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out).as_object().at("installed").as_bool());
  r = startup_bgo({"autostart", "install", "--tray"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "no tray icon")) << r.err;
  r = startup_bgo({"autostart", "uninstall"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(fs::exists(unit_dir() / "bgod.service"));
}

// A bgod that bgo started itself would block systemd's: startup stops it, and the next bgod
// (systemd's, here a plain client start) brings the processes back.
TEST_F(SystemdTest, StartupHandsARunningBgodOverToSystemd) {
  start_ok("web", {});
  const pid_t old_daemon = daemon_pid();
  ASSERT_TRUE(pid_alive(old_daemon));
  const pid_t old_child = static_cast<pid_t>(row("web")->at("pid").as_int64());
  RunResult r = startup_bgo({"startup"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(
      r.out, "stopping the bgod started outside systemd (PID " + std::to_string(old_daemon) + ")"))
      << r.out;
  // startup waited for bgod.lock to be free; the process itself exits right after.
  EXPECT_TRUE(wait_until([&] { return !pid_alive(old_daemon); }));
  EXPECT_FALSE(pid_alive(old_child));
  EXPECT_EQ(state("web").at("stop_reason").as_string(), "daemon");
  const auto c = calls();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[2], "--user is-active bgod.service");
  EXPECT_EQ(c[3], "--user enable --now bgod.socket bgod.service");
  // The next bgod resurrects it.
  ASSERT_TRUE(wait_until([&] {
    auto w = row("web");
    return w && w->at("status").as_string() == "online";
  }));
  EXPECT_NE(daemon_pid(), old_daemon);
}

// The socket as systemd passes it: systemd-socket-activate binds it and starts bgod only when
// the first client connects; bgod serves that client on the passed socket and starts the
// processes its autostart policies ask for.
TEST_F(SystemdTest, SocketActivationStartsBgodOnTheFirstConnection) {
  const std::string activate =
      find_program({"/usr/bin/systemd-socket-activate", "/usr/lib/systemd/systemd-socket-activate",
                    "/lib/systemd/systemd-socket-activate"});
  if (activate.empty()) GTEST_SKIP() << "systemd-socket-activate is not installed";
  start_ok("always", {}, {"--autostart", "always"});
  start_ok("usual", {});  // unless-stopped
  start_ok("never", {}, {"--autostart", "never"});
  start_ok("stopped", {});
  ASSERT_EQ(bgo({"stop", "stopped"}).code, 0);
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  ASSERT_FALSE(fs::exists(home_ / "bgo.sock"));

  const std::map<std::string, std::string> no_autostart{{"BGO_NO_AUTOSTART", "1"}};
  const pid_t pid = spawn_logged({activate, "-l", (home_ / "bgo.sock").string(), "-E",
                                  "BGO_HOME=" + home_.string(), bin("bgod"), "--foreground"},
                                 {}, base_ / "activate.log");
  ASSERT_GT(pid, 0);
  extra_pids_.push_back(pid);
  ASSERT_TRUE(wait_until([&] { return contains(read_file(base_ / "activate.log"), "Listening"); }))
      << read_file(base_ / "activate.log");
  EXPECT_TRUE(contains(exe_of(pid), "systemd-socket-activate")) << "bgod started too early";

  RunResult r = bgo({"status", "--json"}, no_autostart);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");  // served by bgod, not read from the files
  // systemd-socket-activate execs bgod in place: the same pid.
  EXPECT_EQ(exe_of(pid), fs::canonical(bin("bgod")).string());
  EXPECT_EQ(daemon_pid(), pid);
  auto status_of = [&](const std::string& name) {
    auto w = row(name);
    return w ? std::string(w->at("status").as_string()) : std::string("missing");
  };
  EXPECT_TRUE(wait_until([&] { return status_of("always") == "online"; }));
  EXPECT_TRUE(wait_until([&] { return status_of("usual") == "online"; }));
  EXPECT_EQ(status_of("never"), "stopped");
  EXPECT_EQ(status_of("stopped"), "stopped");

  r = bgo({"daemon", "stop"}, no_autostart);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(reap(pid));
  // The socket belongs to systemd: bgod must not remove it on the way out.
  struct stat sb {};
  EXPECT_EQ(::lstat((home_ / "bgo.sock").c_str(), &sb), 0);
  EXPECT_TRUE(S_ISSOCK(sb.st_mode));
}

// sd_notify: READY=1 only when the socket accepts (and the resurrected processes are started),
// STOPPING=1 when shutting down.
TEST_F(SystemdTest, NotifiesReadyAfterTheSocketListensAndStoppingOnShutdown) {
  start_ok("one", {});
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);

  const fs::path notify = base_ / "notify.sock";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  (void)std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", notify.c_str());  // short path
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto next_message = [&]() -> std::string {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return "(timeout)";
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "(error)";
  };

  const pid_t pid = spawn_logged({bin("bgod"), "--foreground"},
                                 {"BGO_HOME=" + home_.string(), "NOTIFY_SOCKET=" + notify.string()},
                                 home_ / "bgod.log");
  ASSERT_GT(pid, 0);
  extra_pids_.push_back(pid);
  const std::string ready = next_message();
  // The first message is READY, and at that moment the socket already accepts.
  const bool accepts = can_connect(home_ / "bgo.sock");
  EXPECT_EQ(ready, "READY=1\nSTATUS=supervising 1 process(es), 1 running");
  EXPECT_TRUE(accepts);
  auto one = row("one");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->at("status").as_string(), "online");

  RunResult r = bgo({"daemon", "stop"}, {{"BGO_NO_AUTOSTART", "1"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(next_message(), "STOPPING=1\nSTATUS=shutting down: stopping 1 process(es)");
  EXPECT_TRUE(reap(pid));
  ::close(fd);
}

// Live upgrade (issue #17) of a socket-activated bgod with Type=notify: the same pid (systemd's
// MAINPID), RELOADING=1 then READY=1, the socket systemd passed handed over and never removed.
TEST_F(SystemdTest, UpgradeKeepsTheActivatedSocketAndNotifiesReloadingThenReady) {
  const std::string activate =
      find_program({"/usr/bin/systemd-socket-activate", "/usr/lib/systemd/systemd-socket-activate",
                    "/lib/systemd/systemd-socket-activate"});
  if (activate.empty()) GTEST_SKIP() << "systemd-socket-activate is not installed";
  start_ok("one", {"--tick", "50"});
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);

  const fs::path notify = base_ / "notify.sock";
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  (void)std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", notify.c_str());  // short path
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto next_message = [&]() -> std::string {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20000) != 1) return "(timeout)";
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "(error)";
  };

  const std::map<std::string, std::string> no_autostart{{"BGO_NO_AUTOSTART", "1"}};
  const pid_t pid = spawn_logged(
      {activate, "-l", (home_ / "bgo.sock").string(), "-E", "BGO_HOME=" + home_.string(), "-E",
       "NOTIFY_SOCKET=" + notify.string(), bin("bgod"), "--foreground"},
      {}, base_ / "activate.log");
  ASSERT_GT(pid, 0);
  extra_pids_.push_back(pid);
  ASSERT_TRUE(wait_until([&] { return contains(read_file(base_ / "activate.log"), "Listening"); }))
      << read_file(base_ / "activate.log");
  ASSERT_EQ(bgo({"status"}, no_autostart).code, 0);
  EXPECT_TRUE(contains(next_message(), "READY=1"));
  EXPECT_EQ(daemon_pid(), pid);

  RunResult r = bgo_within(60s, {"daemon", "upgrade"}, no_autostart);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const std::string reloading = next_message();
  EXPECT_TRUE(reloading.starts_with("RELOADING=1\nMONOTONIC_USEC=")) << reloading;
  EXPECT_EQ(next_message(), "READY=1\nSTATUS=supervising 1 process(es), 1 running");
  EXPECT_EQ(daemon_pid(), pid);
  auto one = row("one");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->at("status").as_string(), "online");

  r = bgo({"daemon", "stop"}, no_autostart);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(next_message(), "STOPPING=1"));
  EXPECT_TRUE(reap(pid));
  // Still systemd's socket after the upgrade: not removed on the way out.
  struct stat sb {};
  EXPECT_EQ(::lstat((home_ / "bgo.sock").c_str(), &sb), 0);
  EXPECT_TRUE(S_ISSOCK(sb.st_mode));
  ::close(fd);
}

}  // namespace
}  // namespace bgo::test
