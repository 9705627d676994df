// SPDX-License-Identifier: MIT
// A five-field cron schedule ("MIN HOUR DOM MON DOW", crontab(5) syntax), matched in UTC.
#pragma once

#include <array>
#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

class CronSchedule {
 public:
  // Fields: numbers, `*`, ranges `a-b`, steps `*/n` and `a-b/n`, lists `a,b`; month and
  // weekday names (jan..dec, sun..sat); weekday 7 is Sunday; `@hourly`, `@daily`, `@weekly`,
  // `@monthly`, `@yearly` (`@midnight`, `@annually`). When both DOM and DOW are restricted
  // (a field is unless it starts with `*`, so `*/2` is not), either matches (vixie cron).
  // Errors: invalid_params naming the field at fault; `@reboot` is refused.
  static Result<CronSchedule> parse(std::string_view text);
  // The first whole minute strictly after `after` that matches, in UTC; nullopt when none
  // exists within five years (e.g. "0 0 30 2 *").
  std::optional<std::chrono::system_clock::time_point> next_after(
      std::chrono::system_clock::time_point after) const;
  const std::string& text() const { return text_; }

  // The values each field matches, for writing the schedule in another syntax (bgo export).
  const std::bitset<60>& minute_set() const { return minutes_; }
  const std::bitset<24>& hour_set() const { return hours_; }
  const std::bitset<32>& day_set() const { return days_; }         // 1..31
  const std::bitset<13>& month_set() const { return months_; }     // 1..12
  const std::bitset<7>& weekday_set() const { return weekdays_; }  // 0 = Sunday
  bool dom_restricted() const { return dom_restricted_; }
  bool dow_restricted() const { return dow_restricted_; }

 private:
  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1..31
  std::bitset<13> months_;   // 1..12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool dom_restricted_ = false;
  bool dow_restricted_ = false;
};

}  // namespace bgo
