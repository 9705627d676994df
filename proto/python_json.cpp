// SPDX-License-Identifier: MIT
// Byte-exact reproductions of Python's json.dumps for state files and `--json` output.
#include "proto/python_json.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <string_view>

#include <boost/json.hpp>

#include "common/utf8.hpp"

namespace bgo::proto {
namespace {

// "\\u" + four lowercase hex digits, as Python writes them.
void append_u_escape(std::string& out, unsigned unit) {
  constexpr std::string_view k_hex = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += k_hex[(unit >> shift) & 0xFU];
}

// Python's ensure_ascii encoder: everything outside ' '..'~' is escaped.
void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  std::size_t pos = 0;
  while (pos < s.size()) {
    const char32_t cp = next_code_point(s, pos);
    switch (cp) {
      case U'"':
        out += "\\\"";
        continue;
      case U'\\':
        out += "\\\\";
        continue;
      case U'\n':
        out += "\\n";
        continue;
      case U'\r':
        out += "\\r";
        continue;
      case U'\t':
        out += "\\t";
        continue;
      case U'\b':
        out += "\\b";
        continue;
      case U'\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (cp >= 0x20 && cp < 0x7F) {
      out += static_cast<char>(cp);
    } else if (cp < 0x10000) {
      append_u_escape(out, static_cast<unsigned>(cp));
    } else {
      const auto offset = static_cast<unsigned>(cp - 0x10000);
      append_u_escape(out, 0xD800 + (offset >> 10));
      append_u_escape(out, 0xDC00 + (offset & 0x3FF));
    }
  }
  out += '"';
}

// json.dumps writes non-finite floats as JavaScript literals, not as repr() does.
std::string json_float(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  return python_float_repr(d);
}

// `indent < 0` selects the compact one-line form. The recursion is bounded by the nesting depth
// Boost.JSON's parser accepts (32 by default).
// NOLINTNEXTLINE(misc-no-recursion)
void dump(std::string& out, const boost::json::value& v, int indent, int depth) {
  const auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), ' ');
  };
  switch (v.kind()) {
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::int64:
      out += std::to_string(v.get_int64());
      return;
    case boost::json::kind::uint64:
      out += std::to_string(v.get_uint64());
      return;
    case boost::json::kind::double_:
      out += json_float(v.get_double());
      return;
    case boost::json::kind::string:
      append_quoted(out, v.get_string());
      return;
    case boost::json::kind::array: {
      const auto& array = v.get_array();
      if (array.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& item : array) {
        if (!first) out += indent < 0 ? ", " : ",";
        first = false;
        if (indent >= 0) newline(depth + 1);
        dump(out, item, indent, depth + 1);
      }
      if (indent >= 0) newline(depth);
      out += ']';
      return;
    }
    case boost::json::kind::object: {
      const auto& object = v.get_object();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& member : object) {
        if (!first) out += indent < 0 ? ", " : ",";
        first = false;
        if (indent >= 0) newline(depth + 1);
        append_quoted(out, member.key());
        out += ": ";
        dump(out, member.value(), indent, depth + 1);
      }
      if (indent >= 0) newline(depth);
      out += '}';
      return;
    }
  }
}

}  // namespace

std::string python_json_dumps(const boost::json::value& v, int indent) {
  std::string out;
  dump(out, v, indent < 0 ? 0 : indent, 0);
  return out;
}

std::string python_json_compact(const boost::json::value& v) {
  std::string out;
  dump(out, v, -1, 0);
  return out;
}

std::string python_float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  std::string out = std::signbit(d) ? "-" : "";
  // Shortest round-trip digits in the form "d.ddde[+-]xx" give the digit string and exponent.
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), std::fabs(d),
                                    std::chars_format::scientific);
  const std::string_view text(buffer.data(), static_cast<std::size_t>(result.ptr - buffer.data()));
  const auto e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  const std::string_view exp_text = text.substr(e + 1);
  std::from_chars(exp_text.data() + (exp_text.front() == '+' ? 1 : 0),
                  exp_text.data() + exp_text.size(), exponent);
  const int decpt = exponent + 1;  // digits before the decimal point
  const auto ndigits = static_cast<int>(digits.size());
  if (decpt <= -4 || decpt > 16) {
    out += digits[0];
    if (ndigits > 1) {
      // Appends, not `"." + s`: GCC 12 reports a false -Wrestrict on that in Release builds.
      out += '.';
      out.append(digits, 1);
    }
    out += exponent < 0 ? "e-" : "e+";
    const int magnitude = exponent < 0 ? -exponent : exponent;
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
  } else if (decpt <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-decpt), '0');
    out += digits;
  } else if (decpt >= ndigits) {
    out += digits;
    out.append(static_cast<std::size_t>(decpt - ndigits), '0');
    out += ".0";
  } else {
    out.append(digits, 0, static_cast<std::size_t>(decpt));
    out += '.';
    out.append(digits, static_cast<std::size_t>(decpt));
  }
  return out;
}

}  // namespace bgo::proto
