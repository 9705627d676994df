// SPDX-License-Identifier: MIT
// Live upgrade (issue #17): `bgo daemon upgrade` re-executes bgod in place. Same pid, the same
// children (still its own: exit codes recorded), no log line lost or doubled, no client call
// failed; a binary that cannot take over is refused and the old bgod goes on, or, refusing
// the hand-over after the exec, execs the old image back.
#include <atomic>
#include <fstream>
#include <iostream>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill()
#include <sstream>
#include <sys/stat.h>
#include <thread>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class UpgradeTest : public DaemonTest {
 protected:
  json::object daemon_status() {
    RunResult r = bgo({"daemon", "status", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    json::error_code ec;
    json::value v = json::parse(r.out, ec);
    return !ec && v.is_object() ? v.as_object() : json::object{};
  }

  pid_t online_pid(const std::string& name) {
    auto r = row(name);
    if (!r || r->at("status").as_string() != "online") return 0;
    return static_cast<pid_t>(r->at("pid").as_int64());
  }

  // The numbers of the "tick N" lines of `name`'s stdout log, in order.
  std::vector<long> ticks(const std::string& name) {
    std::vector<long> out;
    std::string text = read_file(home_ / "logs" / (name + ".out.log"));
    text.erase(text.rfind('\n') + 1);  // a line still being written is not a line yet
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("tick ", 0) == 0) out.push_back(std::stol(line.substr(5)));
    }
    return out;
  }

  // A string field of `name`'s row ("" when absent or not a string).
  std::string text_field(const std::string& name, const std::string& key) {
    auto r = row(name);
    if (!r || !r->contains(key) || !r->at(key).is_string()) return "";
    return std::string(r->at(key).as_string());
  }

  std::filesystem::path script(const std::string& name, const std::string& text) {
    auto path = home_.parent_path() / name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), 0755);
    return path;
  }
};

TEST_F(UpgradeTest, KeepsPidChildrenAndEveryLogLine) {
  start_ok("ticker", {"--tick", "10"});
  start_ok("waiter", {"--wait-usr1", "--after", "0", "--exit", "7"});
  const pid_t bgod = daemon_pid();
  const pid_t ticker = online_pid("ticker");
  const pid_t waiter = online_pid("waiter");
  ASSERT_GT(ticker, 0);
  ASSERT_GT(waiter, 0);
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= 3; }, 5s));

  RunResult r = bgo_within(60s, {"daemon", "upgrade"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, "upgraded in place (PID: " + std::to_string(bgod))) << r.out;
  EXPECT_EQ(daemon_pid(), bgod);
  json::object st = daemon_status();
  EXPECT_EQ(st["pid"].as_int64(), bgod);
  EXPECT_EQ(st["upgrades"].as_int64(), 1);
  EXPECT_EQ(online_pid("ticker"), ticker);
  EXPECT_EQ(online_pid("waiter"), waiter);

  // The waiter is still bgod's child: its exit code is recorded, not "unknown".
  ASSERT_EQ(::kill(waiter, SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return online_pid("waiter") == 0; }, 10s));
  json::object w = state("waiter");
  ASSERT_TRUE(w.contains("exit_code")) << json::serialize(w);
  EXPECT_EQ(w["exit_code"].as_int64(), 7) << json::serialize(w);

  // A second upgrade, then the ticks: 1, 2, 3, … with nothing lost or doubled.
  ASSERT_EQ(bgo_within(60s, {"daemon", "upgrade"}).code, 0);
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 2);
  const size_t seen = ticks("ticker").size();
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= seen + 10; }, 10s));
  const auto t = ticks("ticker");
  for (size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t[i], static_cast<long>(i + 1)) << "at " << i;
  EXPECT_EQ(online_pid("ticker"), ticker);
}

TEST_F(UpgradeTest, ExitsAroundTheUpgradeAreRecordedWithTheirCodes) {
  for (int i = 0; i < 4; ++i) {
    start_ok("x" + std::to_string(i),
             {"--after", std::to_string(150 + 100 * i), "--exit", std::to_string(10 + i)});
  }
  ASSERT_EQ(bgo_within(60s, {"daemon", "upgrade"}).code, 0);
  for (int i = 0; i < 4; ++i) {
    const std::string name = "x" + std::to_string(i);
    ASSERT_TRUE(wait_until([&] { return online_pid(name) == 0; }, 10s)) << name;
    json::object s = state(name);
    ASSERT_TRUE(s.contains("exit_code")) << json::serialize(s);
    EXPECT_EQ(s["exit_code"].as_int64(), 10 + i) << json::serialize(s);
  }
}

