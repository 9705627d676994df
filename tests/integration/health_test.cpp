// SPDX-License-Identifier: MIT
// Issue #14 end to end, with the real bgo and bgod on real processes: readiness (log, notify,
// http), a dependent that starts after the line and not before, liveness restarts, the stop
// signal, restart on-failure, refused cycles.
#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <netinet/in.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The number after `key ` at the start of a line of `text` (0 when absent). A line, not any
// text: the start marker quotes the command, which names the key too.
int64_t number_after(const std::string& text, const std::string& key) {
  const auto at = text.find("\n" + key + " ");
  if (at == std::string::npos) return 0;
  return std::stoll(text.substr(at + key.size() + 2));
}

// Whether `text` has `line` as a whole line.
bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

// A TCP port nobody listens on right now (the kernel's pick for a socket bound to port 0).
uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // NOLINT
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);  // NOLINT
  ::close(fd);
  return ntohs(addr.sin_port);
}

class HealthIntegrationTest : public DaemonTest {
 protected:
  std::string out_log(const std::string& name) {
    return read_file(home_ / "logs" / (name + ".out.log"));
  }
  std::string watcher_log(const std::string& name) {
    return read_file(home_ / "logs" / (name + ".watcher.log"));
  }
  std::string field(const std::string& name, const std::string& key) {
    auto r = row(name);
    if (!r || !r->contains(key) || !r->at(key).is_string()) return "";
    return std::string(r->at(key).as_string());
  }
  bool is_ready(const std::string& name) {
    auto r = row(name);
    return r && r->contains("ready") && r->at("ready").is_bool() && r->at("ready").as_bool();
  }
  int64_t pid_of(const std::string& name) {
    auto r = row(name);
    return r && r->at("running_pid").is_int64() ? r->at("running_pid").as_int64() : 0;
  }
};

TEST_F(HealthIntegrationTest, ADependentStartsAfterTheReadyLineAndNotBefore) {
  // db says it is listening only once the test has seen api wait: when it writes to `go`.
  const std::string go = (home_.parent_path() / "go").string();
  ASSERT_EQ(::mkfifo(go.c_str(), 0600), 0);
  RunResult db = bgo(
      {"start", "db", "--ready-log", "listening", "--", "sh", "-c",
       "read line < '" + go + "'; echo \"line-at $(date +%s%N)\"; echo listening; exec sleep 600"});
  ASSERT_EQ(db.code, 0) << db.out << db.err;
  RunResult api = bgo({"start", "api", "--after", "db", "--", "sh", "-c",
                       "echo \"started-at $(date +%s%N)\"; exec sleep 600"});
  ASSERT_EQ(api.code, 0) << api.out << api.err;
  EXPECT_TRUE(contains(api.out + api.err, "db (ready)")) << api.out << api.err;
  EXPECT_EQ(field("api", "status"), "waiting");
  EXPECT_EQ(field("db", "health"), "starting");
  int fd = -1;  // ENXIO until db's shell has the fifo open for reading
  ASSERT_TRUE(wait_until([&] { return (fd = ::open(go.c_str(), O_WRONLY | O_NONBLOCK)) >= 0; }));
  EXPECT_EQ(::write(fd, "go\n", 3), 3);
  ::close(fd);
  ASSERT_TRUE(wait_until([&] { return field("api", "status") == "online"; }, 15s));
  ASSERT_TRUE(wait_until([&] { return number_after(out_log("api"), "started-at") > 0; }));
  const int64_t line_at = number_after(out_log("db"), "line-at");
  const int64_t started_at = number_after(out_log("api"), "started-at");
  ASSERT_GT(line_at, 0) << out_log("db");
  EXPECT_GT(started_at, line_at) << "api ran before db said it was listening";
  EXPECT_TRUE(is_ready("db"));
  EXPECT_EQ(field("db", "health"), "ready");
  EXPECT_TRUE(contains(watcher_log("api"), "waiting for db (ready)")) << watcher_log("api");
}

TEST_F(HealthIntegrationTest, ReadyOneOnTheNotifySocketMakesItReady) {
  const std::string script =
      "import os, socket, time\n"
      "time.sleep(0.3)\n"
      "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
      "s.sendto(b'STATUS=warming up\\n', os.environ['NOTIFY_SOCKET'])\n"
      "time.sleep(0.3)\n"
      "s.sendto(b'READY=1\\nSTATUS=serving\\n', os.environ['NOTIFY_SOCKET'])\n"
      "time.sleep(600)\n";
  RunResult r = bgo({"start", "pyn", "--ready-notify", "--", "python3", "-c", script});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return is_ready("pyn"); }, 10s)) << json::serialize(*row("pyn"));
  EXPECT_EQ(field("pyn", "health_detail"), "serving");
}

TEST_F(HealthIntegrationTest, SystemdNotifyReadyWorksUnchanged) {
  if (::access("/usr/bin/systemd-notify", X_OK) != 0) GTEST_SKIP() << "no systemd-notify here";
  RunResult r = bgo({"start", "sdn", "--ready-notify", "--", "sh", "-c",
                     "sleep 0.2; systemd-notify --ready --status=up; exec sleep 600"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return is_ready("sdn"); }, 10s)) << json::serialize(*row("sdn"));
}

