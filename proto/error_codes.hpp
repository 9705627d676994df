// SPDX-License-Identifier: MIT
// THE table between bgo::Errc and JSON-RPC error codes (docs/protocol.md lists it too).
#pragma once

#include <optional>

#include "common/errors.hpp"

namespace bgo::proto {

inline constexpr int k_parse_error = -32700;
inline constexpr int k_invalid_request = -32600;
inline constexpr int k_method_not_found = -32601;
inline constexpr int k_invalid_params = -32602;
inline constexpr int k_internal_error = -32603;

int rpc_code(Errc code);
// The Errc for an application or standard code; nullopt for codes this version does not know.
std::optional<Errc> errc_from_rpc_code(int code);

}  // namespace bgo::proto
