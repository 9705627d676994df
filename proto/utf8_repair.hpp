// SPDX-License-Identifier: MIT
// Keeps every line bgod sends valid UTF-8 (RFC 8259 §8.1), whatever bytes a child wrote.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bgo::proto {

// True if `text` is well-formed UTF-8 (no overlongs, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Replaces each ill-formed byte of `text` with U+FFFD (EF BF BD), in place; valid text is left
// untouched (and is not copied). In serialized JSON this only ever touches string contents,
// because JSON's structural characters are ASCII.
void repair_utf8(std::string& text);

// The length (0..3) of the suffix of `text` that starts a multi-byte sequence which the next
// chunk may complete: a stream cut into chunks keeps it back instead of repairing it.
size_t incomplete_utf8_tail(std::string_view text);

}  // namespace bgo::proto
