// SPDX-License-Identifier: MIT
// Byte sizes as users type them (`--max-log-size 10M`), shared by bgo and bgod.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgo {

// The largest size accepted: 10^18 bytes (far beyond any log, and exact in a uint64_t).
inline constexpr uint64_t k_max_size_bytes = 1'000'000'000'000'000'000ULL;

// Parses `text` as a number of bytes: decimal digits with an optional fraction (`1.5M`), then
// an optional case-insensitive unit: B, K/KB/KI/KIB (1024), M/MB/MI/MIB (1024^2) or
// G/GB/GI/GIB (1024^3). A fraction of a byte is dropped. nullopt for anything else (signs,
// spaces, exponents, hex, inf/nan, other units, nothing at all) and above k_max_size_bytes.
std::optional<uint64_t> parse_size(std::string_view text);

// The shortest exact spelling parse_size() accepts: "8M", "512K", "1G", else plain bytes.
std::string format_size(uint64_t bytes);

}  // namespace bgo
