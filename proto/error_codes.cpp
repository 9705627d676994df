// SPDX-License-Identifier: MIT
// Errc <-> JSON-RPC code table.
#include "proto/error_codes.hpp"

#include <array>
#include <utility>

namespace bgo::proto {

namespace {

// Every Errc exactly once. Application codes are never reused for another meaning: a new
// situation gets a new code (docs/protocol.md, "Versioning").
constexpr std::array<std::pair<Errc, int>, 10> k_table{{
    {Errc::internal, k_internal_error},
    {Errc::invalid_params, k_invalid_params},
    {Errc::no_such_process, -32001},
    {Errc::already_running, -32002},
    {Errc::invalid_state, -32003},
    {Errc::spawn_failed, -32004},
    {Errc::invalid_name, -32005},
    {Errc::exited_at_once, -32006},
    {Errc::stop_failed, -32007},
    {Errc::io_error, -32008},
}};

}  // namespace

int rpc_code(Errc code) {
  for (const auto& [errc, rpc] : k_table) {
    if (errc == code) return rpc;
  }
  return k_internal_error;
}

std::optional<Errc> errc_from_rpc_code(int code) {
  for (const auto& [errc, rpc] : k_table) {
    if (rpc == code) return errc;
  }
  return std::nullopt;
}

std::string_view rpc_kind(int code) {
  switch (code) {
    case k_parse_error:
      return "parse_error";
    case k_invalid_request:
      return "invalid_request";
    case k_method_not_found:
      return "method_not_found";
    default:
      break;
  }
  if (auto errc = errc_from_rpc_code(code)) return to_string(*errc);
  return "internal";
}

}  // namespace bgo::proto
