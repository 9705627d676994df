// SPDX-License-Identifier: MIT
// Connection.
#include "client/rpc_client.hpp"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/json.hpp>

namespace bgo::client {

namespace json = boost::json;

bool daemon_absent(const Error& error) {
  return error.cause == std::errc::no_such_file_or_directory ||
         error.cause == std::errc::connection_refused;
}

Result<Connection> Connection::connect(const std::string& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    return make_error(Errc::invalid_params, "socket path too long: " + socket_path);
  }
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return errno_error(Errc::io_error, errno_message("socket", errno), errno);
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    const int err = errno;
    return errno_error(Errc::io_error, errno_message("cannot connect to " + socket_path, err), err);
  }
  // Talk only to a bgod of our own user: in a home whose permissions were loosened, another
  // user could have put a socket of theirs in place of bgod's.
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != ::getuid()) {
    return make_error(Errc::io_error, socket_path + " belongs to uid " + std::to_string(cred.uid) +
                                          ", not to this user: refusing to use it");
  }
  return Connection(std::move(fd), socket_path);
}

std::optional<std::string> Connection::read_line(std::optional<std::chrono::milliseconds> timeout,
                                                 bool& closed) {
  closed = false;
  const auto deadline = timeout ? std::chrono::steady_clock::now() + *timeout
                                : std::chrono::steady_clock::time_point::max();
  for (;;) {
    if (auto line = decoder_.next_line()) return line;
    int wait_ms = -1;
    if (timeout) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd p{fd_.get(), POLLIN, 0};
    const int rc = ::poll(&p, 1, wait_ms);
    if (rc < 0 && errno == EINTR) return std::nullopt;  // a signal (Ctrl-C) wakes the caller
    if (rc == 0) return std::nullopt;
    char buf[64 * 1024];
    const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) return std::nullopt;
    if (n <= 0) {
      closed = true;
      return std::nullopt;
    }
    decoder_.feed(std::string_view(buf, static_cast<size_t>(n)));
    if (decoder_.overflowed()) {  // a reply over 1 GiB: the stream is unusable
      closed = true;
      return std::nullopt;
    }
  }
}

Result<int64_t> Connection::send(std::string_view method, const json::value& params) {
  const int64_t id = next_id_++;
  const std::string line = proto::request_line(id, method, params);
  std::string_view rest = line;
  while (!rest.empty()) {
    const ssize_t n = ::send(fd_.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io_error, errno_message("cannot talk to bgod", errno));
    }
    rest.remove_prefix(static_cast<size_t>(n));
  }
  return id;
}

std::optional<Result<json::value>> Connection::reply(int64_t id,
                                                     std::chrono::milliseconds timeout) {
  auto answer = [](proto::Reply reply) -> Result<json::value> {
    if (reply.ok) return std::move(reply.result);
    return proto::from_rpc_error(reply.error);
  };
  if (auto early = replies_.find(id); early != replies_.end()) {
    proto::Reply reply = std::move(early->second);
    replies_.erase(early);
    return answer(std::move(reply));
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool closed = false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto text = read_line(left, closed);
    if (closed) return make_error(Errc::io_error, "bgod closed the connection");
    if (!text) return std::nullopt;
    proto::Reply reply = proto::parse_reply(*text);
    note(reply);
    if (reply.is_notification) {
      notifications_.push_back(std::move(reply));
      continue;
    }
    if (!(reply.id.is_int64() && reply.id.as_int64() == id)) {
      if (reply.id.is_null() && !reply.ok) return proto::from_rpc_error(reply.error);
      // The reply to another request sent before (bgod answers each when it is done): kept
      // for its own reply() call.
      if (reply.id.is_int64() && reply.id.as_int64() < next_id_) {
        replies_.emplace(reply.id.as_int64(), std::move(reply));
      }
      continue;
    }
    return answer(std::move(reply));
  }
}

