// SPDX-License-Identifier: MIT
// MetricsHttpServer: one Connection object per accepted socket, kept alive by its handlers.
#include "daemon/os/metrics_http.hpp"

#include <arpa/inet.h>
#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "proto/openmetrics.hpp"

namespace bgo::daemon {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error listen_error(std::string message) {
  return make_error(Errc::invalid_params, "invalid --metrics-listen value: " + std::move(message));
}

std::optional<uint16_t> parse_port(std::string_view text) {
  if (text.empty() || text.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

bool is_loopback(const std::string& address) {
  in_addr v4{};
  if (::inet_pton(AF_INET, address.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return ::inet_pton(AF_INET6, address.c_str(), &v6) == 1 &&
         (IN6_IS_ADDR_LOOPBACK(&v6) ||
          (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127));  // NOLINT: glibc's macros
}

bool is_ipv6(const std::string& address) { return address.find(':') != std::string::npos; }

std::string host_port(const std::string& address, uint16_t port) {
  return (is_ipv6(address) ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

Result<MetricsListen> parse_metrics_listen(std::string_view text, RemoteMetrics remote) {
  MetricsListen out;
  std::string_view port_text = text;
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find("]:");
    if (close == std::string_view::npos) {
      return listen_error("'" + std::string(text) + "': expected [IPV6]:PORT");
    }
    out.address = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    in6_addr v6{};
    if (::inet_pton(AF_INET6, out.address.c_str(), &v6) != 1) {
      return listen_error("'" + out.address + "' is not an IPv6 address");
    }
  } else if (const size_t colon = text.rfind(':'); colon != std::string_view::npos) {
    out.address = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (out.address.find(':') != std::string::npos) {
      return listen_error("an IPv6 address goes in brackets, as in [::1]:9100");
    }
    if (out.address == "localhost") out.address = "127.0.0.1";
    in_addr v4{};
    if (::inet_pton(AF_INET, out.address.c_str(), &v4) != 1) {
      return listen_error("'" + out.address +
                          "' is not an IP address (bgod looks no name up: give 127.0.0.1, ::1 "
                          "or the address of an interface)");
    }
  } else {
    out.address = "127.0.0.1";
  }
  const auto port = parse_port(port_text);
  if (!port) {
    return listen_error("'" + std::string(port_text) + "' is not a port number (0 to 65535)");
  }
  out.port = *port;
  if (remote == RemoteMetrics::refuse && !is_loopback(out.address)) {
    return make_error(Errc::invalid_params,
                      "--metrics-listen " + host_port(out.address, out.port) +
                          ": not a loopback address, so other machines could read the metrics "
                          "(the name of every process); add --metrics-allow-remote if that is "
                          "what you want");
  }
  return out;
}

Result<MetricsSocket> listen_metrics(const MetricsListen& where) {
  const std::string what = host_port(where.address, where.port);
  sockaddr_storage storage{};
  socklen_t length = 0;
  const bool v6 = is_ipv6(where.address);
  if (v6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&storage);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(where.port);
    if (::inet_pton(AF_INET6, where.address.c_str(), &a->sin6_addr) != 1) {
      return make_error(Errc::invalid_params, what + ": not an IPv6 address");
    }
    length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&storage);
    a->sin_family = AF_INET;
    a->sin_port = htons(where.port);
    if (::inet_pton(AF_INET, where.address.c_str(), &a->sin_addr) != 1) {
      return make_error(Errc::invalid_params, what + ": not an IPv4 address");
    }
    length = sizeof(sockaddr_in);
  }
  UniqueFd fd(::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error(Errc::io_error, what + ": " + std::strerror(errno), errno);
  // SO_REUSEADDR: a bgod restarted at once may bind while the last one's connections are in
  // TIME_WAIT. It does not let two sockets listen on one port: that is still EADDRINUSE.
  const int one = 1;
  (void)::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  // [::] means IPv6 only, whatever net.ipv6.bindv6only says: 0.0.0.0 is named on its own.
  if (v6) (void)::setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&storage), length) != 0 ||
      ::listen(fd.get(), SOMAXCONN) != 0) {
    const int err = errno;
    std::string why;
    switch (err) {
      case EADDRINUSE:
        why =
            " is already in use (another program, or another bgod, listens there): choose "
            "another port";
        break;
      case EADDRNOTAVAIL:
        why = ": no interface of this machine has that address";
        break;
      case EACCES:
        why = ": permission denied (ports below 1024 need privileges)";
        break;
      default:
        why = std::string(": ") + std::strerror(err);
    }
    return errno_error(Errc::io_error, what + why, err);
  }
  socklen_t bound_length = sizeof storage;
  if (::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&storage), &bound_length) != 0) {
    return errno_error(Errc::io_error, what + ": " + std::strerror(errno), errno);
  }
  const uint16_t port = ntohs(v6 ? reinterpret_cast<sockaddr_in6*>(&storage)->sin6_port
                                 : reinterpret_cast<sockaddr_in*>(&storage)->sin_port);
  return MetricsSocket{std::move(fd), "http://" + host_port(where.address, port) + "/metrics"};
}

