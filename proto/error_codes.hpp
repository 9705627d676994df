// SPDX-License-Identifier: MIT
// THE table between bgo::Errc and JSON-RPC error codes (docs/protocol.md lists it too).
#pragma once

#include <optional>
#include <string_view>

#include "common/errors.hpp"

namespace bgo::proto {

// The JSON-RPC 2.0 standard codes.
inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;

// The code of a domain error (application codes are -32001 and down).
int rpc_code(Errc code);
// The Errc for an application or standard code; nullopt for codes this version does not know
// (and for -32700/-32600/-32601, which are protocol failures, not domain errors).
std::optional<Errc> errc_from_rpc_code(int code);
// The `data.kind` string of any code bgod sends: to_string(Errc) for the codes of the table,
// "parse_error", "invalid_request", "method_not_found" for the protocol-only codes, and
// "internal" for codes this version does not know.
std::string_view rpc_kind(int code);

}  // namespace bgo::proto
