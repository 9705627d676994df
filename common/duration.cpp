// SPDX-License-Identifier: MIT
// parse_duration / format_duration: exact integer arithmetic on milliseconds, no strtod (which
// would take " 1e3", "0x10", "inf").
#include "common/duration.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace bgo {

namespace {

using std::chrono::milliseconds;

struct Unit {
  std::string_view name;
  int64_t ms;
};
// Largest first: a combination names each unit at most once, in this order ("1h30m").
constexpr std::array<Unit, 5> k_units = {
    {{"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1'000}, {"ms", 1}}};
constexpr int64_t k_max_ms = 30 * 86'400'000LL;  // 30 days
// Fraction digits kept: 10^9 * 86'400'000 (a day) still fits in an int64_t.
constexpr std::size_t k_max_fraction_digits = 9;

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

Error bad(std::string_view text, std::string_view why) {
  return make_error(Errc::invalid_params,
                    "invalid duration '" + std::string(text) + "': " + std::string(why));
}

std::optional<std::size_t> unit_index(std::string_view name) {
  for (std::size_t i = 0; i < k_units.size(); ++i) {
    if (k_units[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace

Result<milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return bad(text, "empty");
  if (text.front() == '-') return bad(text, "negative");
  int64_t total = 0;
  std::size_t pos = 0;
  std::optional<std::size_t> last_unit;  // index into k_units of the previous component
  while (pos < text.size()) {
    // One component: digits, an optional fraction, a unit (none: seconds, alone only).
    int64_t whole = 0;
    std::size_t digits = 0;
    for (; pos < text.size() && is_digit(text[pos]); ++pos, ++digits) {
      if (whole > k_max_ms) return bad(text, "more than 30 days");
      whole = whole * 10 + (text[pos] - '0');
    }
    std::string_view fraction;
    if (pos < text.size() && text[pos] == '.') {
      const std::size_t start = ++pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
      fraction = text.substr(start, pos - start);
      digits += fraction.size();
    }
    if (digits == 0) return bad(text, "expected a number");
    const std::size_t unit_start = pos;
    while (pos < text.size() && is_letter(text[pos])) ++pos;
    const std::string_view unit_name = text.substr(unit_start, pos - unit_start);
    std::size_t unit = 3;  // seconds
    if (unit_name.empty()) {
      if (pos < text.size()) return bad(text, "unexpected '" + std::string(1, text[pos]) + "'");
      if (last_unit) return bad(text, "a unit is needed after every number");
    } else {
      const auto found = unit_index(unit_name);
      if (!found)
        return bad(text, "unknown unit '" + std::string(unit_name) + "' (use ms, s, m, h, d)");
      unit = *found;
    }
    if (last_unit && unit <= *last_unit) {
      return bad(text, "units must go from the largest to the smallest, each once");
    }
    last_unit = unit;
    const int64_t unit_ms = k_units[unit].ms;
    if (whole > k_max_ms / unit_ms) return bad(text, "more than 30 days");
    int64_t part = whole * unit_ms;
    // The fraction, exactly: numerator / 10^n of the unit must be a whole number of ms.
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
    if (fraction.size() > k_max_fraction_digits) return bad(text, "finer than a millisecond");
    int64_t numerator = 0, scale = 1;
    for (const char c : fraction) {
      numerator = numerator * 10 + (c - '0');
      scale *= 10;
    }
    if (numerator * unit_ms % scale != 0) return bad(text, "finer than a millisecond");
    part += numerator * unit_ms / scale;
    total += part;
    if (total > k_max_ms) return bad(text, "more than 30 days");
  }
  return milliseconds(total);
}

std::string format_duration(milliseconds duration) {
  int64_t left = duration.count();
  std::string out;
  if (left < 0) {
    out = "-";
    left = -left;
  }
  if (left == 0) return "0s";
  for (const Unit& unit : k_units) {
    if (left < unit.ms) continue;
    out += std::to_string(left / unit.ms);
    out += unit.name;
    left %= unit.ms;
  }
  return out;
}

}  // namespace bgo
