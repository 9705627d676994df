// SPDX-License-Identifier: MIT
// JSON-RPC 2.0 dispatch: envelope checks, batches, the method table, the exception firewall.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/errors.hpp"

namespace bgo::daemon {

class Session;

// Thrown by parameter readers; becomes -32602 naming the parameter.
struct ParamError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Respond = std::function<void(Result<boost::json::value>)>;
struct Call {
  const boost::json::object& params;
  std::shared_ptr<Session> session;
};
using Handler = std::function<void(Call&, Respond)>;

class Dispatcher {
 public:
  void add(std::string method, Handler handler);
  // Handles one request line (a request, a notification or a batch) from `session`.
  void handle_line(std::string_view line, const std::shared_ptr<Session>& session);

 private:
  // Runs one request object; `reply(line_or_empty)` gets the response text ("" for a
  // notification, which gets no response).
  void run_one(const boost::json::value& request, const std::shared_ptr<Session>& session,
               std::function<void(std::string)> reply);
  std::map<std::string, Handler, std::less<>> methods_;
};

// Parameter readers: throw ParamError("invalid params: 'name' must be a string").
std::string param_string(const boost::json::object& p, std::string_view key);
std::optional<std::string> opt_param_string(const boost::json::object& p, std::string_view key);
std::optional<int64_t> opt_param_int(const boost::json::object& p, std::string_view key);
bool param_bool(const boost::json::object& p, std::string_view key, bool fallback = false);
std::vector<std::string> param_strings(const boost::json::object& p, std::string_view key);

}  // namespace bgo::daemon
