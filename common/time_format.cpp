// SPDX-License-Identifier: MIT
// Wall-clock timestamps in the text forms the original bgo writes and reads.
#include "common/time_format.hpp"

#include <array>
#include <cstdio>
#include <ctime>

namespace bgo {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::system_clock;

// Big enough for any 64-bit year; snprintf truncates rather than overflows anyway.
using TextBuffer = std::array<char, 64>;

std::string format_utc(system_clock::time_point tp, bool with_fraction) {
  const auto us = floor<microseconds>(tp);
  const auto day = floor<days>(us);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss<microseconds> hms{us - day};
  TextBuffer buffer{};
  int length = std::snprintf(
      buffer.data(), buffer.size(), "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()));
  std::string out(buffer.data(), static_cast<std::size_t>(length));
  if (with_fraction && hms.subseconds().count() != 0) {
    length = std::snprintf(buffer.data(), buffer.size(), ".%06lld",
                           static_cast<long long>(hms.subseconds().count()));
    out.append(buffer.data(), static_cast<std::size_t>(length));
  }
  out += "+00:00";
  return out;
}

// A forward-only reader over the text being parsed; every accessor fails without consuming
// on a mismatch, so the grammar below reads as a sequence of optional parts.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  [[nodiscard]] bool at_end() const { return pos_ == text_.size(); }
  [[nodiscard]] bool peek(char c) const { return pos_ < text_.size() && text_[pos_] == c; }

  bool literal(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }

  // Exactly `count` ASCII digits.
  bool number(int count, int& value) {
    if (text_.size() - pos_ < static_cast<std::size_t>(count)) return false;
    int result = 0;
    for (int i = 0; i < count; ++i) {
      const char c = text_[pos_ + static_cast<std::size_t>(i)];
      if (c < '0' || c > '9') return false;
      result = result * 10 + (c - '0');
    }
    pos_ += static_cast<std::size_t>(count);
    value = result;
    return true;
  }

  // 1 to 9 digits of a decimal fraction, as whole microseconds (extra digits truncated).
  bool fraction(int& micros) {
    int digits = 0;
    int result = 0;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (digits < 6) result = result * 10 + (text_[pos_] - '0');
      ++digits;
      ++pos_;
    }
    if (digits == 0 || digits > 9) return false;
    for (int i = digits; i < 6; ++i) result *= 10;
    micros = result;
    return true;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

// Parses the part after the time: nothing (UTC), `Z`, `±HH:MM`, `±HH:MM:SS` or `±HHMM`.
std::optional<seconds> parse_offset(Cursor& in) {
  if (in.at_end()) return seconds{0};
  if (in.literal('Z')) return seconds{0};
  int sign = 1;
  if (in.literal('-')) {
    sign = -1;
  } else if (!in.literal('+')) {
    return std::nullopt;
  }
  int hh = 0;
  int mm = 0;
  int ss = 0;
  if (!in.number(2, hh)) return std::nullopt;
  if (in.literal(':')) {
    if (!in.number(2, mm)) return std::nullopt;
    if (in.literal(':') && !in.number(2, ss)) return std::nullopt;
  } else if (!in.number(2, mm)) {
    return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  return sign * (hours{hh} + minutes{mm} + seconds{ss});
}

}  // namespace

std::string iso_utc(system_clock::time_point tp) { return format_utc(tp, true); }

std::string iso_utc_seconds(system_clock::time_point tp) { return format_utc(tp, false); }

std::string lstart_text(system_clock::time_point tp) {
  // Fixed English names instead of strftime("%a %b"): ps prints these whatever the locale
  // of the program that reads them back, and bgo must not depend on setlocale().
  static constexpr std::array<const char*, 7> k_days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> k_months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto secs = floor<seconds>(tp).time_since_epoch().count();
  const auto when = static_cast<time_t>(secs);
  struct tm local {};
  if (static_cast<long long>(when) != static_cast<long long>(secs) ||
      ::localtime_r(&when, &local) == nullptr || local.tm_wday < 0 || local.tm_wday > 6 ||
      local.tm_mon < 0 || local.tm_mon > 11) {
    return {};
  }
  TextBuffer buffer{};
  const int length = std::snprintf(buffer.data(), buffer.size(), "%s %s %2d %02d:%02d:%02d %d",
                                   k_days[static_cast<std::size_t>(local.tm_wday)],
                                   k_months[static_cast<std::size_t>(local.tm_mon)], local.tm_mday,
                                   local.tm_hour, local.tm_min, local.tm_sec, local.tm_year + 1900);
  return {buffer.data(), static_cast<std::size_t>(length)};
}

std::optional<system_clock::time_point> parse_iso(std::string_view text) {
  Cursor in{text};
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int micros = 0;
  if (!in.number(4, year) || !in.literal('-') || !in.number(2, month) || !in.literal('-') ||
      !in.number(2, day)) {
    return std::nullopt;
  }
  if (!in.literal('T') && !in.literal(' ')) return std::nullopt;
  if (!in.number(2, hour) || !in.literal(':') || !in.number(2, minute)) return std::nullopt;
  if (in.literal(':')) {
    if (!in.number(2, second)) return std::nullopt;
    if (in.literal('.') && !in.fraction(micros)) return std::nullopt;
  }
  const std::optional<seconds> offset = parse_offset(in);
  if (!offset || !in.at_end()) return std::nullopt;

  const std::chrono::year_month_day ymd{std::chrono::year{year},
                                        std::chrono::month{static_cast<unsigned>(month)},
                                        std::chrono::day{static_cast<unsigned>(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  const auto local = std::chrono::sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second} +
                     microseconds{micros};
  return std::chrono::time_point_cast<system_clock::duration>(local - *offset);
}

}  // namespace bgo
