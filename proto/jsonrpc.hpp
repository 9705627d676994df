// SPDX-License-Identifier: MIT
// JSON-RPC 2.0 envelopes: building requests/responses/notifications and reading replies.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "common/errors.hpp"

namespace bgo::proto {

// Bumped only for incompatible changes (docs/protocol.md, "Versioning").
inline constexpr int k_protocol_version = 1;

// Boost.JSON's default nesting limit, stated here because it is part of the contract: a request
// nested deeper is a parse error (-32700), never a crash.
inline constexpr size_t k_max_json_depth = 32;

struct RpcError {
  int code = 0;
  std::string message;
  boost::json::value data;  // null when absent
};

// Each returns one line, '\n' included. The lines bgod sends (responses, errors,
// notifications) are always valid UTF-8: ill-formed bytes in strings become U+FFFD
// (proto/utf8_repair.hpp). A request line is left as given.
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

// A JSON-RPC id bgod accepts and echoes: a string, an integer, a finite number, or null.
// (Boost.JSON reads 1e400 as infinity, which has no JSON spelling, so it is not an id.)
bool is_valid_id(const boost::json::value& id);

// An error found by the protocol layer: `code` (-32700, -32600, -32601, -32602, -32603) with
// data {"kind": rpc_kind(code)} followed by the members of `extra` (e.g. "param", "method").
RpcError protocol_error(int code, std::string message, boost::json::object extra = {});

// RpcError for a domain error: code from the table, message, data {"kind": ..., "detail": ...}.
RpcError to_rpc_error(const Error& error);
// The domain error carried by an RpcError (unknown codes become Errc::internal).
Error from_rpc_error(const RpcError& error);

}  // namespace bgo::proto
