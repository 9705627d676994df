// SPDX-License-Identifier: MIT
// bgod --metrics-listen (docs/metrics.md, issue #19): the page over HTTP from a real bgod, the
// same as `bgo status --json` says; a port in use or a non-loopback address stops bgod before
// it starts anything.
#include <arpa/inet.h>
#include <csignal>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/metrics_support.hpp"
#include "tests/support/wait_until.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// A TCP socket listening on 127.0.0.1 at a port the kernel chose; closed at the end.
class TakenPort {
 public:
  TakenPort() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    EXPECT_EQ(::listen(fd_, 1), 0);
    EXPECT_EQ(::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len), 0);
    port_ = ntohs(a.sin_port);
  }
  ~TakenPort() { ::close(fd_); }
  TakenPort(const TakenPort&) = delete;
  TakenPort& operator=(const TakenPort&) = delete;
  uint16_t port() const { return port_; }

 private:
  int fd_;
  uint16_t port_ = 0;
};

// One HTTP exchange on a raw socket: `request` out, everything until the server closes in.
std::string http(uint16_t port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  std::string in;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
          static_cast<ssize_t>(request.size())) {
    ::close(fd);
    return "<no connection>";
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
      in += "<not closed>";
      break;
    }
    char buf[65536];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return in;
}

std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "" : response.substr(at + 4);
}

class MetricsHttpTest : public DaemonTest {
 protected:
  // Starts bgod with `flags`, waits until it answers; its output goes to bgod.log.
  std::unique_ptr<Background> start_bgod(const std::vector<std::string>& flags) {
    fs::create_directories(home_);
    std::vector<std::string> argv{bin("bgod")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    auto daemon = std::make_unique<Background>(argv, home_, home_ / "bgod.log");
    extra_pids_.push_back(daemon->pid());
    EXPECT_TRUE(wait_until([&] { return daemon_pid() == daemon->pid(); }));
    return daemon;
  }

  // The port of `bgo daemon status`' metrics_url (http://127.0.0.1:PORT/metrics).
  uint16_t metrics_port() {
    RunResult r = bgo({"daemon", "status", "--json"});
    EXPECT_EQ(r.code, 0) << r.err;
    const json::value status = json::parse(r.out);
    const std::string url(status.at("metrics_url").as_string());
    EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0U) << url;
    EXPECT_EQ(url.substr(url.size() - 8), "/metrics") << url;
    return static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  }

  // A bgod run to its end: exit code and output (stderr included).
  std::pair<int, std::string> run_bgod(const std::vector<std::string>& flags) {
    fs::create_directories(home_);
    std::vector<std::string> argv{bin("bgod")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    Background daemon(argv, home_);
    extra_pids_.push_back(daemon.pid());
    const bool ended = wait_until([&] { return !pid_alive(daemon.pid()); });
    EXPECT_TRUE(ended) << "bgod kept running";
    const int code = daemon.stop(ended ? 0 : SIGKILL);
    return {code, daemon.output()};
  }

  // Nothing of a bgod was started in the home: no socket, no pid file, no child.
  void expect_nothing_started() {
    EXPECT_FALSE(fs::exists(home_ / "bgo.sock"));
    EXPECT_FALSE(fs::exists(home_ / "bgod.pid"));
    EXPECT_TRUE(!fs::exists(home_ / "procs") || fs::is_empty(home_ / "procs"));
  }
};

TEST_F(MetricsHttpTest, GetMetricsServesEveryProcessWithTheFiguresOfStatusJson) {
  auto daemon = start_bgod({"--metrics-listen", "127.0.0.1:0"});
  const uint16_t port = metrics_port();
  start_ok("web", {});
  start_ok("job", {"--after", "200", "--exit", "7"});
  ASSERT_TRUE(wait_until([&] { return row("job")->at("status") == "stopped"; }));

  const json::value before = status_json();
  const std::string response = http(port, "GET /metrics HTTP/1.1\r\nHost: bgo\r\n\r\n");
  const json::value after = status_json();
  ASSERT_EQ(stable_fields(before), stable_fields(after));
  EXPECT_EQ(response.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << response;
  EXPECT_NE(response.find("Content-Type: application/openmetrics-text; version=1.0.0; "
                          "charset=utf-8\r\n"),
            std::string::npos)
      << response;
  const OmExposition page = parsed_metrics(body_of(response));
  expect_same_figures(page, after.as_array());
  EXPECT_EQ(page.value("bgo_process_last_exit_code", {{"name", "job"}}), 7.0);
  EXPECT_EQ(page.value("bgo_daemon_processes"), 2.0);

  // The same families and processes as `bgo metrics`.
  RunResult r = bgo({"metrics"});
  ASSERT_EQ(r.code, 0) << r.err;
  const OmExposition cli = parsed_metrics(r.out);
  ASSERT_EQ(cli.families.size(), page.families.size());
  for (size_t i = 0; i < cli.families.size(); ++i) {
    EXPECT_EQ(cli.families[i].name, page.families[i].name);
  }
  EXPECT_EQ(cli.find("bgo_process_up").size(), page.find("bgo_process_up").size());

  EXPECT_EQ(http(port, "GET /other HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404 ", 0), 0U);
  EXPECT_EQ(
      http(port, "PUT /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").rfind("HTTP/1.1 405 ", 0),
      0U);
  EXPECT_EQ(daemon->stop(SIGTERM), 0);
  EXPECT_EQ(http(port, "GET /metrics HTTP/1.1\r\n\r\n"), "<no connection>");
}

TEST_F(MetricsHttpTest, APortInUseStopsBgodWithAClearErrorBeforeItStartsAnything) {
  const TakenPort taken;
  const std::string where = "127.0.0.1:" + std::to_string(taken.port());
  const auto [code, output] = run_bgod({"--metrics-listen", where});
  EXPECT_EQ(code, 1);
  EXPECT_NE(output.find("bgod: --metrics-listen " + where + " is already in use"),
            std::string::npos)
      << output;
  expect_nothing_started();
  // The home is free for the next bgod (no lock left behind).
  RunResult r = bgo({"daemon", "start"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(MetricsHttpTest, ANonLoopbackAddressNeedsMetricsAllowRemote) {
  const auto [code, output] = run_bgod({"--metrics-listen", "0.0.0.0:0"});
  EXPECT_EQ(code, 2);
  EXPECT_NE(output.find("not a loopback address"), std::string::npos) << output;
  EXPECT_NE(output.find("--metrics-allow-remote"), std::string::npos) << output;
  expect_nothing_started();

  auto daemon = start_bgod({"--metrics-listen", "0.0.0.0:0", "--metrics-allow-remote"});
  RunResult r = bgo({"daemon", "status", "--json"});
  const std::string url(json::parse(r.out).at("metrics_url").as_string());
  EXPECT_EQ(url.rfind("http://0.0.0.0:", 0), 0U) << url;
  const auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  EXPECT_EQ(http(port, "GET /metrics HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 200 OK\r\n", 0), 0U);
  EXPECT_EQ(daemon->stop(SIGTERM), 0);
}

TEST_F(MetricsHttpTest, WithoutTheFlagNothingListens) {
  RunResult r = bgo({"daemon", "start"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = bgo({"daemon", "status", "--json"});
  EXPECT_TRUE(json::parse(r.out).at("metrics_url").is_null()) << r.out;
  EXPECT_FALSE(contains(read_file(home_ / "bgod.log"), "metrics: serving"));
}

}  // namespace
}  // namespace bgo::test
