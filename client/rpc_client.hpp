// SPDX-License-Identifier: MIT
// A blocking JSON-RPC connection to bgod (the client is a short-lived CLI, so blocking is fine).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "common/errors.hpp"
#include "common/unique_fd.hpp"
#include "proto/framing.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::client {

// True when `error` (from Connection::connect) means that no bgod listens: the socket is
// missing (ENOENT) or nobody accepts on it (ECONNREFUSED). Only then may bgod be started.
bool daemon_absent(const Error& error);

class Connection {
 public:
  // Connects to the socket. On failure the error's `cause` is the connect(2) errno
  // (daemon_absent() tells whether no daemon listens).
  static Result<Connection> connect(const std::string& socket_path);

  // Sends one request and waits for its reply; notifications that arrive meanwhile are queued.
  // A transport failure is Errc::io_error ("bgod closed the connection"). A read-only method
  // (list, get, daemon.status, …) whose connection bgod closed before answering (a live
  // upgrade closes connections once their answers are written) is sent once more on a new
  // connection, unless this one subscribed to something; so is any other call when bgod sent
  // `daemon.upgrading` before closing (it had not read the request).
  Result<boost::json::value> call(std::string_view method, const boost::json::value& params,
                                  std::chrono::milliseconds timeout = std::chrono::minutes(10));

  // Whether a call that failed with `error` may be sent again on a new connection (call()
  // does so once): a read-only `method`, or any after `daemon.upgrading` (bgod had not read
  // it); never on a connection that subscribed to something.
  bool may_resend(std::string_view method, const Error& error) const;
  // Replaces this connection with a new one to the same socket.
  Result<void> reconnect();

  // call() in two halves, for a caller that shows something while it waits: send() writes the
  // request and returns its id; reply() waits at most `timeout` for that id's reply and gives
  // nullopt when it has not come yet (call it again), or when a signal interrupted the wait.
  // Several requests may be outstanding: replies that come for other ids are kept until
  // their own reply() call.
  Result<int64_t> send(std::string_view method, const boost::json::value& params);
  std::optional<Result<boost::json::value>> reply(int64_t id, std::chrono::milliseconds timeout);

  // The next notification, waiting at most `timeout` (nullopt on timeout). Sets `closed` when
  // the daemon hung up.
  std::optional<proto::Reply> next_notification(std::optional<std::chrono::milliseconds> timeout,
                                                bool& closed);
  // The next line from bgod, reply or notification, in the order it arrived (for a caller that
  // sends with send() and routes every answer itself, as `bgo monit` does: a `follow` reply and
  // the `log` notifications after it must be handled in that order). Lines already queued by
  // call(), reply() or next_notification() come first. A zero `timeout` takes only what can be
  // read without waiting. Sets `closed` when the daemon hung up.
  std::optional<proto::Reply> next_message(std::chrono::milliseconds timeout, bool& closed);
  // Blocks until bgod closes the connection (or `timeout`). True when it did.
  bool wait_closed(std::chrono::milliseconds timeout);
  int fd() const { return fd_.get(); }
  // Whether bgod sent `daemon.upgrading` and nothing since: a connection it closes after that
  // was closed by a live upgrade, and a new one reaches the new image.
  bool upgrading() const { return upgrading_; }

 private:
  Connection(UniqueFd fd, std::string socket_path)
      : fd_(std::move(fd)), socket_path_(std::move(socket_path)) {}
  Result<boost::json::value> call_once(std::string_view method, const boost::json::value& params,
                                       std::chrono::milliseconds timeout);
  // Reads one line, waiting at most `timeout`; nullopt on timeout, "" never (empty lines skipped).
  std::optional<std::string> read_line(std::optional<std::chrono::milliseconds> timeout,
                                       bool& closed);

  UniqueFd fd_;
  std::string socket_path_;
  bool stateful_ = false;  // subscribed or following: a new connection would not be the same
  // Tracks `daemon.upgrading` (set) and responses after it (cleared: the exec failed).
  void note(const proto::Reply& reply);
  bool upgrading_ = false;  // `daemon.upgrading` came and no response since
  proto::LineDecoder decoder_{proto::k_max_reply_bytes};
  std::deque<proto::Reply> notifications_;
  std::map<int64_t, proto::Reply> replies_;  // replies read while waiting for another id
  int64_t next_id_ = 1;
};

}  // namespace bgo::client
