// SPDX-License-Identifier: MIT
// The first path end to end: start, status, stop, daemon stop (issue #2) and lifecycle (#3).
#include <signal.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;

pid_t row_pid(const json::object& r) { return static_cast<pid_t>(r.at("pid").as_int64()); }

TEST_F(DaemonTest, StartStatusStopEndToEnd) {
  const std::string cwd = home_.parent_path().string();
  RunResult r =
      bgo({"start", "web", "--", bin("bgo_test_child"), "--env", "ONLY_IN_CLIENT", "--cwd"},
          {{"ONLY_IN_CLIENT", "hello42"}}, "", cwd);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Started 'web' (PID: "), std::string::npos) << r.out;
  auto web = row("web");
  ASSERT_TRUE(web);
  EXPECT_EQ(web->at("status").as_string(), "online");
  const pid_t pid = row_pid(*web);
  EXPECT_TRUE(pid_alive(pid));
  EXPECT_EQ(::getpgid(pid), pid);
  EXPECT_EQ(::getsid(pid), pid);
  const auto out_log = home_ / "logs" / "web.out.log";
  ASSERT_TRUE(wait_until([&] { return read_file(out_log).find("cwd=") != std::string::npos; }));
  EXPECT_NE(read_file(out_log).find("ONLY_IN_CLIENT=hello42"), std::string::npos);
  EXPECT_NE(read_file(out_log).find("cwd=" + cwd), std::string::npos) << read_file(out_log);
  EXPECT_EQ(state("web").at("status").as_string(), "running");

  r = bgo({"stop", "web"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("Stopped 'web'"), std::string::npos) << r.out;
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_EQ(row("web")->at("status").as_string(), "stopped");
  json::object st = state("web");
  EXPECT_EQ(st.at("status").as_string(), "stopped");
  EXPECT_EQ(st.at("stop_reason").as_string(), "user");
  EXPECT_TRUE(st.contains("stopped_at"));
}

TEST_F(DaemonTest, StopKillsTheWholeGroupAndEscalates) {
  start_ok("grp", {"--grandchild", "--ignore-term"});
  const auto log = home_ / "logs" / "grp.out.log";
  ASSERT_TRUE(wait_until([&] { return read_file(log).find("grandchild=") != std::string::npos; }));
  const std::string text = read_file(log);
  const pid_t grandchild = std::atoi(text.c_str() + text.find("grandchild=") + 11);
  extra_pids_.push_back(grandchild);
  const pid_t pid = row_pid(*row("grp"));
  RunResult r = bgo({"stop", "grp", "--timeout", "0.3"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(pid_alive(pid));
  EXPECT_TRUE(wait_until([&] { return !pid_alive(grandchild); }, std::chrono::seconds(2)));
}

TEST_F(DaemonTest, DaemonStopLeavesNoDaemonAndNoSocket) {
  start_ok("a", {});
  const pid_t daemon = daemon_pid();
  ASSERT_GT(daemon, 0);
  RunResult r = bgo({"daemon", "stop"});
  ASSERT_EQ(r.code, 0) << r.err;
  // It has exited (its lock is free) once `daemon stop` returns; init reaps it a moment later.
  EXPECT_TRUE(wait_until([&] { return !pid_alive(daemon); }, std::chrono::seconds(2)));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgo.sock"));
  EXPECT_FALSE(std::filesystem::exists(home_ / "bgod.pid"));
  EXPECT_EQ(state("a").at("stop_reason").as_string(), "daemon");
  r = bgo({"daemon", "status"});
  EXPECT_EQ(r.code, 3);
}

}  // namespace
}  // namespace bgo::test
