// SPDX-License-Identifier: MIT
// The socket protocol as a public API, spoken as raw JSON lines: every error class, batches,
// notifications, limits (line cap, idle timeout, connection cap, slow subscribers), the
// peer-uid check, the events stream, the Python example client, a concurrent load.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

int error_code(const json::value& v) {
  if (!v.is_object() || !v.as_object().contains("error")) return 0;
  return static_cast<int>(v.at("error").at("code").as_int64());
}

class ProtocolTest : public DaemonTest {
 protected:
  void start_daemon(const std::map<std::string, std::string>& env = {}) {
    RunResult r = bgo({"daemon", "start"}, env);
    ASSERT_EQ(r.code, 0) << r.out << r.err;
  }
  std::filesystem::path sock() const { return home_ / "bgo.sock"; }
  json::value status_of_daemon() {
    RawClient c(sock());
    return c.call("daemon.status").at("result");
  }
};

TEST_F(ProtocolTest, EveryErrorClassAndTheConnectionKeepsWorking) {
  start_daemon();
  RawClient c(sock());
  ASSERT_TRUE(c.ok());
  // -32700, id null: bad JSON, invalid UTF-8, nesting deeper than 32.
  for (const std::string& bad : {std::string("hello?"), std::string("{\"a\":"),
                                 std::string("{\"jsonrpc\":\"2.0\",\"method\":\"\xC3(\"}"),
                                 std::string(5000, '[') + std::string(5000, ']')}) {
    c.send(bad + "\n");
    json::value v = c.next();
    EXPECT_EQ(error_code(v), -32700) << bad.substr(0, 40);
    EXPECT_TRUE(v.at("id").is_null());
  }
  // -32600: not a request; the id is echoed when usable.
  c.send(R"({"jsonrpc":"1.0","id":"x","method":"hello"})"
         "\n");
  json::value v = c.next();
  EXPECT_EQ(error_code(v), -32600);
  EXPECT_EQ(v.at("id"), "x");
  c.send(R"({"jsonrpc":"2.0","id":1e400,"method":"hello"})"
         "\n");
  v = c.next();
  EXPECT_EQ(error_code(v), -32600);
  EXPECT_TRUE(v.at("id").is_null());
  // -32601 names the method.
  v = c.call("no.such.method");
  EXPECT_EQ(error_code(v), -32601);
  EXPECT_EQ(v.at("error").at("data").at("method"), "no.such.method");
  // -32602 names the parameter; by-position params are refused.
  v = c.call("get", {{"name", 5}});
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "name");
  c.send(R"({"jsonrpc":"2.0","id":"p","method":"get","params":["web"]})"
         "\n");
  v = c.next();
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "params");
  v = c.call("stop", {{"name", "x"}, {"timeout_ms", 1e300}});
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "timeout_ms");
  // Application errors: code from the table, data.kind (+ detail).
  v = c.call("get", {{"name", "ghost"}});
  EXPECT_EQ(error_code(v), -32001);
  EXPECT_EQ(v.at("error").at("data").at("kind"), "no_such_process");
  v = c.call("get", {{"name", "a/b"}});
  EXPECT_EQ(error_code(v), -32005);
  v = c.call("start", {{"name", "nocmd"}, {"command", json::array{"/nonexistent/x"}}});
  EXPECT_EQ(error_code(v), -32004);
  EXPECT_EQ(v.at("error").at("data").at("detail"), "not_found");
  // After all that, the same connection still answers.
  v = c.call("hello");
  EXPECT_EQ(v.at("result").at("protocol"), 1);
  EXPECT_FALSE(c.eof());
}

