// SPDX-License-Identifier: MIT
// UTF-8 decoding shared by the name rules, the JSON writer and the table renderer.
#pragma once

#include <cstddef>
#include <string_view>

namespace bgo {

inline constexpr char32_t k_replacement_char = 0xFFFD;

// Decodes the code point at `pos` and advances `pos` past it. An invalid or truncated
// sequence yields U+FFFD and advances one byte. Precondition: pos < s.size().
char32_t next_code_point(std::string_view s, std::size_t& pos);

}  // namespace bgo
