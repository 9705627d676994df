// SPDX-License-Identifier: MIT
// A strict reader of the OpenMetrics 1.0 text format, written from the specification's ABNF
// and rules independently of proto/openmetrics.cpp, so that tests check bgod's output against
// the format rather than against the code that wrote it. It knows the gauge, counter and
// histogram types (all bgod writes) and refuses anything else, timestamps and exemplars too.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "proto/utf8_repair.hpp"

namespace bgo::test {

using OmLabels = std::vector<std::pair<std::string, std::string>>;  // in order, unescaped

struct OmSample {
  std::string name;  // as written: foo_total, foo_bucket, …
  OmLabels labels;
  std::string value_text;
  double value = 0;

  std::optional<std::string> label(std::string_view key) const {
    for (const auto& [k, v] : labels) {
      if (k == key) return v;
    }
    return std::nullopt;
  }
};

struct OmFamily {
  std::string name, type, unit, help;  // help unescaped
  std::vector<OmSample> samples;
};

struct OmExposition {
  std::vector<OmFamily> families;

  const OmFamily* family(std::string_view name) const {
    for (const auto& f : families) {
      if (f.name == name) return &f;
    }
    return nullptr;
  }
  // The samples called `sample_name` whose labels include every pair of `match`.
  std::vector<const OmSample*> find(std::string_view sample_name,
                                    const OmLabels& match = {}) const {
    std::vector<const OmSample*> out;
    for (const auto& f : families) {
      for (const auto& s : f.samples) {
        if (s.name != sample_name) continue;
        if (std::all_of(match.begin(), match.end(),
                        [&](const auto& kv) { return s.label(kv.first) == kv.second; })) {
          out.push_back(&s);
        }
      }
    }
    return out;
  }
  // The value of the one sample find() returns; nullopt when there is none or several.
  std::optional<double> value(std::string_view sample_name, const OmLabels& match = {}) const {
    const auto found = find(sample_name, match);
    if (found.size() != 1) return std::nullopt;
    return found.front()->value;
  }
};

struct OmParse {
  std::optional<OmExposition> exposition;
  std::string error;  // "line N: why" when `exposition` is empty
};

namespace om_detail {

inline bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// metricname (colons allowed) or label-name (not) at the start of `s`; its length, 0 if none.
inline size_t name_length(std::string_view s, bool colon) {
  size_t n = 0;
  while (n < s.size() &&
         (is_alpha(s[n]) || s[n] == '_' || (colon && s[n] == ':') || (n > 0 && is_digit(s[n])))) {
    ++n;
  }
  return n;
}

// ABNF `number`: realnumber, [sign] inf/infinity, nan (the last two case-insensitive).
inline bool is_number(std::string_view s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  std::string_view t = lower;
  if (t == "nan") return true;
  if (!t.empty() && (t[0] == '+' || t[0] == '-')) t.remove_prefix(1);
  if (t == "inf" || t == "infinity") return true;
  size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < t.size() && is_digit(t[i])) ++i, ++int_digits;
  if (i < t.size() && t[i] == '.') {
    ++i;
    while (i < t.size() && is_digit(t[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < t.size() && t[i] == 'e') {
    if (int_digits == 0 && frac_digits == 0) return false;
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    const size_t exp_start = i;
    while (i < t.size() && is_digit(t[i])) ++i;
    if (i == exp_start) return false;
  }
  return i == t.size();
}

inline double number_value(std::string_view s) {
  std::string text(s);
  for (auto& c : text) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c);
  if (text == "nan") return std::nan("");
  if (text.find("inf") != std::string::npos) return text[0] == '-' ? -INFINITY : INFINITY;
  return std::strtod(text.c_str(), nullptr);
}

inline bool is_integer_text(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// An escaped-string up to `end` (a double quote for label values, the line's end for HELP).
// Only the three escapes bgod may write are accepted. Advances `pos` to `end`'s position.
inline std::optional<std::string> unescape(std::string_view s, size_t& pos, char end,
                                           std::string& error) {
  std::string out;
  while (pos < s.size() && s[pos] != end) {
    const char c = s[pos];
    if (c == '"' || c == '\n') {
      error = "unescaped double quote or line feed";
      return std::nullopt;
    }
    if (c == '\\') {
      if (pos + 1 >= s.size()) {
        error = "a backslash at the end";
        return std::nullopt;
      }
      const char next = s[pos + 1];
      if (next == 'n') {
        out += '\n';
      } else if (next == '"' || next == '\\') {
        out += next;
      } else {
        error = std::string("undefined escape \\") + next;
        return std::nullopt;
      }
      pos += 2;
      continue;
    }
    out += c;
    ++pos;
  }
  if (end != '\n' && pos >= s.size()) {
    error = "unterminated label value";
    return std::nullopt;
  }
  return out;
}

inline OmLabels without(const OmLabels& labels, std::string_view key) {
  OmLabels out;
  for (const auto& kv : labels) {
    if (kv.first != key) out.push_back(kv);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The rules for a whole family, checked once its last line is read.
inline std::string check_family(const OmFamily& f) {
  std::set<std::pair<std::string, OmLabels>> seen;
  for (const auto& s : f.samples) {
    OmLabels sorted = s.labels;
    std::sort(sorted.begin(), sorted.end());
    if (!seen.emplace(s.name, sorted).second) return s.name + ": the same labels twice";
    if (f.type == "counter" && (std::isnan(s.value) || s.value < 0)) {
      return s.name + ": a counter's total must be a number >= 0";
    }
  }
  if (f.type != "histogram") return "";
  struct Point {
    std::vector<const OmSample*> buckets;
    const OmSample* count = nullptr;
    const OmSample* sum = nullptr;
  };
  std::map<OmLabels, Point> points;
  for (const auto& s : f.samples) {
    Point& p = points[without(s.labels, "le")];
    if (s.name == f.name + "_bucket") {
      if (!s.label("le")) return s.name + ": a bucket without le";
      p.buckets.push_back(&s);
    } else if (s.name == f.name + "_count") {
      p.count = &s;
    } else if (s.name == f.name + "_sum") {
      p.sum = &s;
    }
    if (s.name != f.name + "_bucket" && s.label("le")) return s.name + ": le outside a bucket";
  }
  for (const auto& [labels, p] : points) {
    if (p.buckets.empty()) return f.name + ": a histogram point without buckets";
    if (*p.buckets.back()->label("le") != "+Inf") return f.name + ": the last bucket is not +Inf";
    double last_le = -INFINITY, last_count = 0;
    for (const OmSample* b : p.buckets) {
      const std::string le = *b->label("le");
      if (!is_number(le)) return f.name + ": le=\"" + le + "\" is not a number";
      if (le != "+Inf" && le.find('.') == std::string::npos && le.find('e') == std::string::npos) {
        return f.name + ": le=\"" + le + "\" is not a canonical float (1.0, not 1)";
      }
      const double v = number_value(le);
      if (!(v > last_le)) return f.name + ": buckets not in increasing order of le";
      if (!is_integer_text(b->value_text)) return f.name + ": a bucket count is not an integer";
      if (b->value < last_count) return f.name + ": bucket counts are not cumulative";
      last_le = v;
      last_count = b->value;
    }
    if ((p.count == nullptr) != (p.sum == nullptr)) return f.name + ": _count without _sum";
    if (p.count != nullptr) {
      if (!is_integer_text(p.count->value_text)) return f.name + "_count is not an integer";
      if (p.count->value != last_count) return f.name + "_count differs from the +Inf bucket";
    }
  }
  return "";
}

}  // namespace om_detail

inline OmParse parse_openmetrics(std::string_view text) {
  using namespace om_detail;
  OmParse result;
  if (!proto::is_valid_utf8(text)) return {std::nullopt, "not valid UTF-8"};
  if (text.find('\r') != std::string_view::npos) return {std::nullopt, "a carriage return"};
  OmExposition ex;
  std::set<std::string> closed;  // families already ended: one may not come back
  enum Meta { type = 1, unit = 2, help = 4 };
  int meta_seen = 0;
  bool eof = false;
  size_t line_no = 0;
  auto fail = [&](const std::string& why) {
    return OmParse{std::nullopt, "line " + std::to_string(line_no) + ": " + why};
  };
  auto close_family = [&]() -> std::string {
    if (ex.families.empty()) return "";
    closed.insert(ex.families.back().name);
    return check_family(ex.families.back());
  };
  size_t pos = 0;
  while (pos < text.size()) {
    ++line_no;
    const size_t nl = text.find('\n', pos);
    if (eof) return fail("something after # EOF");
    const std::string_view line =
        text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line == "# EOF") {
      if (auto e = close_family(); !e.empty()) return fail(e);
      eof = true;
      continue;
    }
    if (nl == std::string_view::npos) return fail("a line without its line feed");
    if (!line.empty() && line[0] == '#') {
      if (line.size() < 7 || line[1] != ' ' || line[6] != ' ') return fail("not metadata");
      const std::string_view kind = line.substr(2, 4);
      const int bit = kind == "TYPE" ? type : kind == "UNIT" ? unit : kind == "HELP" ? help : 0;
      if (bit == 0) return fail("a comment that is not TYPE, UNIT or HELP");
      std::string_view rest = line.substr(7);
      const size_t n = name_length(rest, true);
      if (n == 0 || n >= rest.size() || rest[n] != ' ') return fail("no family name");
      const std::string name(rest.substr(0, n));
      rest.remove_prefix(n + 1);
      if (ex.families.empty() || ex.families.back().name != name) {
        if (auto e = close_family(); !e.empty()) return fail(e);
        if (closed.count(name) != 0) return fail("family " + name + " comes back");
        ex.families.push_back(OmFamily{name, "unknown", "", "", {}});
        meta_seen = 0;
      }
      OmFamily& f = ex.families.back();
      if (!f.samples.empty()) return fail(name + ": metadata after samples");
      if ((meta_seen & bit) != 0) return fail(name + ": " + std::string(kind) + " twice");
      meta_seen |= bit;
      if (bit == type) {
        if (rest != "gauge" && rest != "counter" && rest != "histogram") {
          return fail(name + ": type '" + std::string(rest) + "' is not one this reader checks");
        }
        f.type = rest;
      } else if (bit == unit) {
        if (!rest.empty() &&
            (name.size() <= rest.size() + 1 ||
             name.substr(name.size() - rest.size() - 1) != "_" + std::string(rest))) {
          return fail(name + ": unit '" + std::string(rest) + "' is not the name's suffix");
        }
        f.unit = rest;
      } else {
        std::string error;
        size_t at = 0;
        auto h = unescape(rest, at, '\n', error);
        if (!h) return fail(name + ": HELP: " + error);
        f.help = *h;
      }
      continue;
    }
    // A sample: metricname [labels] SP number LF.
    const size_t n = name_length(line, true);
    if (n == 0) return fail("not a sample");
    OmSample s;
    s.name = line.substr(0, n);
    size_t at = n;
    if (at < line.size() && line[at] == '{') {
      ++at;
      std::set<std::string> keys;
      while (at < line.size() && line[at] != '}') {
        const size_t k = name_length(line.substr(at), false);
        if (k == 0) return fail(s.name + ": bad label name");
        std::string key(line.substr(at, k));
        at += k;
        if (line.substr(at, 2) != "=\"") return fail(s.name + ": label " + key + " without =\"");
        at += 2;
        std::string error;
        auto value = unescape(line, at, '"', error);
        if (!value) return fail(s.name + ": label " + key + ": " + error);
        ++at;  // the closing quote
        if (!keys.insert(key).second) return fail(s.name + ": label " + key + " twice");
        s.labels.emplace_back(std::move(key), std::move(*value));
        if (at < line.size() && line[at] == ',') {
          ++at;
          if (at < line.size() && line[at] == '}') return fail(s.name + ": a trailing comma");
        }
      }
      if (at >= line.size()) return fail(s.name + ": unterminated labels");
      ++at;  // '}'
    }
    if (at >= line.size() || line[at] != ' ') return fail(s.name + ": no space before the value");
    s.value_text = line.substr(at + 1);
    if (s.value_text.find(' ') != std::string::npos) {
      return fail(s.name + ": something after the value (a timestamp or an exemplar)");
    }
    if (!is_number(s.value_text)) return fail(s.name + ": '" + s.value_text + "' is no number");
    s.value = number_value(s.value_text);
    if (ex.families.empty()) return fail(s.name + ": a sample before any TYPE");
    OmFamily& f = ex.families.back();
    const std::string& base = f.name;
    const bool belongs =
        (f.type == "gauge" && s.name == base) ||
        (f.type == "counter" && (s.name == base + "_total" || s.name == base + "_created")) ||
        (f.type == "histogram" && (s.name == base + "_bucket" || s.name == base + "_count" ||
                                   s.name == base + "_sum" || s.name == base + "_created"));
    if (!belongs) return fail(s.name + ": not a sample of family " + base + " (" + f.type + ")");
    f.samples.push_back(std::move(s));
  }
  if (!eof) return fail("no # EOF at the end");
  result.exposition = std::move(ex);
  return result;
}

}  // namespace bgo::test
