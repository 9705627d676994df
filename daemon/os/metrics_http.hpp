// SPDX-License-Identifier: MIT
// bgod --metrics-listen: the metrics page over HTTP (GET /metrics) on bgod's loop, with Beast.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/errors.hpp"
#include "common/unique_fd.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// Where --metrics-listen binds: an IP address as typed and a port.
struct MetricsListen {
  std::string address;  // 127.0.0.1, ::1, 0.0.0.0, … (IPv6 without brackets)
  uint16_t port = 0;    // 0: any free port (the URL says which)
};

// Whether --metrics-listen may name an address that other machines can reach.
enum class RemoteMetrics { refuse, allow };

// Parses --metrics-listen's value: `PORT` (on 127.0.0.1), `ADDRESS:PORT` or `[IPV6]:PORT`,
// where ADDRESS is an IP address or `localhost` (127.0.0.1): no name is looked up. An address
// outside 127.0.0.0/8 and ::1 is refused unless `remote` is allow (--metrics-allow-remote):
// the page names every process, and nothing guards it but the address. Errors:
// invalid_params with the message for the user.
Result<MetricsListen> parse_metrics_listen(std::string_view text, RemoteMetrics remote);

// A listening socket for the metrics and the URL of its page, with the port actually bound.
struct MetricsSocket {
  UniqueFd fd;      // non-blocking, close-on-exec, listening
  std::string url;  // http://127.0.0.1:9100/metrics, http://[::1]:9100/metrics
};
// Binds and listens on `where`. Called before the loop runs, so that bgod refuses to start
// rather than run without the page it was asked for. Errors: io_error with a message naming
// the address and the cause ("127.0.0.1:9100 is already in use …"); `cause` has the errno.
Result<MetricsSocket> listen_metrics(const MetricsListen& where);

struct MetricsHttpLimits {
  std::size_t max_request_bytes = 8192;     // request line and headers; a body is refused
  std::chrono::milliseconds timeout{5000};  // from accept to a complete request
  std::chrono::milliseconds linger{1000};   // after the answer, for the client to close first
  std::size_t max_connections = 16;         // one more is closed at once, unanswered
};

// Serves `page()` at GET (and HEAD) /metrics with the OpenMetrics content type; any other
// path is 404, any other method on /metrics 405 (with Allow), a malformed request 400, one
// over max_request_bytes 431, one with a body 413. One request per connection: the answer
// says `Connection: close` and the connection is closed after it, or at `timeout` when no
// complete request came (a timer armed at accept: nothing is polled).
// Single-threaded: everything runs on `io`'s thread; `page` is called there.
class MetricsHttpServer {
 public:
  MetricsHttpServer(boost::asio::io_context& io, UniqueFd listening,
                    std::function<std::string()> page, MetricsHttpLimits limits = {});
  ~MetricsHttpServer();  // stop()
  MetricsHttpServer(const MetricsHttpServer&) = delete;
  MetricsHttpServer& operator=(const MetricsHttpServer&) = delete;

  void start();
  // Closes the listening socket and every open connection; idempotent.
  void stop();
  std::size_t open_connections() const;
  // The listening descriptor, for a live upgrade's hand-over (-1 once stopped).
  int listening_fd() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bgo::daemon