TEST_F(UpgradeTest, ClientsCallingThroughoutNeverFail) {
  start_ok("ticker", {"--tick", "50"});
  std::atomic<bool> done{false};
  std::atomic<int> calls{0};
  std::atomic<int> failures{0};
  std::string last_failure;
  std::thread lister([&] {
    while (!done) {
      RunResult r = bgo_within(30s, {"list"});
      ++calls;
      if (r.code != 0 || !contains(r.out, "ticker")) {
        ++failures;
        last_failure = r.out + r.err;
      }
    }
  });
  for (int i = 0; i < 3; ++i) {
    RunResult r = bgo_within(60s, {"daemon", "upgrade"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
  }
  done = true;
  lister.join();
  EXPECT_GT(calls.load(), 3);
  EXPECT_EQ(failures.load(), 0) << last_failure;
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 3);
}

TEST_F(UpgradeTest, AnotherBinaryTakesOver) {
  start_ok("ticker", {"--tick", "50"});
  const pid_t bgod = daemon_pid();
  const auto copy = home_.parent_path() / "bgod-copy";
  std::filesystem::copy_file(bin("bgod"), copy);
  RunResult r = bgo_within(60s, {"daemon", "upgrade", "--bgod", copy.string()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(daemon_pid(), bgod);
  json::object st = daemon_status();
  EXPECT_EQ(st["exe"].as_string(), copy.string());
  EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(bgod) + "/exe"), copy);
  EXPECT_GT(online_pid("ticker"), 0);
}

TEST_F(UpgradeTest, ABinaryThatCannotTakeOverIsRefused) {
  start_ok("ticker", {"--tick", "50"});
  const pid_t bgod = daemon_pid();
  const pid_t ticker = online_pid("ticker");
  const auto crash = script("crash.sh", "#!/bin/sh\nkill -SEGV $$\n");
  const auto silent = script("silent.sh", "#!/bin/sh\nexit 0\n");
  const auto plain = home_.parent_path() / "plain";
  std::ofstream(plain) << "not a program\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"/nonexistent/bgod", "cannot run /nonexistent/bgod: No such file or directory"},
      {plain.string(), "cannot run " + plain.string() + ": Permission denied"},
      {"/bin/false", "/bin/false cannot take over (bgod --handover-check 2 failed, exit code 1)"},
      {crash.string(), "signal 11"},
      // A real bgod of the format before this one (tests/helpers/bgod_older_format.cpp).
      {bin("bgod_older_format"),
       "cannot take over (bgod --handover-check 2 failed, exit code 3: bgod " BGO_VERSION
       " reads hand-over format 1, not 2)"},
      {silent.string(), "exited 0 without the expected answer"},
  };
  for (const auto& [path, message] : cases) {
    RunResult r = bgo_within(60s, {"daemon", "upgrade", "--bgod", path});
    EXPECT_EQ(r.code, 1) << path;
    EXPECT_TRUE(contains(r.err, "upgrade refused: ")) << r.err;
    EXPECT_TRUE(contains(r.err, message)) << r.err;
  }
  EXPECT_EQ(daemon_pid(), bgod);
  json::object st = daemon_status();
  EXPECT_EQ(st["upgrades"].as_int64(), 0);
  EXPECT_TRUE(st["last_upgrade_error"].is_string());
  EXPECT_EQ(online_pid("ticker"), ticker);
  EXPECT_EQ(bgo({"daemon", "upgrade", "--bgod", "relative/bgod"}).code, 1);
  RunResult usage = bgo({"daemon", "status", "--bgod", "/x"});
  EXPECT_EQ(usage.code, 2);
  EXPECT_TRUE(contains(usage.err, "--bgod is only for 'upgrade'")) << usage.err;
  // Not running: nothing to upgrade, and none is started for it.
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  RunResult none = bgo({"daemon", "upgrade"});
  EXPECT_EQ(none.code, 1);
  EXPECT_TRUE(contains(none.err, "bgod is not running: nothing to upgrade")) << none.err;
  EXPECT_EQ(daemon_pid(), 0);
}

