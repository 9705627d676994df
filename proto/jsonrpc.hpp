// SPDX-License-Identifier: MIT
// JSON-RPC 2.0 envelopes: building requests/responses/notifications and reading replies.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "common/errors.hpp"

namespace bgo::proto {

inline constexpr int k_protocol_version = 1;

struct RpcError {
  int code = 0;
  std::string message;
  boost::json::value data;  // null when absent
};

// Each returns one line, '\n' included.
std::string request_line(const boost::json::value& id, std::string_view method,
                         const boost::json::value& params);
std::string response_line(const boost::json::value& id, const boost::json::value& result);
std::string error_line(const boost::json::value& id, const RpcError& error);
std::string notification_line(std::string_view method, const boost::json::value& params);

// The result of a response line, or the RpcError it carries (or a parse failure as
// k_parse_error).
struct Reply {
  boost::json::value id;
  bool ok = false;
  boost::json::value result;
  RpcError error;
  bool is_notification = false;  // a line with "method" and no "id"
  std::string method;            // for notifications
  boost::json::value params;     // for notifications
};
Reply parse_reply(std::string_view line);

// RpcError for a domain error: code from the table, message, data {"kind": ..., "detail": ...}.
RpcError to_rpc_error(const Error& error);
// The domain error carried by an RpcError (unknown codes become Errc::internal).
Error from_rpc_error(const RpcError& error);

}  // namespace bgo::proto
