// SPDX-License-Identifier: MIT
// Parameter checks shared by the method groups.
#include "daemon/rpc/handler_support.hpp"

#include <boost/json.hpp>

#include "common/name.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "proto/state_codec.hpp"

namespace bgo::daemon {

namespace json = boost::json;

std::string valid_name(const json::object& p, std::string_view key) {
  std::string name = param_string(p, key);
  if (!is_valid_name(name)) {
    throw ParamError(std::string(key),
                     "invalid params: '" + std::string(key) + "' is not a valid process name");
  }
  return name;
}

// Names fail as a domain error (the CLI prints the original's message), not -32602.
Result<std::string> checked_name(const json::object& p) {
  std::string name = param_string(p, "name");
  if (!is_valid_name(name)) {
    return make_error(Errc::invalid_name, "invalid process name: " + python_repr(name));
  }
  return name;
}

Result<std::string> new_name(const json::object& p) {
  auto name = checked_name(p);
  if (name && *name == k_all_processes) {
    return make_error(Errc::invalid_name,
                      "invalid process name: 'all' is reserved (in bgo stop, "
                      "restart, delete … it means every process)");
  }
  return name;
}

AutostartPolicy check_policy(const std::string& policy, std::string_view param) {
  auto parsed = parse_autostart_policy(policy);
  if (!parsed) {
    throw ParamError(std::string(param), "invalid params: '" + std::string(param) +
                                             "' must be always, unless-stopped or never");
  }
  return *parsed;
}

std::string check_mode(const std::string& mode) {
  if (mode != "backoff" && mode != "stop" && mode != "retry") {
    throw ParamError("on_fast_crash",
                     "invalid params: 'on_fast_crash' must be backoff, stop or retry");
  }
  return mode;
}

json::value watch_json(const std::optional<WatchBlock>& w) {
  return w ? json::value(proto::to_json(*w)) : json::value(nullptr);
}

}  // namespace bgo::daemon
