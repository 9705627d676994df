// SPDX-License-Identifier: MIT
// Parameter checks shared by the method groups (handlers_*.cpp).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <boost/json/fwd.hpp>

#include "common/errors.hpp"
#include "common/process_record.hpp"

namespace bgo::daemon {

// The process name in `key`; ParamError (-32602) when it is missing or breaks the rules.
std::string valid_name(const boost::json::object& p, std::string_view key = "name");
// The process name in "name"; a bad one is the domain error invalid_name (the CLI prints the
// original's message), not -32602.
Result<std::string> checked_name(const boost::json::object& p);
// The word that commands taking names read as "every process"; no process may be called so.
inline constexpr std::string_view k_all_processes = "all";
// checked_name for a name about to be registered (`start`): `all` is refused too.
Result<std::string> new_name(const boost::json::object& p);
// `policy` as an autostart policy; ParamError naming `param` otherwise.
AutostartPolicy check_policy(const std::string& policy, std::string_view param);
// `mode` as an on_fast_crash mode; ParamError otherwise.
std::string check_mode(const std::string& mode);
// The watch block as JSON, or null.
boost::json::value watch_json(const std::optional<WatchBlock>& w);

}  // namespace bgo::daemon