TEST_F(ProtocolTest, HelloListsEveryMethodTheCliUses) {
  start_daemon();
  RawClient c(sock());
  json::value v = c.call("hello");
  ASSERT_TRUE(v.at("result").is_object());
  std::set<std::string> methods;
  for (const auto& m : v.at("result").at("methods").as_array()) methods.emplace(m.as_string());
  for (const char* m : {"hello",         "daemon.status",   "daemon.stop",  "start",
                        "stop",          "restart",         "delete",       "clean",
                        "resurrect",     "restart_stopped", "restart_last", "list",
                        "get",           "candidates",      "watch",        "unwatch",
                        "autostart.set", "autostart.show",  "logs",         "follow",
                        "unfollow",      "flush",           "subscribe",    "unsubscribe",
                        "metrics",       "start_many"}) {
    EXPECT_TRUE(methods.count(m)) << m;
  }
}

TEST_F(ProtocolTest, BatchesAndNotifications) {
  start_daemon();
  RawClient c(sock());
  c.send("[]\n");
  json::value v = c.next();
  EXPECT_EQ(error_code(v), -32600);
  // A batch of invalid entries: one error each, in order.
  c.send("[1,{\"jsonrpc\":\"2.0\"},\"x\"]\n");
  v = c.next();
  ASSERT_TRUE(v.is_array()) << v;
  ASSERT_EQ(v.as_array().size(), 3u);
  for (const auto& e : v.as_array()) EXPECT_EQ(error_code(e), -32600);
  // A mixed batch: notifications (even failing ones) get nothing, the rest keep their order.
  c.send(R"([{"jsonrpc":"2.0","id":"a","method":"hello"},)"
         R"({"jsonrpc":"2.0","method":"subscribe"},)"
         R"({"jsonrpc":"2.0","method":"nope"},)"
         R"({"jsonrpc":"2.0","id":7,"method":"get","params":{"name":"ghost"}},)"
         R"({"jsonrpc":"2.0","id":8,"method":"list"}])"
         "\n");
  v = c.next();
  ASSERT_TRUE(v.is_array()) << v;
  ASSERT_EQ(v.as_array().size(), 3u);
  EXPECT_EQ(v.at(0).at("id"), "a");
  EXPECT_EQ(error_code(v.at(1)), -32001);
  EXPECT_EQ(v.at(2).at("id"), 8);
  // Only notifications: no answer at all, so the next line is the next request's response.
  c.send(R"([{"jsonrpc":"2.0","method":"hello"},{"jsonrpc":"2.0","method":"list"}])"
         "\n");
  c.send(R"({"jsonrpc":"2.0","method":"hello"})"
         "\n");
  c.send(R"({"jsonrpc":"2.0","id":99,"method":"hello"})"
         "\n");
  v = c.next();
  EXPECT_EQ(v.at("id"), 99);
  // The batch's notification did subscribe this connection.
  v = c.call("start", {{"name", "b1"}, {"command", json::array{bin("bgo_test_child")}}});
  ASSERT_TRUE(v.at("result").is_object()) << v;
  ASSERT_FALSE(c.notes.empty());
  EXPECT_EQ(c.notes.front().at("params").at("kind"), "spawned");
}

TEST_F(ProtocolTest, OverLongLineClosesOnlyThatConnection) {
  start_daemon();
  RawClient bystander(sock());
  RawClient c(sock());
  ASSERT_TRUE(c.ok());
  c.send(R"({"jsonrpc":"2.0","id":1,"method":"hello"})"
         "\n");
  // 1 MiB + 1 without a newline: bgod does not wait for the end of the line.
  c.send(std::string(1024 * 1024 + 1, ' '));
  json::value v = c.next();
  EXPECT_EQ(v.at("id"), 1);
  v = c.next();
  EXPECT_EQ(error_code(v), -32600) << v;
  EXPECT_TRUE(v.at("id").is_null());
  EXPECT_TRUE(c.wait_eof());
  // A line of exactly 1 MiB is fine (padding after the object is legal JSON whitespace).
  RawClient big(sock());
  std::string line = R"({"jsonrpc":"2.0","id":2,"method":"hello"})";
  line.resize(size_t{1024} * 1024, ' ');
  big.send(line + "\n");
  EXPECT_EQ(big.next().at("id"), 2);
  EXPECT_EQ(bystander.call("hello").at("result").at("protocol"), 1);
}