TEST_F(HealthIntegrationTest, AnHttpServerIsMadeReadyByItsUrl) {
  const std::string port = std::to_string(free_port());
  RunResult r =
      bgo({"start", "web", "--ready-http", "http://127.0.0.1:" + port + "/", "--ready-interval",
           "200ms", "--", "python3", "-m", "http.server", port, "--bind", "127.0.0.1"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return is_ready("web"); }, 15s)) << json::serialize(*row("web"));
  EXPECT_TRUE(contains(field("web", "health_detail"), "HTTP 200")) << field("web", "health_detail");
}

TEST_F(HealthIntegrationTest, ALivenessCheckThatStartsFailingRestartsTheProcess) {
  const auto flag = home_ / "alive.flag";
  std::ofstream(flag) << "ok";
  RunResult r = bgo({"start", "svc", "--live-exec", "test -f " + flag.string(), "--live-interval",
                     "200ms", "--live-failures", "2", "--", "sleep", "600"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  const int64_t first = pid_of("svc");
  ASSERT_GT(first, 0);
  ASSERT_TRUE(wait_until([&] { return field("svc", "health") == "healthy"; }, 10s))
      << json::serialize(*row("svc"));
  std::filesystem::remove(flag);
  ASSERT_TRUE(wait_until([&] { return pid_of("svc") != first && pid_of("svc") != 0; }, 15s))
      << json::serialize(*row("svc"));
  EXPECT_TRUE(contains(watcher_log("svc"), "unhealthy: liveness failed 2 times in a row"))
      << watcher_log("svc");
  EXPECT_NE(::kill(static_cast<pid_t>(first), 0), 0) << "the old process is gone";
}

TEST_F(HealthIntegrationTest, TheStopSignalReachesAChildThatTrapsIt) {
  const std::string script =
      "import signal, sys, time\n"
      "def bye(*_):\n"
      "    print('got SIGINT', flush=True)\n"
      "    sys.exit(0)\n"
      "signal.signal(signal.SIGINT, bye)\n"
      "print('up', flush=True)\n"
      "while True: signal.pause()\n";
  RunResult r = bgo({"start", "trap", "--stop-signal", "SIGINT", "--", "python3", "-c", script});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return has_line(out_log("trap"), "up"); }));
  RunResult stop = bgo({"stop", "trap"});
  ASSERT_EQ(stop.code, 0) << stop.out << stop.err;
  EXPECT_TRUE(contains(out_log("trap"), "got SIGINT")) << out_log("trap");
  const json::object st = state("trap");
  ASSERT_TRUE(st.at("exit_code").is_int64()) << json::serialize(st);
  EXPECT_EQ(st.at("exit_code").as_int64(), 0);
  EXPECT_EQ(st.at("stop_signal").as_string(), "SIGINT");
}

TEST_F(HealthIntegrationTest, OnFailureLeavesASuccessfulExitStopped) {
  RunResult r = bgo({"start", "job", "--restart", "on-failure", "--", "sh", "-c", "sleep 0.3"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_TRUE(wait_until([&] { return field("job", "status") == "stopped"; }));
  EXPECT_TRUE(wait_until([&] { return contains(watcher_log("job"), "exited successfully"); }));
  EXPECT_EQ(state("job").at("stop_reason").as_string(), "exited");
  EXPECT_EQ(row("job")->at("restarts").as_int64(), 0);
}

TEST_F(HealthIntegrationTest, ACycleIsRefusedAndNothingIsWritten) {
  start_ok("a", {});
  RunResult b = bgo({"start", "b", "--after", "a:started", "--", bin("bgo_test_child")});
  ASSERT_EQ(b.code, 0) << b.out << b.err;
  ASSERT_EQ(bgo({"stop", "a"}).code, 0);
  const std::string before = read_file(home_ / "procs" / "a.json");
  RunResult cyc = bgo({"start", "a", "--after", "b", "--", bin("bgo_test_child")});
  EXPECT_NE(cyc.code, 0);
  EXPECT_TRUE(contains(cyc.err, "dependency cycle: a -> b -> a")) << cyc.err;
  EXPECT_EQ(read_file(home_ / "procs" / "a.json"), before) << "nothing written";
  EXPECT_EQ(field("a", "status"), "stopped");
}

TEST_F(HealthIntegrationTest, StopWithDependentsStopsTheDependentFirst) {
  start_ok("db", {});
  RunResult api = bgo({"start", "api", "--after", "db", "--", bin("bgo_test_child")});
  ASSERT_EQ(api.code, 0) << api.out << api.err;
  ASSERT_TRUE(wait_until([&] { return field("api", "status") == "online"; }));
  RunResult stop = bgo({"stop", "--with-dependents", "db"});
  ASSERT_EQ(stop.code, 0) << stop.out << stop.err;
  EXPECT_EQ(field("api", "status"), "stopped");
  EXPECT_EQ(field("db", "status"), "stopped");
  const std::string api_stopped(state("api").at("stopped_at").as_string());
  const std::string db_stopped(state("db").at("stopped_at").as_string());
  EXPECT_LE(api_stopped, db_stopped);
}

}  // namespace
}  // namespace bgo::test
