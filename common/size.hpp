// SPDX-License-Identifier: MIT
// Byte sizes as users write them: "10M", "512K", "1G", "1048576".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bgo {

// Parses a size: a non-negative number (fractions allowed: "1.5M") with an optional unit K, M or
// G (powers of 1024, case-insensitive, optionally followed by "B" or "iB"), or "B" alone.
// nullopt on anything else, or above 1e18 bytes.
std::optional<uint64_t> parse_size(std::string_view text);

// The shortest exact spelling parse_size() accepts: "8M", "512K", "1G", else plain bytes.
std::string format_size(uint64_t bytes);

}  // namespace bgo
