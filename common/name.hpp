// SPDX-License-Identifier: MIT
// Process-name validation and Python-style repr() of UTF-8 text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bgo {

// Longest valid process name, in bytes of UTF-8 (spec Appendix D #12).
inline constexpr std::size_t k_max_name_bytes = 64;

// True iff `name` may name a process (spec §8.3 + Appendix D #12): non-empty, not `.` or `..`,
// no `/` or `\`, valid UTF-8 of at most `k_max_name_bytes` bytes, and every code point printable
// (see `is_printable`). A valid name is safe to paste into `procs/<name>.json` and the log paths.
[[nodiscard]] bool is_valid_name(std::string_view name);

// Python's str.isprintable() for one code point, without a Unicode database: false for Cc
// (C0, DEL, C1), Cf, Cs (surrogates), Co (private use), noncharacters (U+FDD0..U+FDEF and
// U+xxFFFE/U+xxFFFF), Zl, Zp, Zs other than U+0020, and anything above U+10FFFF. Other
// unassigned code points (the rest of Cn) count as printable: that table changes with every
// Unicode version, and accepting them is harmless for names.
[[nodiscard]] bool is_printable(char32_t code_point);

// Python 3 repr() of the UTF-8 text `s`, quotes included: `'...'`, or `"..."` when `s` holds a
// `'` and no `"`. Escapes backslash, the chosen quote, `\t`, `\n`, `\r`; other non-printable
// code points as `\xNN` (< U+0100), `\uNNNN` or `\UNNNNNNNN` (lowercase hex); printable
// non-ASCII is kept literally. Bytes that are not valid UTF-8 are rendered one by one as `\xNN`
// (Python would have failed to decode them; this keeps the output valid, readable UTF-8).
[[nodiscard]] std::string python_repr(std::string_view s);

// Replaces every ill-formed UTF-8 sequence in `s` by U+FFFD, one per maximal ill-formed
// subpart (what Python's `bytes.decode("utf-8", "replace")` does). Valid input is returned
// unchanged.
[[nodiscard]] std::string replace_invalid_utf8(std::string_view s);

}  // namespace bgo
