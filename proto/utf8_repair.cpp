// SPDX-License-Identifier: MIT
// UTF-8 validation and repair.
#include "proto/utf8_repair.hpp"

#include <algorithm>

#include "common/utf8.hpp"

namespace bgo::proto {

namespace {

// The offset of the first byte >= 0x80, or size(): most lines are pure ASCII.
size_t first_non_ascii(std::string_view text) {
  const auto it = std::find_if(text.begin(), text.end(),
                               [](char c) { return (static_cast<unsigned char>(c) & 0x80) != 0; });
  return static_cast<size_t>(it - text.begin());
}

// Decodes one code point at `pos`; false when the sequence there is ill-formed.
bool decode_one(std::string_view text, size_t& pos) {
  const size_t start = pos;
  const char32_t cp = next_code_point(text, pos);
  // U+FFFD is also what an error decodes to: tell them apart by the bytes consumed.
  return cp != k_replacement_char || pos - start == 3;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  size_t pos = first_non_ascii(text);
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
    } else if (!decode_one(text, pos)) {
      return false;
    }
  }
  return true;
}

void repair_utf8(std::string& text) {
  size_t pos = first_non_ascii(text);
  if (pos == text.size() || is_valid_utf8(std::string_view(text).substr(pos))) return;
  std::string out(text, 0, pos);
  out.reserve(text.size() + 16);
  while (pos < text.size()) {
    const size_t start = pos;
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      out.push_back(text[pos++]);
    } else if (decode_one(text, pos)) {
      out.append(text, start, pos - start);
    } else {
      out.append("\xEF\xBF\xBD");
    }
  }
  text = std::move(out);
}

size_t incomplete_utf8_tail(std::string_view text) {
  // Look back at most 3 bytes for a lead byte whose sequence runs past the end.
  const size_t n = text.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const auto byte = static_cast<unsigned char>(text[n - back]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte: keep looking for the lead
    size_t need = 0;
    if (byte >= 0xC2 && byte <= 0xDF) {
      need = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      need = 3;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      need = 4;
    }
    return need > back ? back : 0;
  }
  return 0;
}

}  // namespace bgo::proto
