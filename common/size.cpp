// SPDX-License-Identifier: MIT
// parse_size() and format_size().
#include "common/size.hpp"

#include <cctype>
#include <exception>

namespace bgo {

std::optional<uint64_t> parse_size(std::string_view text) {
  const std::string s(text);
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(s, &pos);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = s.substr(pos);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  double mult = 1;
  if (unit == "K") {
    mult = 1024.0;
  } else if (unit == "M") {
    mult = 1024.0 * 1024;
  } else if (unit == "G") {
    mult = 1024.0 * 1024 * 1024;
  } else if (!unit.empty() && unit != "B") {
    return std::nullopt;
  }
  if (!(value >= 0) || value * mult > 1e18) return std::nullopt;
  return static_cast<uint64_t>(value * mult);
}

std::string format_size(uint64_t bytes) {
  constexpr uint64_t k_kib = 1024;
  if (bytes != 0 && bytes % (k_kib * k_kib * k_kib) == 0) {
    return std::to_string(bytes / (k_kib * k_kib * k_kib)) + "G";
  }
  if (bytes != 0 && bytes % (k_kib * k_kib) == 0)
    return std::to_string(bytes / (k_kib * k_kib)) + "M";
  if (bytes != 0 && bytes % k_kib == 0) return std::to_string(bytes / k_kib) + "K";
  return std::to_string(bytes);
}

}  // namespace bgo
