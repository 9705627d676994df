// SPDX-License-Identifier: MIT
// parse_size: exact integer arithmetic, no strtod (which would take " 1e3", "0x10", "nan").
#include "common/size.hpp"

#include <array>
#include <cctype>
#include <string>

namespace bgo {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// 1024^k for the unit, or nullopt for an unknown one.
std::optional<uint64_t> multiplier(std::string_view unit) {
  std::string u;
  for (const char c : unit) u += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (u.empty() || u == "B") return 1;
  constexpr std::array<std::string_view, 3> k_prefixes = {"K", "M", "G"};
  uint64_t mult = 1;
  for (const std::string_view prefix : k_prefixes) {
    mult *= 1024;
    if (u == prefix || u == std::string(prefix) + "B" || u == std::string(prefix) + "I" ||
        u == std::string(prefix) + "IB") {
      return mult;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> parse_size(std::string_view text) {
  std::size_t pos = 0;
  uint64_t whole = 0;
  std::size_t digits = 0;
  for (; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
    if (whole > k_max_size_bytes / 10) return std::nullopt;
    whole = whole * 10 + static_cast<uint64_t>(text[pos] - '0');
  }
  // The fraction to 9 digits (finer than a byte at G): numerator / 10^scale.
  uint64_t numerator = 0, scale = 1;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    for (; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
      if (scale < 1'000'000'000) {
        numerator = numerator * 10 + static_cast<uint64_t>(text[pos] - '0');
        scale *= 10;
      }
    }
  }
  if (digits == 0) return std::nullopt;
  const auto mult = multiplier(text.substr(pos));
  if (!mult) return std::nullopt;
  if (whole > k_max_size_bytes / *mult) return std::nullopt;
  // numerator < 10^9 and mult <= 2^30: the product fits in 64 bits.
  const uint64_t bytes = whole * *mult + numerator * *mult / scale;
  if (bytes > k_max_size_bytes) return std::nullopt;
  return bytes;
}

std::string format_size(uint64_t bytes) {
  constexpr uint64_t k_kib = 1024;
  if (bytes != 0 && bytes % (k_kib * k_kib * k_kib) == 0) {
    return std::to_string(bytes / (k_kib * k_kib * k_kib)) + "G";
  }
  if (bytes != 0 && bytes % (k_kib * k_kib) == 0) {
    return std::to_string(bytes / (k_kib * k_kib)) + "M";
  }
  if (bytes != 0 && bytes % k_kib == 0) return std::to_string(bytes / k_kib) + "K";
  return std::to_string(bytes);
}

}  // namespace bgo