// A backoff does not hold an upgrade back: the restart comes at its deadline from the new
// image, and the fast-crash streak goes on (the next backoff is the second step, 4 s).
TEST_F(UpgradeTest, ABackoffIsCarriedWithItsDeadlineAndStreak) {
  start_ok("crashy", {"--after", "150", "--exit", "3"}, {"-w"});
  const auto watcher = home_ / "logs" / "crashy.watcher.log";
  ASSERT_TRUE(wait_until([&] { return contains(read_file(watcher), "step 1/3"); }, 10s));
  const auto asked = std::chrono::steady_clock::now();
  RunResult r = bgo_within(60s, {"daemon", "upgrade"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 1);
  // Done within the 2 s backoff (an image that waits it out is slower, but not refused: the
  // watcher log below tells the two apart).
  const auto took = std::chrono::steady_clock::now() - asked;
  ASSERT_TRUE(wait_until([&] { return contains(read_file(watcher), "restart #1"); }, 10s));
  ASSERT_TRUE(wait_until([&] { return contains(read_file(watcher), "step 2/3"); }, 10s))
      << read_file(watcher);
  EXPECT_FALSE(
      contains(read_file(watcher).substr(read_file(watcher).find("restart #1")), "step 1/3"))
      << read_file(watcher);
  std::cout << "upgrade during a backoff took "
            << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms\n";
}

// A program between the two images (a wrapper script given as --bgod that answers the check
// like the real binary, then tries to damage the hand-over through /proc/self/fd/N before it
// execs the real bgod) cannot: the memfd is sealed, and the upgrade goes through.
TEST_F(UpgradeTest, AWrapperCannotDamageTheHandOver) {
  start_ok("ticker", {"--tick", "50"});
  const pid_t bgod = daemon_pid();
  const pid_t ticker = online_pid("ticker");
  const auto tried = home_.parent_path() / "tried";
  const auto wrapper =
      script("wrapper.sh",
             "#!/bin/sh\n"
             "[ \"$1\" = --handover-check ] && exec " +
                 bin("bgod") +
                 " \"$@\"\n"
                 "fd=; prev=\n"
                 "for a in \"$@\"; do [ \"$prev\" = --handover ] && fd=$a; prev=$a; done\n"
                 "if ( : > /proc/self/fd/$fd ) 2>/dev/null; then echo truncated > " +
                 tried.string() + "; else echo refused > " + tried.string() +
                 "; fi\n"
                 "if ( printf garbage >> /proc/self/fd/$fd ) 2>/dev/null; then echo written >> " +
                 tried.string() + "; else echo refused >> " + tried.string() +
                 "; fi\n"
                 "exec " +
                 bin("bgod") + " \"$@\"\n");
  RunResult r = bgo_within(60s, {"daemon", "upgrade", "--bgod", wrapper.string()});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(read_file(tried), "refused\nrefused\n");
  EXPECT_EQ(daemon_pid(), bgod);
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 1);
  EXPECT_EQ(online_pid("ticker"), ticker);
  EXPECT_EQ(bgo({"list"}).code, 0);
}

