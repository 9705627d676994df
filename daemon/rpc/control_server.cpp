// SPDX-License-Identifier: MIT
// ControlServer.
#include "daemon/rpc/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/session.hpp"

namespace bgo::daemon {

using boost::asio::local::stream_protocol;

ControlServer::ControlServer(boost::asio::io_context& io, const DaemonLock&, const Paths& paths,
                             Dispatcher& dispatcher, EventHub& hub, int inherited_fd)
    : acceptor_(io), dispatcher_(dispatcher), hub_(hub) {
  if (inherited_fd >= 0) {
    acceptor_.assign(stream_protocol(), inherited_fd);
    return;
  }
  const std::string path = paths.socket().string();
  // We hold bgod.lock, so whatever socket is there belongs to a dead daemon.
  ::unlink(path.c_str());
  acceptor_.open(stream_protocol());
  // Bind with a restrictive umask so there is no window where the socket is 0755.
  const mode_t old = ::umask(0177);
  boost::system::error_code ec;
  acceptor_.bind(stream_protocol::endpoint(path), ec);
  ::umask(old);
  if (ec) throw boost::system::system_error(ec, "bind " + path);
  ::chmod(path.c_str(), 0600);
  acceptor_.listen(512);
}

void ControlServer::start() { accept(); }

void ControlServer::stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

void ControlServer::accept() {
  acceptor_.async_accept(
      [this](const boost::system::error_code& ec, stream_protocol::socket socket) {
        if (ec == boost::asio::error::operation_aborted || !acceptor_.is_open()) return;
        if (!ec) {
          ucred cred{};
          socklen_t len = sizeof cred;
          if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 ||
              cred.uid != ::getuid()) {
            spdlog::warn("refused a connection from uid {}", cred.uid);
            boost::system::error_code ignored;
            socket.close(ignored);
          } else if (hub_.connections() >= k_max_connections) {
            spdlog::warn("connection cap ({}) reached: refusing a client", k_max_connections);
            boost::system::error_code ignored;
            socket.close(ignored);
          } else {
            auto session = std::make_shared<Session>(std::move(socket), dispatcher_,
                                                     [this](Session* s) { hub_.remove(s); });
            hub_.add(session);
            session->start();
          }
        } else {
          spdlog::warn("accept: {}", ec.message());
        }
        accept();
      });
}

}  // namespace bgo::daemon