namespace {

// Methods that change nothing in bgod: sending one again cannot do anything twice.
bool read_only(std::string_view method) {
  for (std::string_view m : {"hello", "daemon.status", "list", "get", "logs", "candidates",
                             "metrics", "autostart.show"}) {
    if (method == m) return true;
  }
  return false;
}

}  // namespace

Result<json::value> Connection::call(std::string_view method, const json::value& params,
                                     std::chrono::milliseconds timeout) {
  if (method == "subscribe" || method == "follow") stateful_ = true;
  auto r = call_once(method, params, timeout);
  if (r || !may_resend(method, r.error())) return r;
  // Closed before the answer came: a live upgrade (whose new image accepts from the same
  // listening socket), or bgod gone for good, which the new connection then says.
  if (!reconnect()) return r;
  return call_once(method, params, timeout);
}

bool Connection::may_resend(std::string_view method, const Error& error) const {
  if (stateful_ || error.code != Errc::io_error) return false;
  const std::string& why = error.message;
  if (why != "bgod closed the connection" && !why.starts_with("cannot talk to bgod")) return false;
  // Any call when bgod said, before closing, that it is upgrading: it had not read the request
  // (docs/protocol.md, "daemon.upgrading"). Otherwise only one that changes nothing.
  return upgrading_ || read_only(method);
}

Result<void> Connection::reconnect() {
  auto again = connect(socket_path_);
  if (!again) return again.error();
  *this = std::move(*again);
  return {};
}

void Connection::note(const proto::Reply& reply) {
  if (reply.is_notification) {
    if (reply.method == "daemon.upgrading") upgrading_ = true;
  } else {
    upgrading_ = false;  // answered after all: the exec failed and the old image goes on
  }
}

Result<json::value> Connection::call_once(std::string_view method, const json::value& params,
                                          std::chrono::milliseconds timeout) {
  const auto id = send(method, params);
  if (!id) return id.error();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return make_error(Errc::io_error, "bgod did not answer in time");
    if (auto r = reply(*id, left)) return std::move(*r);
  }
}

std::optional<proto::Reply> Connection::next_notification(
    std::optional<std::chrono::milliseconds> timeout, bool& closed) {
  closed = false;
  if (!notifications_.empty()) {
    proto::Reply r = std::move(notifications_.front());
    notifications_.pop_front();
    return r;
  }
  for (;;) {
    auto text = read_line(timeout, closed);
    if (!text) return std::nullopt;
    proto::Reply reply = proto::parse_reply(*text);
    note(reply);
    if (reply.is_notification) return reply;
    if (reply.id.is_int64() && reply.id.as_int64() < next_id_) {
      replies_.emplace(reply.id.as_int64(), std::move(reply));  // for its reply() call
    }
  }
}

std::optional<proto::Reply> Connection::next_message(std::chrono::milliseconds timeout,
                                                     bool& closed) {
  closed = false;
  if (!notifications_.empty()) {
    proto::Reply r = std::move(notifications_.front());
    notifications_.pop_front();
    return r;
  }
  if (!replies_.empty()) {
    proto::Reply r = std::move(replies_.begin()->second);
    replies_.erase(replies_.begin());
    return r;
  }
  std::optional<std::string> text = read_line(timeout, closed);
  if (!text && !closed && timeout.count() <= 0) {
    // read_line() with no time left returns only lines already decoded: look at the socket
    // once without waiting, then read what is there (waiting at most 10 ms for the end of a
    // line that is on its way; less would round down to no wait, and no read, at all).
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, 0) == 1) text = read_line(std::chrono::milliseconds(10), closed);
  }
  if (!text) return std::nullopt;
  proto::Reply reply = proto::parse_reply(*text);
  note(reply);
  return reply;
}

bool Connection::wait_closed(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    bool closed = false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    (void)read_line(left, closed);  // anything still arriving is irrelevant now
    if (closed) return true;
  }
}

}  // namespace bgo::client
