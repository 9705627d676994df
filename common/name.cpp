// SPDX-License-Identifier: MIT
// Process-name validation and Python-style repr() of UTF-8 text.
#include "common/name.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <iterator>

namespace bgo {
namespace {

struct Decoded {
  char32_t code_point = 0;
  std::size_t length = 1;  // bytes consumed; for an ill-formed sequence, its maximal subpart
  bool valid = false;
};

// Strict UTF-8 (RFC 3629): rejects overlong forms, surrogates and anything above U+10FFFF.
// On error `length` covers the maximal subpart, so callers replace or escape it as a unit.
Decoded decode_at(std::string_view s, std::size_t pos) {
  const auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) return {lead, 1, true};
  std::size_t continuation = 0;
  char32_t code_point = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    continuation = 1;
    code_point = lead & 0x1FU;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    continuation = 2;
    code_point = lead & 0x0FU;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    continuation = 3;
    code_point = lead & 0x07U;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {0, 1, false};
  }
  std::size_t length = 1;
  for (; length <= continuation; ++length) {
    if (pos + length >= s.size()) return {0, length, false};
    const auto byte = static_cast<unsigned char>(s[pos + length]);
    if (byte < low || byte > high) return {0, length, false};
    code_point = (code_point << 6U) | (byte & 0x3FU);
    low = 0x80;
    high = 0xBF;
  }
  return {code_point, length, true};
}

struct Range {
  char32_t first;
  char32_t last;
};

// Non-printable code points in Python's sense, sorted and merged: Cc, Cf, Zs (minus U+0020),
// Zl, Zp, Cs, Co and the noncharacter block U+FDD0..U+FDEF. Cf is Unicode 15.1's list; the
// U+xxFFFE/U+xxFFFF noncharacters are tested arithmetically in is_printable().
constexpr auto k_non_printable = std::to_array<Range>({
    {0x0000, 0x001F},     // C0 controls
    {0x007F, 0x00A0},     // DEL, C1 controls, NO-BREAK SPACE
    {0x00AD, 0x00AD},     // SOFT HYPHEN
    {0x0600, 0x0605},     // Arabic number signs
    {0x061C, 0x061C},     // ARABIC LETTER MARK
    {0x06DD, 0x06DD},     // ARABIC END OF AYAH
    {0x070F, 0x070F},     // SYRIAC ABBREVIATION MARK
    {0x0890, 0x0891},     // Arabic pound/piastre mark above
    {0x08E2, 0x08E2},     // ARABIC DISPUTED END OF AYAH
    {0x1680, 0x1680},     // OGHAM SPACE MARK
    {0x180E, 0x180E},     // MONGOLIAN VOWEL SEPARATOR
    {0x2000, 0x200F},     // en quad .. hair space, zero-width space/joiners, LRM, RLM
    {0x2028, 0x202F},     // line/paragraph separator, bidi embeddings, NARROW NO-BREAK SPACE
    {0x205F, 0x206F},     // MEDIUM MATHEMATICAL SPACE, word joiner .. nominal digit shapes
    {0x3000, 0x3000},     // IDEOGRAPHIC SPACE
    {0xD800, 0xF8FF},     // surrogates, private use area
    {0xFDD0, 0xFDEF},     // noncharacters
    {0xFEFF, 0xFEFF},     // ZERO WIDTH NO-BREAK SPACE (BOM)
    {0xFFF9, 0xFFFB},     // interlinear annotation
    {0x110BD, 0x110BD},   // KAITHI NUMBER SIGN
    {0x110CD, 0x110CD},   // KAITHI NUMBER SIGN ABOVE
    {0x13430, 0x1343F},   // Egyptian hieroglyph format controls
    {0x1BCA0, 0x1BCA3},   // shorthand format controls
    {0x1D173, 0x1D17A},   // musical symbol format controls
    {0xE0001, 0xE0001},   // LANGUAGE TAG
    {0xE0020, 0xE007F},   // tag characters
    {0xF0000, 0x10FFFF},  // supplementary private use areas A and B
});

void append_hex(std::string& out, const char* format, char32_t value) {
  std::array<char, 16> buffer{};
  const int written =
      std::snprintf(buffer.data(), buffer.size(), format, static_cast<unsigned>(value));
  out.append(buffer.data(), static_cast<std::size_t>(written));
}

}  // namespace

bool is_printable(char32_t code_point) {
  if (code_point > 0x10FFFF) return false;
  if ((code_point & 0xFFFEU) == 0xFFFEU) return false;  // U+xxFFFE, U+xxFFFF
  const auto* it = std::upper_bound(k_non_printable.begin(), k_non_printable.end(), code_point,
                                    [](char32_t cp, const Range& r) { return cp < r.first; });
  if (it == k_non_printable.begin()) return true;
  return code_point > std::prev(it)->last;
}

bool is_valid_name(std::string_view name) {
  if (name.empty() || name == "." || name == ".." || name.size() > k_max_name_bytes) return false;
  for (std::size_t pos = 0; pos < name.size();) {
    const Decoded d = decode_at(name, pos);
    if (!d.valid) return false;
    if (d.code_point == U'/' || d.code_point == U'\\') return false;
    if (!is_printable(d.code_point)) return false;
    pos += d.length;
  }
  return true;
}

std::string python_repr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const bool has_double = s.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out;
  out.reserve(s.size() + 2);
  out += quote;
  for (std::size_t pos = 0; pos < s.size();) {
    const Decoded d = decode_at(s, pos);
    if (!d.valid) {
      for (std::size_t i = 0; i < d.length; ++i) {
        append_hex(out, "\\x%02x", static_cast<unsigned char>(s[pos + i]));
      }
      pos += d.length;
      continue;
    }
    const char32_t cp = d.code_point;
    if (cp == static_cast<char32_t>(quote) || cp == U'\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == U'\t') {
      out += "\\t";
    } else if (cp == U'\n') {
      out += "\\n";
    } else if (cp == U'\r') {
      out += "\\r";
    } else if (is_printable(cp)) {
      out.append(s.substr(pos, d.length));
    } else if (cp <= 0xFF) {
      append_hex(out, "\\x%02x", cp);
    } else if (cp <= 0xFFFF) {
      append_hex(out, "\\u%04x", cp);
    } else {
      append_hex(out, "\\U%08x", cp);
    }
    pos += d.length;
  }
  out += quote;
  return out;
}

std::string replace_invalid_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t pos = 0; pos < s.size();) {
    const Decoded d = decode_at(s, pos);
    if (d.valid) {
      out.append(s.substr(pos, d.length));
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    }
    pos += d.length;
  }
  return out;
}

}  // namespace bgo