// The way back after the exec: a new image that passes the check but then cannot read the
// hand-over (bgod_older_format, reading format 1, behind a wrapper that lets the real bgod
// answer the check) execs the previous image back. Same pid, the same children, still its own
// (an exit is reaped with its code), no tick lost; the CLI reports the failure and why.
TEST_F(UpgradeTest, AnImageThatRefusesTheHandOverExecsThePreviousOneBack) {
  start_ok("ticker", {"--tick", "10"});
  start_ok("waiter", {"--wait-usr1", "--after", "0", "--exit", "7"});
  const pid_t bgod = daemon_pid();
  const pid_t ticker = online_pid("ticker");
  const pid_t waiter = online_pid("waiter");
  ASSERT_GT(ticker, 0);
  ASSERT_GT(waiter, 0);
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= 3; }, 5s));
  const auto older =
      script("older.sh", "#!/bin/sh\n[ \"$1\" = --handover-check ] && exec " + bin("bgod") +
                             " \"$@\"\nexec " + bin("bgod_older_format") + " \"$@\"\n");

  RunResult r = bgo_within(60s, {"daemon", "upgrade", "--bgod", older.string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  const std::string why =
      "bgod_older_format cannot take over: hand-over format 2 is not supported (this bgod "
      "reads 1); running the previous bgod again";
  EXPECT_TRUE(contains(r.err, "upgrade failed: ")) << r.err;
  EXPECT_TRUE(contains(r.err, why)) << r.err;
  EXPECT_EQ(daemon_pid(), bgod);
  EXPECT_EQ(std::filesystem::read_symlink("/proc/" + std::to_string(bgod) + "/exe"),
            std::filesystem::path(bin("bgod")));
  json::object st = daemon_status();
  EXPECT_EQ(st["pid"].as_int64(), bgod);
  EXPECT_EQ(st["upgrades"].as_int64(), 0);
  ASSERT_TRUE(st["last_upgrade_error"].is_string()) << json::serialize(st);
  EXPECT_TRUE(contains(std::string(st["last_upgrade_error"].as_string()), why));
  const std::string log = read_file(home_ / "bgod.log");
  EXPECT_TRUE(contains(log,
                       "bgod: cannot take over: hand-over format 2 is not supported (this "
                       "bgod reads 1); running the previous bgod again"))
      << log;
  EXPECT_EQ(online_pid("ticker"), ticker);
  EXPECT_EQ(online_pid("waiter"), waiter);
  RunResult list = bgo({"list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "ticker")) << list.out;

  // Still bgod's child: the waiter's exit is reaped with its code.
  ASSERT_EQ(::kill(waiter, SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return online_pid("waiter") == 0; }, 10s));
  json::object w = state("waiter");
  ASSERT_TRUE(w.contains("exit_code")) << json::serialize(w);
  EXPECT_EQ(w["exit_code"].as_int64(), 7) << json::serialize(w);

  // And a normal upgrade from there goes through.
  RunResult again = bgo_within(60s, {"daemon", "upgrade"});
  EXPECT_EQ(again.code, 0) << again.out << again.err;
  EXPECT_EQ(daemon_pid(), bgod);
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 1);
  EXPECT_EQ(online_pid("ticker"), ticker);
  const size_t seen = ticks("ticker").size();
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= seen + 5; }, 10s));
  const auto t = ticks("ticker");
  for (size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t[i], static_cast<long>(i + 1)) << "at " << i;
}

// A new image that dies before it is ready (a wrapper that kills itself once the real bgod has
// answered the check) takes bgod's process with it: no image is left to go back to, so it is a
// crash of bgod. The CLI says bgod did not come back; the children run on, their pipes held by
// the pipe keeper, and the next bgod adopts them as after a kill -9 (no line lost, but an
// adopted child's exit status is no longer known).
TEST_F(UpgradeTest, AnImageThatDiesBeforeReadyLeavesTheChildrenToTheNextBgod) {
  start_ok("ticker", {"--tick", "10"});
  const pid_t bgod = daemon_pid();
  const pid_t ticker = online_pid("ticker");
  ASSERT_GT(ticker, 0);
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= 3; }, 5s));
  const auto dies = script("dies.sh", "#!/bin/sh\n[ \"$1\" = --handover-check ] && exec " +
                                          bin("bgod") + " \"$@\"\nulimit -c 0\nkill -SEGV $$\n");

  RunResult r = bgo_within(60s, {"daemon", "upgrade", "--bgod", dies.string()});
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_TRUE(contains(r.err, "bgod did not come back after the upgrade")) << r.err;
  ASSERT_TRUE(wait_until([&] { return !pid_alive(bgod); }, 10s));
  EXPECT_TRUE(pid_alive(ticker));

  RunResult list = bgo({"list"});  // starts the next bgod
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(daemon_pid(), bgod);
  EXPECT_EQ(online_pid("ticker"), ticker);
  const size_t seen = ticks("ticker").size();
  ASSERT_TRUE(wait_until([&] { return ticks("ticker").size() >= seen + 5; }, 10s));
  const auto t = ticks("ticker");
  for (size_t i = 0; i < t.size(); ++i) ASSERT_EQ(t[i], static_cast<long>(i + 1)) << "at " << i;
}