TEST_F(ProtocolTest, ConnectionFromAnotherUidIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to 'nobody'";
  const passwd* nobody = ::getpwnam("nobody");
  if (nobody == nullptr) GTEST_SKIP() << "no 'nobody' user";
  start_daemon();
  // Loosen everything on the way, so only bgod's SO_PEERCRED check stands in the way.
  ASSERT_EQ(::chmod(home_.parent_path().c_str(), 0711), 0);
  ASSERT_EQ(::chmod(home_.c_str(), 0711), 0);
  ASSERT_EQ(::chmod(sock().c_str(), 0666), 0);
  const uid_t uid = nobody->pw_uid;
  const gid_t gid = nobody->pw_gid;
  const std::string path = sock().string();
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: async-signal-safe calls only. Exit 0 = refused without a byte of answer,
    // 2 = could not switch user, 3 = could not connect, 4 = got an answer.
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(2);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
      ::_exit(3);
    const char req[] = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hello\"}\n";
    (void)!::send(fd, req, sizeof req - 1, MSG_NOSIGNAL);
    char buf[256];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    ::_exit(n > 0 ? 4 : 0);
  }
  extra_pids_.push_back(pid);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: setuid failed, 3: connect failed, 4: got an answer";
  EXPECT_TRUE(wait_until([&] {
    return read_file(home_ / "bgod.log")
               .find("refused a connection from uid " + std::to_string(uid)) != std::string::npos;
  }));
  RawClient c(sock());  // ours still works
  EXPECT_EQ(c.call("hello").at("result").at("protocol"), 1);
}

