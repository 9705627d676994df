// SPDX-License-Identifier: MIT
// ControlServer.
#include "daemon/rpc/control_server.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/event_hub.hpp"

namespace bgo::daemon {

using boost::asio::local::stream_protocol;

namespace {

std::optional<double> positive_env(const char* name) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || !std::isfinite(v) || v <= 0) {
    spdlog::warn("ignoring {}={}: not a positive number", name, text);
    return std::nullopt;
  }
  return v;
}

}  // namespace

ServerLimits ServerLimits::from_environment() {
  ServerLimits limits;
  if (auto n = positive_env("BGO_MAX_CONNECTIONS"); n && *n >= 1) {
    limits.max_connections = static_cast<size_t>(std::min(*n, 1e6));
  }
  if (auto s = positive_env("BGO_IDLE_TIMEOUT")) {
    limits.session.idle_timeout =
        std::chrono::milliseconds(static_cast<int64_t>(std::ceil(std::min(*s, 1e9) * 1000)));
  }
  return limits;
}

ControlServer::ControlServer(boost::asio::io_context& io, const DaemonLock&, const Paths& paths,
                             Dispatcher& dispatcher, EventHub& hub, int inherited_fd,
                             ServerLimits limits)
    : acceptor_(io), retry_(io), dispatcher_(dispatcher), hub_(hub), limits_(limits) {
  if (inherited_fd >= 0) {
    acceptor_.assign(stream_protocol(), inherited_fd);
    return;
  }
  const std::string path = paths.socket().string();
  // We hold bgod.lock, so whatever socket is there belongs to a dead daemon. The home is 0700
  // and ours, so nobody else can create a file between this unlink and the bind.
  ::unlink(path.c_str());
  acceptor_.open(stream_protocol());
  // Bind with a restrictive umask so the socket is born 0600: there is no window in which it
  // is more open. (bgod has one thread, so the process-wide umask cannot leak elsewhere.)
  const mode_t old = ::umask(0177);
  boost::system::error_code ec;
  acceptor_.bind(stream_protocol::endpoint(path), ec);
  ::umask(old);
  if (ec) throw boost::system::system_error(ec, "bind " + path);
  ::chmod(path.c_str(), 0600);
  acceptor_.listen(512);
}

void ControlServer::start() {
  // Accepts made outside async_accept (accept_with_spare) must never block the loop.
  boost::system::error_code ignored;
  acceptor_.non_blocking(true, ignored);
  accept();
}

void ControlServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  retry_.cancel();
}

void ControlServer::hold() {
  held_ = true;
  boost::system::error_code ignored;
  acceptor_.cancel(ignored);  // the pending accept ends with operation_aborted
  retry_.cancel();
}

void ControlServer::release() {
  if (!std::exchange(held_, false)) return;
  accept();
}

void ControlServer::accept() {
  if (held_) return;      // a completed accept of before the hold: the rest wait in the backlog
  (void)spare_.refill();  // false at the limit: then it is taken on a later accept
  acceptor_.async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
          on_accepted(std::move(socket));
          return accept();
        }
        if (ec.value() == EMFILE || ec.value() == ENFILE || ec.value() == ENOBUFS ||
            ec.value() == ENOMEM) {
          // The pending connection stays queued and the listening socket stays readable, so
          // accepting again at once would spin. The spare descriptor makes room for it; without
          // one, evicting a session does; with nothing to evict, try again a little later.
          if (accept_with_spare()) return accept();
          if (evict_one("out of file descriptors")) return accept();
          spdlog::warn("accept: {}; retrying in 100 ms", ec.message());
          retry_.expires_after(std::chrono::milliseconds(100));
          retry_.async_wait([this](const boost::system::error_code& tec) {
            if (!tec && acceptor_.is_open()) accept();
          });
          return;
        }
        spdlog::warn("accept: {}", ec.message());  // e.g. ECONNABORTED: that client is gone
        accept();
      });
}

void ControlServer::on_accepted(stream_protocol::socket socket) {
  // The socket file is 0600, but permissions can be loosened (chmod, a socket unit's
  // SocketMode): the kernel's record of the peer's uid is what decides.
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
      cred.uid != ::getuid()) {
    // One line per 10 s at most: another user must not be able to fill bgod.log.
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_refusal_log_) {
      if (refusals_unlogged_ > 0) {
        spdlog::warn("refused {} more connection(s) from other users", refusals_unlogged_);
      }
      spdlog::warn("refused a connection from uid {} (pid {})", cred.uid, cred.pid);
      refusals_unlogged_ = 0;
      next_refusal_log_ = now + std::chrono::seconds(10);
    } else {
      ++refusals_unlogged_;
    }
    boost::system::error_code ignored;
    socket.close(ignored);
    return;
  }
  while (hub_.connections() >= limits_.max_connections) {
    if (!evict_one("connection cap reached")) break;
  }
  auto session = std::make_shared<Session>(std::move(socket), dispatcher_, limits_.session,
                                           [this](Session* s) {
                                             hub_.remove(s);
                                             (void)spare_.refill();
                                           });
  hub_.add(session);
  session->start();
}

// Out of descriptors (EMFILE/ENFILE): the spare is closed so that the client waiting in the
// backlog can be accepted into its number and served (list, status, stop, delete and `daemon
// stop` need no descriptor of their own beyond the headroom a start leaves free). The spare is
// taken again once a descriptor is free. False when no spare was held.
bool ControlServer::accept_with_spare() {
  if (!spare_.held()) return false;
  spare_.release();
  stream_protocol::socket socket(acceptor_.get_executor());
  boost::system::error_code ec;
  acceptor_.accept(socket, ec);  // non-blocking: would_block if the client has gone
  if (!ec) {
    // One line per 10 s at most: a client loop at the limit must not fill bgod.log.
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_spare_log_) {
      spdlog::warn("accept: out of file descriptors; a client was accepted with the spare one");
      next_spare_log_ = now + std::chrono::seconds(10);
    }
    on_accepted(std::move(socket));
  }
  (void)spare_.refill();
  return true;
}

bool ControlServer::evict_one(const char* why) {
  auto victim = hub_.pick_victim();
  if (!victim) return false;
  spdlog::warn("{}: closing the connection idle longest ({} ms idle, {} request(s) pending{})", why,
               std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - victim->last_active())
                   .count(),
               victim->in_flight(), victim->subscribed() ? ", subscribed" : "");
  victim->close();
  hub_.remove(victim.get());  // its posted removal is then a no-op
  return true;
}

}  // namespace bgo::daemon
