// SPDX-License-Identifier: MIT
// CronSchedule: crontab(5) fields parsed into bit sets; the next match found day by day in UTC
// with the C++20 calendar (no time zone, so no DST gaps or repeats).
#include "common/cron.hpp"

#include <cstdint>
#include <iterator>
#include <vector>

namespace bgo {

namespace {

using namespace std::chrono;

struct FieldSpec {
  std::string_view label;  // for messages: "minute field '61': ..."
  unsigned min;
  unsigned max;                             // the largest number accepted (7 for the day of week)
  unsigned star_max;                        // the largest value `*` covers (6 for the day of week)
  const std::string_view* names = nullptr;  // names[i] is the value min + i; nullptr: none
  std::size_t name_count = 0;
};

constexpr std::string_view k_month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                              "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::string_view k_day_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr FieldSpec k_fields[] = {
    {"minute", 0, 59, 59},
    {"hour", 0, 23, 23},
    {"day-of-month", 1, 31, 31},
    {"month", 1, 12, 12, k_month_names, std::size(k_month_names)},
    {"day-of-week", 0, 7, 6, k_day_names, std::size(k_day_names)},
};

// A search this long finds every schedule that can match (29 February comes within 4 years
// but for 2100-style century gaps) while bounding the work to some 1800 days.
constexpr int k_search_days = 5 * 365 + 2;

struct Macro {
  std::string_view name;
  std::string_view fields;
};
constexpr Macro k_macros[] = {
    {"@hourly", "0 * * * *"},   {"@daily", "0 0 * * *"},   {"@midnight", "0 0 * * *"},
    {"@weekly", "0 0 * * 0"},   {"@monthly", "0 0 1 * *"}, {"@yearly", "0 0 1 1 *"},
    {"@annually", "0 0 1 1 *"},
};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string lowered(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) out += lower(c);
  return out;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  for (;;) {
    const std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

// Parses fields[i] of one expression; errors name the field and why.
class FieldParser {
 public:
  FieldParser(std::string_view expression, const FieldSpec& spec, std::string_view text)
      : expression_(expression), spec_(spec), text_(text) {}

  // The set of values, as bits (bit v = value v; the day of week's 7 folded onto 0).
  Result<uint64_t> parse() const {
    uint64_t bits = 0;
    for (const std::string_view item : split(text_, ',')) {
      if (item.empty()) return fail("an empty list item");
      auto part = parse_item(item);
      if (!part) return part.error();
      bits |= *part;
    }
    if (spec_.max == 7 && (bits & (uint64_t{1} << 7)) != 0) {
      bits = (bits & ~(uint64_t{1} << 7)) | 1U;  // 7 is Sunday, as 0 is
    }
    return bits;
  }

 private:
  Error fail(const std::string& why) const {
    return make_error(Errc::invalid_params, "invalid cron expression '" + std::string(expression_) +
                                                "': " + std::string(spec_.label) + " field '" +
                                                std::string(text_) + "': " + why);
  }

  Result<uint64_t> parse_item(std::string_view item) const {
    const std::size_t slash = item.find('/');
    const std::string_view range = item.substr(0, slash);
    unsigned step = 1;
    if (slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      const auto n = number(step_text);
      if (!n) return fail("the step '" + std::string(step_text) + "' is not a number");
      if (*n == 0) return fail("a step of 0");
      step = *n;
    }
    unsigned first = 0, last = 0;
    if (range == "*") {
      first = spec_.min;
      last = spec_.star_max;
    } else {
      const std::size_t dash = range.find('-');
      auto lo = value(range.substr(0, dash));
      if (!lo) return lo.error();
      first = last = *lo;
      if (dash != std::string_view::npos) {
        auto hi = value(range.substr(dash + 1));
        if (!hi) return hi.error();
        last = *hi;
        if (last < first) {
          return fail("the range " + std::string(range) + " goes backwards");
        }
      } else if (slash != std::string_view::npos) {
        return fail("a step needs a range or '*' before it ('" + std::string(item) + "')");
      }
    }
    uint64_t bits = 0;
    for (unsigned v = first; v <= last; v += step) bits |= uint64_t{1} << v;
    return bits;
  }

  // A number or, where the field has them, a three-letter name (any case).
  Result<unsigned> value(std::string_view text) const {
    if (text.empty()) return fail("a missing number");
    if (const auto n = number(text)) {
      if (*n < spec_.min || *n > spec_.max) {
        return fail(std::string(text) + " is out of range " + std::to_string(spec_.min) + "-" +
                    std::to_string(spec_.max));
      }
      return *n;
    }
    const std::string name = lowered(text);
    for (std::size_t i = 0; i < spec_.name_count; ++i) {
      if (spec_.names[i] == name) return spec_.min + static_cast<unsigned>(i);
    }
    return fail("'" + std::string(text) + "' is not a " +
                (spec_.name_count > 0 ? "number or a name" : "number"));
  }

  static std::optional<unsigned> number(std::string_view text) {
    if (text.empty() || text.size() > 9) return std::nullopt;  // no overflow
    unsigned n = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<unsigned>(c - '0');
    }
    return n;
  }

  std::string_view expression_;
  const FieldSpec& spec_;
  std::string_view text_;
};

}  // namespace