TEST_F(ProtocolTest, SocketAndHomeAreCreatedPrivate) {
  start_daemon();
  struct stat st {};
  ASSERT_EQ(::stat(sock().c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(home_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(ProtocolTest, IdleConnectionsTimeOutButSubscribersStay) {
  start_daemon({{"BGO_IDLE_TIMEOUT", "0.3"}});
  RawClient subscriber(sock());
  ASSERT_TRUE(subscriber.call("subscribe").at("result").at("subscribed").as_bool());
  RawClient idle(sock());
  EXPECT_EQ(idle.call("hello").at("result").at("protocol"), 1);
  EXPECT_TRUE(idle.wait_eof(5s));
  // Well past the timeout, the quiet subscriber is still there.
  RawClient later(sock());
  EXPECT_TRUE(later.wait_eof(5s));
  EXPECT_EQ(subscriber.call("hello").at("result").at("protocol"), 1);
}

TEST_F(ProtocolTest, ConnectionCapEvictsTheLongestIdleNeverTheCli) {
  start_daemon({{"BGO_MAX_CONNECTIONS", "3"}});
  RawClient subscriber(sock());  // oldest, but subscribed
  ASSERT_TRUE(subscriber.call("subscribe").at("result").is_object());
  RawClient idle1(sock());
  ASSERT_TRUE(idle1.call("hello").at("result").is_object());
  RawClient idle2(sock());
  ASSERT_TRUE(idle2.call("hello").at("result").is_object());
  // A fourth: the longest-idle non-subscribed connection makes room.
  RawClient fourth(sock());
  EXPECT_TRUE(fourth.call("hello").at("result").is_object());
  EXPECT_TRUE(idle1.wait_eof(5s));
  // The CLI always gets in.
  RunResult r = bgo({"status"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(idle2.wait_eof(5s));
  EXPECT_TRUE(subscriber.call("hello").at("result").is_object());
  EXPECT_TRUE(wait_until(
      [&] { return read_file(home_ / "bgod.log").find("connection cap") != std::string::npos; }));
}

TEST_F(ProtocolTest, EventsStreamEveryStateChange) {
  start_daemon();
  RawClient c(sock());
  ASSERT_TRUE(c.call("subscribe").at("result").is_object());
  // The first event of `kind` for `name` (earlier ones of other kinds are skipped).
  auto next_event = [&](const std::string& kind, const std::string& name) -> json::object {
    size_t i = 0;
    for (;;) {
      for (; i < c.notes.size(); ++i) {
        const json::value& n = c.notes[i];
        if (n.at("method") == "event" && n.at("params").at("kind") == json::value(kind) &&
            n.at("params").at("name") == json::value(name)) {
          json::object p = n.at("params").as_object();
          c.notes.erase(c.notes.begin(), c.notes.begin() + static_cast<ptrdiff_t>(i) + 1);
          return p;
        }
      }
      json::value v = c.next(10s);
      if (v.is_null()) {
        ADD_FAILURE() << "no " << kind << " event for " << name;
        return {};
      }
      c.notes.push_back(v);
    }
  };
  const std::string child = bin("bgo_test_child");
  // spawned, then exited with its code.
  json::value v = c.call(
      "start", {{"name", "ev"}, {"command", json::array{child, "--after", "300", "--exit", "3"}}});
  ASSERT_TRUE(v.at("result").is_object()) << v;
  const int64_t pid = v.at("result").at("pid").as_int64();
  EXPECT_EQ(next_event("spawned", "ev").at("pid"), pid);
  json::object e = next_event("exited", "ev");
  EXPECT_EQ(e.at("exit_code"), 3);
  EXPECT_TRUE(e.at("exit_signal").is_null());
  EXPECT_EQ(e.at("pid"), pid);
  // Watched, crashing after its min uptime: restart scheduled with a delay, spawned again.
  v = c.call("start", {{"name", "w"},
                       {"command", json::array{child, "--after", "1100", "--exit", "1"}},
                       {"watch", true},
                       {"min_uptime", 1}});
  ASSERT_TRUE(v.at("result").is_object()) << v;
  next_event("exited", "w");
  e = next_event("restart_scheduled", "w");
  EXPECT_TRUE(e.at("delay_ms").is_int64());
  next_event("spawned", "w");
  // stopped, by signal, on request; deleted.
  ASSERT_TRUE(c.call("stop", {{"name", "w"}}).at("result").is_object());
  e = next_event("stopped", "w");
  EXPECT_EQ(e.at("exit_signal"), SIGTERM);
  EXPECT_EQ(e.at("reason"), "user");
  ASSERT_TRUE(c.call("delete", {{"name", "w"}}).at("result").is_object());
  next_event("deleted", "w");
  // errored: a fast crash in "stop" mode gives up.
  v = c.call("start", {{"name", "fc"},
                       {"command", json::array{child, "--after", "0", "--exit", "1"}},
                       {"watch", true},
                       {"on_fast_crash", "stop"}});
  e = next_event("errored", "fc");
  EXPECT_FALSE(e.at("reason").as_string().empty());
  // Unsubscribed: no more events (a hello round trip proves nothing was queued before it).
  ASSERT_TRUE(c.call("unsubscribe").at("result").is_object());
  c.notes.clear();
  ASSERT_TRUE(c.call("delete", {{"name", "ev"}}).at("result").is_object());
  EXPECT_TRUE(c.call("hello").at("result").is_object());
  EXPECT_TRUE(c.notes.empty());
}

// A client that follows a flooding process and never reads is cut off once its queue is full;
// bgod keeps writing the log at full speed and keeps answering everyone else.
TEST_F(ProtocolTest, SlowSubscriberIsCutOffAndNeverSlowsBgod) {
  start_daemon();
  RawClient control(sock());
  constexpr long k_lines = 1500000;  // "final N\n": ~19 MB, well over the 8 MiB queue bound
  json::value v =
      control.call("start", {{"name", "flood"},
                             {"command", json::array{bin("bgo_test_child"), "--after", "400",
                                                     "--final-lines", std::to_string(k_lines)}}});
  ASSERT_TRUE(v.at("result").is_object()) << v;
  RawClient slow(sock());
  // Shrink its receive buffer so the kernel holds little on its behalf.
  const int small = 4096;
  ::setsockopt(slow.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  slow.send(R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})"
            "\n"
            R"({"jsonrpc":"2.0","id":2,"method":"follow","params":{"name":"flood"}})"
            "\n");
  // ... and never reads. The flood is written to the log in full,
  const auto log = home_ / "logs" / "flood.out.log";
  const std::string last = "final " + std::to_string(k_lines) + "\n";
  EXPECT_TRUE(wait_until(
      [&] {
        const std::string text = read_file(log);
        return text.size() >= last.size() &&
               text.compare(text.size() - last.size(), last.size(), last) == 0;
      },
      60s));
  // bgod answered others throughout, and the slow client is gone.
  EXPECT_EQ(control.call("hello").at("result").at("protocol"), 1);
  EXPECT_TRUE(wait_until([&] { return status_of_daemon().at("connections") == 2; }, 10s));
  EXPECT_TRUE(slow.wait_eof(20s));
  EXPECT_NE(read_file(home_ / "bgod.log").find("client too slow to read"), std::string::npos);
}

TEST_F(ProtocolTest, PythonExampleClientTalksToALiveDaemon) {
  // NOLINTNEXTLINE(cert-env33-c): asks the shell for python3, as the documented example does
  if (std::system("python3 -c 'import sys' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  start_daemon();
  // BGO_SOURCE_DIR, not __FILE__: Ninja compiles by a path relative to the build folder.
  const auto root = std::filesystem::path(BGO_SOURCE_DIR);
  const std::string script = (root / "docs" / "examples" / "bgo_client.py").string();
  ASSERT_TRUE(std::filesystem::exists(script)) << script;
  const std::string env = "BGO_HOME='" + home_.string() + "' ";
  auto run = [&](const std::string& args, int& code) {
    const std::string cmd = env + "python3 '" + script + "' " + args + " 2>&1";
    std::string out;
    // NOLINTNEXTLINE(cert-env33-c): runs the example client the way docs/examples shows it
    FILE* p = ::popen(cmd.c_str(), "r");
    if (p == nullptr) return out;
    char buf[4096];
    size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int status = ::pclose(p);
    code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
  };
  int code = -1;
  std::string out = run("call hello '{}'", code);
  EXPECT_EQ(code, 0) << out;
  json::error_code ec;
  json::value v = json::parse(out, ec);
  ASSERT_FALSE(ec) << out;
  EXPECT_EQ(v.at("protocol"), 1);
  out = run(R"(call get '{"name": "ghost"}')", code);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("-32001"), std::string::npos) << out;
  out = run("", code);  // the table view
  EXPECT_EQ(code, 0) << out;
}

// A smaller cousin of bench/rpc_load: many clients at once, every answer matches its request.
TEST_F(ProtocolTest, ConcurrentClientsAllAnsweredCorrectly) {
  start_daemon();
  for (int i = 0; i < 10; ++i) start_ok("p" + std::to_string(i), {});
  constexpr int k_clients = 48;
  constexpr int k_requests = 25;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  threads.reserve(k_clients);
  for (int t = 0; t < k_clients; ++t) {
    threads.emplace_back([&, t] {
      RawClient c(sock());
      if (!c.ok()) {
        wrong += k_requests;
        return;
      }
      for (int k = 0; k < k_requests; ++k) {
        const std::string name = "p" + std::to_string((t + k) % 10);
        json::value v = k % 2 == 0 ? c.call("get", {{"name", name}}) : c.call("list");
        const bool ok = k % 2 == 0 ? v.at("result").at("name") == json::value(name)
                                   : v.at("result").at("processes").as_array().size() == 10u;
        if (!ok) ++wrong;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace bgo::test
