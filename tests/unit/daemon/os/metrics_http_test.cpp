// SPDX-License-Identifier: MIT
// --metrics-listen: the address rules, binding (a port in use), and MetricsHttpServer on a
// real io_context with raw clients on the same loop: answers, errors, limits, timeouts, stop.
#include "daemon/os/metrics_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

#include "proto/openmetrics.hpp"
#include "tests/unit/daemon/os/io_wait.hpp"

namespace bgo::daemon {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

TEST(MetricsListen, APortAloneIsOnLoopback) {
  auto l = parse_metrics_listen("9100", RemoteMetrics::refuse);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->address, "127.0.0.1");
  EXPECT_EQ(l->port, 9100);
}

TEST(MetricsListen, LoopbackAddressesInEverySpelling) {
  const std::vector<std::tuple<std::string, std::string, uint16_t>> ok = {
      {"127.0.0.1:9100", "127.0.0.1", 9100}, {"localhost:9100", "127.0.0.1", 9100},
      {"127.1.2.3:1", "127.1.2.3", 1},       {"[::1]:9100", "::1", 9100},
      {"127.0.0.1:0", "127.0.0.1", 0},       {"[::ffff:127.0.0.1]:80", "::ffff:127.0.0.1", 80},
  };
  for (const auto& [text, address, port] : ok) {
    auto l = parse_metrics_listen(text, RemoteMetrics::refuse);
    ASSERT_TRUE(l) << text << ": " << l.error().message;
    EXPECT_EQ(l->address, address) << text;
    EXPECT_EQ(l->port, port) << text;
  }
}

TEST(MetricsListen, OtherAddressesOnlyWhenRemoteIsAllowed) {
  for (const char* text : {"0.0.0.0:9100", "192.168.1.5:9100", "[::]:9100", "[2001:db8::1]:80"}) {
    auto refused = parse_metrics_listen(text, RemoteMetrics::refuse);
    ASSERT_FALSE(refused) << text;
    EXPECT_NE(refused.error().message.find("not a loopback address"), std::string::npos);
    EXPECT_NE(refused.error().message.find("--metrics-allow-remote"), std::string::npos);
    EXPECT_TRUE(parse_metrics_listen(text, RemoteMetrics::allow)) << text;
  }
}

TEST(MetricsListen, RefusesWhatIsNoAddressAndPort) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"", "not a port number"},
      {"65536", "not a port number"},
      {"127.0.0.1:", "not a port number"},
      {"127.0.0.1:http", "not a port number"},
      {"example.com:9100", "looks no name up"},
      {"::1:9100", "in brackets"},
      {"[::1]", "expected [IPV6]:PORT"},
      {"[nope]:80", "not an IPv6 address"},
      {"256.0.0.1:80", "not an IP address"},
  };
  for (const auto& [text, why] : bad) {
    auto l = parse_metrics_listen(text, RemoteMetrics::allow);
    ASSERT_FALSE(l) << text;
    EXPECT_EQ(l.error().code, Errc::invalid_params);
    EXPECT_NE(l.error().message.find(why), std::string::npos) << text << ": " << l.error().message;
  }
}

TEST(MetricsListen, PortZeroBindsAFreePortAndTheUrlNamesIt) {
  auto s = listen_metrics({"127.0.0.1", 0});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->fd);
  EXPECT_EQ(s->url.rfind("http://127.0.0.1:", 0), 0U) << s->url;
  EXPECT_EQ(s->url.find("http://127.0.0.1:0/"), std::string::npos) << s->url;
  EXPECT_EQ(s->url.substr(s->url.size() - 8), "/metrics");
}

TEST(MetricsListen, APortInUseIsAClearError) {
  asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const uint16_t port = taken.local_endpoint().port();
  auto s = listen_metrics({"127.0.0.1", port});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::io_error);
  EXPECT_EQ(s.error().cause, std::errc::address_in_use);
  EXPECT_EQ(s.error().message, "127.0.0.1:" + std::to_string(port) +
                                   " is already in use (another program, or another bgod, "
                                   "listens there): choose another port");
}

// A server on the test's loop and raw clients talking to it.
class MetricsHttpTest : public ::testing::Test {
 protected:
  void start(MetricsHttpLimits limits = {}) {
    auto s = listen_metrics({"127.0.0.1", 0});
    ASSERT_TRUE(s) << s.error().message;
    port_ = static_cast<uint16_t>(std::stoi(s->url.substr(s->url.rfind(':') + 1)));
    server_ = std::make_unique<MetricsHttpServer>(
        io_, std::move(s->fd),
        [this] {
          ++pages_;
          return page_;
        },
        limits);
    server_->start();
  }