Result<CronSchedule> CronSchedule::parse(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  const auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_params,
                      "invalid cron expression '" + std::string(text) + "': " + why);
  };
  std::string_view fields_text = text;
  if (text.starts_with('@')) {
    const std::string name = lowered(text);
    if (name == "@reboot") return bad("@reboot is not a schedule (bgod starts processes itself)");
    fields_text = {};
    for (const Macro& m : k_macros) {
      if (m.name == name) fields_text = m.fields;
    }
    if (fields_text.empty()) {
      return bad("unknown macro (use @hourly, @daily, @weekly, @monthly or @yearly)");
    }
  }
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < fields_text.size()) {
    while (pos < fields_text.size() && is_blank(fields_text[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < fields_text.size() && !is_blank(fields_text[pos])) ++pos;
    if (pos > start) fields.push_back(fields_text.substr(start, pos - start));
  }
  if (fields.size() != std::size(k_fields)) {
    return bad("expected 5 fields (MIN HOUR DOM MON DOW), got " + std::to_string(fields.size()));
  }
  std::array<uint64_t, std::size(k_fields)> bits{};
  for (std::size_t i = 0; i < fields.size(); ++i) {
    auto parsed = FieldParser(text, k_fields[i], fields[i]).parse();
    if (!parsed) return parsed.error();
    bits[i] = *parsed;
  }
  CronSchedule out;
  out.text_ = std::string(text);
  out.minutes_ = std::bitset<60>(bits[0]);
  out.hours_ = std::bitset<24>(bits[1]);
  out.days_ = std::bitset<32>(bits[2]);
  out.months_ = std::bitset<13>(bits[3]);
  out.weekdays_ = std::bitset<7>(bits[4]);
  // Vixie cron's rule: a field that starts with '*' (even "*/2") does not restrict the day.
  out.dom_restricted_ = !fields[2].starts_with('*');
  out.dow_restricted_ = !fields[4].starts_with('*');
  return out;
}

std::optional<system_clock::time_point> CronSchedule::next_after(
    system_clock::time_point after) const {
  const sys_time<minutes> first = floor<minutes>(after) + minutes{1};
  const sys_days first_day = floor<days>(first);
  const auto into_day = static_cast<unsigned>((first - first_day).count());
  for (int i = 0; i <= k_search_days; ++i) {
    const sys_days day = first_day + days{i};
    const year_month_day date{day};
    if (!months_[static_cast<unsigned>(date.month())]) continue;
    const bool dom = days_[static_cast<unsigned>(date.day())];
    const bool dow = weekdays_[weekday{day}.c_encoding()];
    if (dom_restricted_ && dow_restricted_ ? !(dom || dow) : !(dom && dow)) continue;
    const unsigned from = i == 0 ? into_day : 0;
    for (unsigned hour = from / 60; hour < 24; ++hour) {
      if (!hours_[hour]) continue;
      const unsigned from_minute = hour == from / 60 ? from % 60 : 0;
      for (unsigned minute = from_minute; minute < 60; ++minute) {
        if (minutes_[minute]) return day + hours{hour} + minutes{minute};
      }
    }
  }
  return std::nullopt;
}

}  // namespace bgo