// A --ready-notify child that is not ready yet when bgod is upgraded stays `starting` in the
// new image (its STATUS= kept) and becomes ready on the READY=1 it sends afterwards to the same
// NOTIFY_SOCKET: the socket was handed over. Same pid, no restart.
TEST_F(UpgradeTest, ANotifyChildNotReadyYetBecomesReadyAfterTheUpgrade) {
  const std::string script =
      "import os, signal, socket\n"
      "signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])\n"
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
      "s.sendto(b'STATUS=warming up\\n', os.environ['NOTIFY_SOCKET'])\n"
      "signal.sigwait([signal.SIGUSR1])\n"
      "s.sendto(b'READY=1\\nSTATUS=serving\\n', os.environ['NOTIFY_SOCKET'])\n"
      "signal.sigwait([signal.SIGUSR1])\n";
  RunResult r = bgo(
      {"start", "pyn", "--ready-notify", "--ready-timeout", "120s", "--", "python3", "-c", script});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return text_field("pyn", "health_detail") == "warming up"; }, 10s))
      << json::serialize(*row("pyn"));
  const pid_t pid = online_pid("pyn");
  ASSERT_GT(pid, 0);
  EXPECT_EQ(text_field("pyn", "health"), "starting");

  RunResult up = bgo_within(60s, {"daemon", "upgrade"});
  ASSERT_EQ(up.code, 0) << up.out << up.err;
  EXPECT_EQ(daemon_status()["upgrades"].as_int64(), 1);
  EXPECT_EQ(text_field("pyn", "health"), "starting") << json::serialize(*row("pyn"));
  EXPECT_EQ(text_field("pyn", "health_detail"), "warming up");

  ASSERT_EQ(::kill(pid, SIGUSR1), 0);
  ASSERT_TRUE(wait_until([&] { return text_field("pyn", "health") == "ready"; }, 10s))
      << json::serialize(*row("pyn"));
  EXPECT_EQ(text_field("pyn", "health_detail"), "serving");
  EXPECT_EQ(online_pid("pyn"), pid);
  const std::string watcher = read_file(home_ / "logs" / "pyn.watcher.log");
  EXPECT_FALSE(contains(watcher, "unready")) << watcher;
  EXPECT_TRUE(contains(watcher, "ready")) << watcher;
}

// A watchdog child's pings reach the new image (its notify socket was handed over), and when
// it stops pinging after the upgrade the new image finds it unhealthy and restarts it.
TEST_F(UpgradeTest, AWatchdogChildThatStopsPingingAfterTheUpgradeIsRestarted) {
  const std::string script =
      "import os, signal, socket, time\n"
      "stop = False\n"
      "def quiet(*_):\n"
      "    global stop\n"
      "    stop = True\n"
      "signal.signal(signal.SIGUSR1, quiet)\n"
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
      "s.sendto(b'READY=1\\n', os.environ['NOTIFY_SOCKET'])\n"
      "n = 0\n"
      "while not stop:\n"
      "    n += 1\n"
      "    s.sendto(f'WATCHDOG=1\\nSTATUS=ping {n}\\n'.encode(), os.environ['NOTIFY_SOCKET'])\n"
      "    time.sleep(0.1)\n"
      "while True:\n"
      "    time.sleep(600)\n";
  RunResult r =
      bgo({"start", "wd", "--ready-notify", "--watchdog", "2s", "--", "python3", "-c", script});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  // The number of the last ping bgod saw (0 before the first).
  auto pings = [&] {
    const std::string detail = text_field("wd", "health_detail");
    return detail.rfind("ping ", 0) == 0 ? std::stol(detail.substr(5)) : 0L;
  };
  ASSERT_TRUE(wait_until([&] { return pings() > 0; }, 10s)) << json::serialize(*row("wd"));
  const pid_t pid = online_pid("wd");
  ASSERT_GT(pid, 0);

  RunResult up = bgo_within(60s, {"daemon", "upgrade"});
  ASSERT_EQ(up.code, 0) << up.out << up.err;
  const long after = pings();
  ASSERT_TRUE(wait_until([&] { return pings() > after + 3; }, 10s))
      << "no ping reached the new image: " << json::serialize(*row("wd"));
  EXPECT_EQ(online_pid("wd"), pid);

  ASSERT_EQ(::kill(pid, SIGUSR1), 0);
  const auto watcher = home_ / "logs" / "wd.watcher.log";
  ASSERT_TRUE(wait_until([&] { return online_pid("wd") != pid && online_pid("wd") != 0; }, 20s))
      << read_file(watcher);
  EXPECT_TRUE(
      contains(read_file(watcher), "unhealthy: no WATCHDOG=1 for 2s (watchdog); restarting"))
      << read_file(watcher);
  EXPECT_NE(::kill(pid, 0), 0) << "the silent process is gone";
}

TEST_F(UpgradeTest, Sigusr2Upgrades) {
  start_ok("ticker", {"--tick", "50"});
  const pid_t bgod = daemon_pid();
  ASSERT_EQ(::kill(bgod, SIGUSR2), 0);
  ASSERT_TRUE(wait_until(
      [&] {
        json::object st = daemon_status();
        return st.contains("upgrades") && st["upgrades"].as_int64() == 1;
      },
      20s));
  EXPECT_EQ(daemon_pid(), bgod);
  EXPECT_GT(online_pid("ticker"), 0);
}

}  // namespace
}  // namespace bgo::test