// ---- the server ---------------------------------------------------------------------------

namespace {

class MetricsConnection;

// The listening socket and what its connections share. Connections point back to it weakly:
// it may be gone (bgod stopping) while their last handlers still run.
struct Listener : std::enable_shared_from_this<Listener> {
  Listener(asio::io_context& io, UniqueFd listening, std::function<std::string()> page_fn,
           MetricsHttpLimits l)
      : acceptor(io), retry(io), page(std::move(page_fn)), limits(l) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    (void)::getsockname(listening.get(), reinterpret_cast<sockaddr*>(&storage), &length);
    acceptor.assign(storage.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), listening.release());
  }

  void accept();
  void on_accepted(const error_code& ec, tcp::socket socket);
  void stop();

  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after an accept error (EMFILE): try again a little later
  std::function<std::string()> page;
  MetricsHttpLimits limits;
  std::map<uint64_t, std::weak_ptr<MetricsConnection>> open;
  uint64_t next_id = 0;
  bool stopped = false;
};

constexpr std::string_view k_server = "bgod/" BGO_VERSION;

// The path of a request target without its query: Prometheus may add parameters.
std::string_view path_of(std::string_view target) { return target.substr(0, target.find('?')); }

// One connection: read one request (bounded in size and time), answer, close. Every handler
// holds a shared_ptr to it, so it lives until the last one has run.
class MetricsConnection : public std::enable_shared_from_this<MetricsConnection> {
 public:
  MetricsConnection(tcp::socket socket, std::weak_ptr<Listener> server, uint64_t id,
                    const MetricsHttpLimits& limits)
      : socket_(std::move(socket)),
        deadline_(socket_.get_executor()),
        buffer_(limits.max_request_bytes),
        server_(std::move(server)),
        id_(id),
        limits_(limits) {}
  ~MetricsConnection() {
    if (auto s = server_.lock()) s->open.erase(id_);
  }
  MetricsConnection(const MetricsConnection&) = delete;
  MetricsConnection& operator=(const MetricsConnection&) = delete;