  tcp::socket connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_));
    return socket;
  }

  // Sends `request` on a new connection and reads until the server closes it.
  std::string exchange(const std::string& request) {
    tcp::socket socket = connect();
    asio::write(socket, asio::buffer(request));
    return read_to_end(socket);
  }

  // Everything the server sends until it closes; "<open>" if it has not within 5 s.
  std::string read_to_end(tcp::socket& socket) {
    std::string in;
    bool done = false;
    asio::async_read(socket, asio::dynamic_buffer(in),
                     [&done](const boost::system::error_code&, std::size_t) { done = true; });
    if (!test::run_until(
            io_, [&] { return done; }, 5s))
      return "<open>";
    return in;
  }

  asio::io_context io_;
  std::unique_ptr<MetricsHttpServer> server_;
  uint16_t port_ = 0;
  std::string page_ = "# TYPE up gauge\nup 1\n# EOF\n";
  int pages_ = 0;
};

std::string body_of(const std::string& response) {
  const auto at = response.find("\r\n\r\n");
  return at == std::string::npos ? "<no header end>" : response.substr(at + 4);
}

TEST_F(MetricsHttpTest, GetMetricsIsThePageAsOpenMetricsAndTheConnectionCloses) {
  start();
  const std::string r = exchange("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << r;
  EXPECT_NE(r.find("Content-Type: " + std::string(proto::k_openmetrics_content_type) + "\r\n"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("Content-Length: " + std::to_string(page_.size()) + "\r\n"), std::string::npos);
  EXPECT_NE(r.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), page_);
  EXPECT_EQ(pages_, 1);
  // A query string (Prometheus' params) is the same page; HTTP/1.0 too.
  EXPECT_EQ(body_of(exchange("GET /metrics?x=1 HTTP/1.0\r\n\r\n")), page_);
  EXPECT_EQ(pages_, 2);
}

TEST_F(MetricsHttpTest, HeadHasTheHeadersAndNoBody) {
  start();
  const std::string r = exchange("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0U) << r;
  EXPECT_NE(r.find("Content-Length: " + std::to_string(page_.size()) + "\r\n"), std::string::npos);
  EXPECT_EQ(body_of(r), "");
}

TEST_F(MetricsHttpTest, OtherPathsAre404AndOtherMethods405) {
  start();
  std::string r = exchange("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0U) << r;
  r = exchange("GET /metrics/x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0U) << r;
  r = exchange("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0U) << r;
  EXPECT_NE(r.find("Allow: GET, HEAD\r\n"), std::string::npos) << r;
  r = exchange("DELETE /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 405 ", 0), 0U) << r;
  EXPECT_EQ(pages_, 0);  // the page is built only for an answer that carries it
}

TEST_F(MetricsHttpTest, BadRequestsAreAnsweredAndClosed) {
  start();
  std::string r = exchange("hello\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0U) << r;
  r = exchange("GET /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(r.rfind("HTTP/1.1 413 Payload Too Large\r\n", 0), 0U) << r;
  EXPECT_EQ(pages_, 0);
}

TEST_F(MetricsHttpTest, ARequestOverTheSizeLimitIs431) {
  start({.max_request_bytes = 1024});
  const std::string r =
      exchange("GET /metrics HTTP/1.1\r\nX-Big: " + std::string(4000, 'a') + "\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 431 Request Header Fields Too Large\r\n", 0), 0U) << r;
  EXPECT_EQ(pages_, 0);
}

TEST_F(MetricsHttpTest, AConnectionWithoutARequestIsClosedAtTheTimeout) {
  start({.timeout = 50ms});
  tcp::socket idle = connect();
  const auto began = std::chrono::steady_clock::now();
  EXPECT_EQ(read_to_end(idle), "");  // closed without an answer
  EXPECT_GE(std::chrono::steady_clock::now() - began, 50ms);
  EXPECT_TRUE(test::run_until(
      io_, [&] { return server_->open_connections() == 0; }, 5s));
}

TEST_F(MetricsHttpTest, OverTheConnectionCapANewConnectionIsClosedUnanswered) {
  start({.max_connections = 2});
  tcp::socket a = connect();
  tcp::socket b = connect();
  ASSERT_TRUE(test::run_until(
      io_, [&] { return server_->open_connections() == 2; }, 5s));
  EXPECT_EQ(exchange("GET /metrics HTTP/1.1\r\n\r\n"), "");
  // The two that were there are still served.
  asio::write(a, asio::buffer(std::string("GET /metrics HTTP/1.1\r\n\r\n")));
  EXPECT_EQ(body_of(read_to_end(a)), page_);
}

TEST_F(MetricsHttpTest, StopClosesTheListenerAndOpenConnections) {
  start();
  tcp::socket open = connect();
  ASSERT_TRUE(test::run_until(
      io_, [&] { return server_->open_connections() == 1; }, 5s));
  server_->stop();
  EXPECT_EQ(read_to_end(open), "");
  tcp::socket late(io_);
  boost::system::error_code ec;
  late.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);
  EXPECT_EQ(ec, asio::error::connection_refused);
}

}  // namespace
}  // namespace bgo::daemon
