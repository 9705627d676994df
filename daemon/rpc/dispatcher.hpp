// SPDX-License-Identifier: MIT
// JSON-RPC 2.0 dispatch: envelope checks, batches, the method table, the exception firewall.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/errors.hpp"

namespace bgo::daemon {

class Session;

// Thrown by parameter readers and handlers from deep inside params; carries the same Error a
// handler could return (invalid_params with `param` set), so both become the same -32602 with
// data {"kind": "invalid_params", "param": <param>}.
struct ParamError : std::runtime_error {
  ParamError(std::string param_name, const std::string& message);
  Error error;
};

// A handler answers through Respond exactly once (later calls are logged and dropped), at
// once or from a completion handler. It may throw ParamError or any std::exception before it
// has answered: the dispatcher turns that into -32602 / -32603.
using Respond = std::function<void(Result<boost::json::value>)>;
struct Call {
  const boost::json::object& params;
  std::shared_ptr<Session> session;  // null when dispatching without a connection (fuzzing)
};
using Handler = std::function<void(Call&, Respond)>;

// Receives what one request line owes its sender, exactly once, when every request in it has
// been answered: the response text ('\n'-terminated), or "" when nothing is owed (a
// notification, a batch of notifications). Never called for a request that is never answered.
using LineDone = std::function<void(std::string)>;

class Dispatcher {
 public:
  void add(std::string method, Handler handler);
  // Handles one line (a request, a notification or a batch; blank lines are the caller's
  // business). Never throws. `session` may be null.
  void handle_line(std::string_view line, const std::shared_ptr<Session>& session, LineDone done);
  // The registered method names, sorted.
  std::vector<std::string> methods() const;
  // Called after each line's `done`, once what it owed is handed over (bgod trims its heap
  // after a burst of requests: os/memory_trim.hpp).
  void set_after_line(std::function<void()> fn) { after_line_ = std::move(fn); }

 private:
  void run_one(const boost::json::value& request, const std::shared_ptr<Session>& session,
               std::function<void(std::string)> reply);
  std::map<std::string, Handler, std::less<>> methods_;
  std::function<void()> after_line_;
};

// Parameter readers: throw ParamError("invalid params: 'name' must be a string").
std::string param_string(const boost::json::object& p, std::string_view key);
std::optional<std::string> opt_param_string(const boost::json::object& p, std::string_view key);
std::optional<int64_t> opt_param_int(const boost::json::object& p, std::string_view key);
bool param_bool(const boost::json::object& p, std::string_view key, bool fallback = false);
std::vector<std::string> param_strings(const boost::json::object& p, std::string_view key);

}  // namespace bgo::daemon