  void start() {
    arm(limits_.timeout);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.max_request_bytes));
    http::async_read(
        socket_, buffer_, *parser_,
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_read(ec); });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    deadline_.cancel();
    error_code ignored;
    socket_.close(ignored);  // cancels what is pending: its handlers see closed_
  }

 private:
  void arm(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->close();
    });
  }

  void on_read(const error_code& ec) {
    if (closed_) return;
    if (ec == http::error::end_of_stream || ec == asio::error::eof ||
        ec == asio::error::connection_reset) {
      return close();  // gone before a whole request: nobody to answer
    }
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      return answer(http::status::request_header_fields_too_large, "request too large\n");
    }
    if (ec == http::error::unexpected_body) {
      return answer(http::status::payload_too_large, "no request body is accepted\n");
    }
    if (ec) return answer(http::status::bad_request, "bad request\n");
    const auto& request = parser_->get();
    if (path_of(request.target()) != "/metrics") {
      return answer(http::status::not_found, "not found: the metrics are at /metrics\n");
    }
    const bool head = request.method() == http::verb::head;
    if (request.method() != http::verb::get && !head) {
      return answer(http::status::method_not_allowed, "only GET and HEAD\n");
    }
    auto server = server_.lock();
    if (!server) return close();
    std::string page;
    try {
      page = server->page();
    } catch (const std::exception& e) {  // never out of a completion handler
      spdlog::error("metrics page: {}", e.what());
      return answer(http::status::internal_server_error, "internal error\n");
    }
    answer(http::status::ok, std::move(page), head);
  }

  void answer(http::status status, std::string body, bool head = false) {
    response_.emplace(status, 11);
    response_->set(http::field::server, k_server);
    response_->set(http::field::content_type, status == http::status::ok
                                                  ? proto::k_openmetrics_content_type
                                                  : std::string_view("text/plain; charset=utf-8"));
    if (status == http::status::method_not_allowed) response_->set(http::field::allow, "GET, HEAD");
    response_->keep_alive(false);
    response_->body() = std::move(body);
    response_->prepare_payload();
    if (head) response_->body().clear();  // Content-Length stays that of the page
    http::async_write(
        socket_, *response_,
        [self = shared_from_this()](const error_code& ec, std::size_t) { self->on_written(ec); });
  }

  // Half-close, then read until the client closes (or `linger` passes): closing with unread
  // bytes in the socket (the rest of an oversized request) would send a reset, which can
  // destroy the answer before the client has read it.
  void on_written(const error_code& ec) {
    if (closed_) return;
    if (ec) return close();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    arm(limits_.linger);
    drain();
  }

  void drain() {
    socket_.async_read_some(asio::buffer(scratch_),
                            [self = shared_from_this()](const error_code& ec, std::size_t) {
                              if (self->closed_) return;
                              if (ec) return self->close();
                              self->drain();
                            });
  }

  tcp::socket socket_;
  asio::steady_timer deadline_;
  boost::beast::flat_buffer buffer_;  // its limit caps the request line and headers too
  std::optional<http::request_parser<http::empty_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::array<char, 4096> scratch_{};
  std::weak_ptr<Listener> server_;
  uint64_t id_;
  MetricsHttpLimits limits_;
  bool closed_ = false;
};

void Listener::accept() {
  acceptor.async_accept([self = shared_from_this()](const error_code& ec, tcp::socket socket) {
    self->on_accepted(ec, std::move(socket));
  });
}

void Listener::on_accepted(const error_code& ec, tcp::socket socket) {
  if (stopped) return;
  if (ec) {
    // Out of descriptors, most likely: the pending connection stays in the backlog.
    spdlog::warn("metrics: accept failed: {}", ec.message());
    retry.expires_after(std::chrono::milliseconds(100));
    retry.async_wait([self = shared_from_this()](const error_code& e) {
      if (!e && !self->stopped) self->accept();
    });
    return;
  }
  if (open.size() >= limits.max_connections) {
    error_code ignored;
    socket.close(ignored);  // over the cap: no answer, no memory spent
  } else {
    const uint64_t id = next_id++;
    auto conn =
        std::make_shared<MetricsConnection>(std::move(socket), weak_from_this(), id, limits);
    open.emplace(id, conn);
    conn->start();
  }
  accept();
}

void Listener::stop() {
  if (stopped) return;
  stopped = true;
  error_code ignored;
  acceptor.close(ignored);
  retry.cancel();
  // close() does not erase: the connections leave `open` as their last handlers end.
  for (const auto& [id, weak] : std::map(open)) {
    if (auto conn = weak.lock()) conn->close();
  }
}

}  // namespace

struct MetricsHttpServer::Impl {
  std::shared_ptr<Listener> listener;
};

MetricsHttpServer::MetricsHttpServer(asio::io_context& io, UniqueFd listening,
                                     std::function<std::string()> page, MetricsHttpLimits limits)
    : impl_(std::make_unique<Impl>(
          Impl{std::make_shared<Listener>(io, std::move(listening), std::move(page), limits)})) {}

MetricsHttpServer::~MetricsHttpServer() { stop(); }

void MetricsHttpServer::start() { impl_->listener->accept(); }

void MetricsHttpServer::stop() { impl_->listener->stop(); }

std::size_t MetricsHttpServer::open_connections() const { return impl_->listener->open.size(); }

int MetricsHttpServer::listening_fd() const {
  auto& acceptor = impl_->listener->acceptor;
  return acceptor.is_open() ? acceptor.native_handle() : -1;
}

}  // namespace bgo::daemon
