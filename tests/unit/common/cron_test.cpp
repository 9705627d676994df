// SPDX-License-Identifier: MIT
// CronSchedule: every field syntax, the macros, the day-of-month/day-of-week rule, next matches
// across month and year ends and leap days, schedules that never match, and what is refused.
#include "common/cron.hpp"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include <gtest/gtest.h>

namespace bgo {
namespace {

using namespace std::chrono;
using std::chrono::days;

using TimePoint = system_clock::time_point;

// 2025-03-01 10:15:30 UTC from (2025, 3, 1, 10, 15, 30).
TimePoint at(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

std::string text_of(std::optional<TimePoint> t) {
  if (!t) return "never";
  const auto day = floor<days>(*t);
  const year_month_day ymd{day};
  const hh_mm_ss time{floor<seconds>(*t - day)};
  std::array<char, 32> buf{};
  (void)std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02u %02ld:%02ld:%02ld",
                      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                      static_cast<unsigned>(ymd.day()), static_cast<long>(time.hours().count()),
                      static_cast<long>(time.minutes().count()),
                      static_cast<long>(time.seconds().count()));
  return buf.data();
}

CronSchedule cron(std::string_view text) {
  auto r = CronSchedule::parse(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : CronSchedule{};
}

// The next match of `text` after `from`, as text.
std::string next(std::string_view text, TimePoint from) {
  return text_of(cron(text).next_after(from));
}

// The first `count` matches after `from`.
std::vector<std::string> matches(std::string_view text, TimePoint from, int count) {
  const CronSchedule schedule = cron(text);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    const auto t = schedule.next_after(from);
    out.push_back(text_of(t));
    if (!t) break;
    from = *t;
  }
  return out;
}

std::string error_of(std::string_view text) {
  auto r = CronSchedule::parse(text);
  EXPECT_FALSE(r) << text;
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

const TimePoint k_t0 = at(2025, 3, 1, 10, 15, 30);  // a Saturday; the 2nd is a Sunday

TEST(CronNext, EveryMinuteIsTheNextWholeMinuteStrictlyAfter) {
  EXPECT_EQ(next("* * * * *", k_t0), "2025-03-01 10:16:00");
  EXPECT_EQ(next("* * * * *", at(2025, 3, 1, 10, 15, 0)), "2025-03-01 10:16:00");
  EXPECT_EQ(next("* * * * *", at(2025, 3, 1, 10, 15, 0) - nanoseconds(1)), "2025-03-01 10:15:00");
  EXPECT_EQ(next("* * * * *", at(2025, 3, 1, 23, 59, 59)), "2025-03-02 00:00:00");
}

TEST(CronNext, NumbersRangesStepsLists) {
  EXPECT_EQ(next("30 * * * *", k_t0), "2025-03-01 10:30:00");
  EXPECT_EQ(next("15 * * * *", k_t0), "2025-03-01 11:15:00");
  EXPECT_EQ(next("0 4 * * *", k_t0), "2025-03-02 04:00:00");
  EXPECT_EQ(matches("*/20 * * * *", k_t0, 3),
            (std::vector<std::string>{"2025-03-01 10:20:00", "2025-03-01 10:40:00",
                                      "2025-03-01 11:00:00"}));
  EXPECT_EQ(matches("10-12 * * * *", k_t0, 4),
            (std::vector<std::string>{"2025-03-01 11:10:00", "2025-03-01 11:11:00",
                                      "2025-03-01 11:12:00", "2025-03-01 12:10:00"}));
  EXPECT_EQ(matches("5-50/15 * * * *", k_t0, 4),
            (std::vector<std::string>{"2025-03-01 10:20:00", "2025-03-01 10:35:00",
                                      "2025-03-01 10:50:00", "2025-03-01 11:05:00"}));
  EXPECT_EQ(matches("0 9,17 * * *", k_t0, 3),
            (std::vector<std::string>{"2025-03-01 17:00:00", "2025-03-02 09:00:00",
                                      "2025-03-02 17:00:00"}));
  EXPECT_EQ(
      matches("0,30 8-9 * * *", k_t0, 5),
      (std::vector<std::string>{"2025-03-02 08:00:00", "2025-03-02 08:30:00", "2025-03-02 09:00:00",
                                "2025-03-02 09:30:00", "2025-03-03 08:00:00"}));
  EXPECT_EQ(next("1,2-3,*/30 * * * *", k_t0), "2025-03-01 10:30:00");
  EXPECT_EQ(next("0 0 * * *", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(next("59 23 31 12 *", k_t0), "2025-12-31 23:59:00");
}

TEST(CronNext, StepLargerThanTheRangeIsItsStart) {
  EXPECT_EQ(matches("10-20/30 * * * *", k_t0, 2),
            (std::vector<std::string>{"2025-03-01 11:10:00", "2025-03-01 12:10:00"}));
}

TEST(CronNext, MonthAndDayNamesInAnyCase) {
  EXPECT_EQ(next("0 0 1 jan *", k_t0), "2026-01-01 00:00:00");
  EXPECT_EQ(next("0 0 1 JUN *", k_t0), "2025-06-01 00:00:00");
  EXPECT_EQ(next("0 0 1 Jun-aug *", k_t0), "2025-06-01 00:00:00");
  EXPECT_EQ(next("0 0 1 mar,oct *", k_t0), "2025-10-01 00:00:00");
  EXPECT_EQ(next("0 12 * * mon", k_t0), "2025-03-03 12:00:00");
  EXPECT_EQ(matches("0 12 * * mon-fri", k_t0, 6),
            (std::vector<std::string>{"2025-03-03 12:00:00", "2025-03-04 12:00:00",
                                      "2025-03-05 12:00:00", "2025-03-06 12:00:00",
                                      "2025-03-07 12:00:00", "2025-03-10 12:00:00"}));
  EXPECT_EQ(next("0 12 * * SAT,sun", k_t0), "2025-03-01 12:00:00");
}

TEST(CronNext, WeekdaySevenIsSunday) {
  EXPECT_EQ(next("0 0 * * 7", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(next("0 0 * * 0", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(matches("0 0 * * 5-7", k_t0, 4),
            (std::vector<std::string>{"2025-03-02 00:00:00", "2025-03-07 00:00:00",
                                      "2025-03-08 00:00:00", "2025-03-09 00:00:00"}));
  // `*` covers 0-6 only, so a step over it does not count Sunday twice.
  EXPECT_EQ(matches("0 0 * * */2", k_t0, 4),
            (std::vector<std::string>{"2025-03-02 00:00:00", "2025-03-04 00:00:00",
                                      "2025-03-06 00:00:00", "2025-03-08 00:00:00"}));
}

TEST(CronNext, Macros) {
  EXPECT_EQ(next("@hourly", k_t0), "2025-03-01 11:00:00");
  EXPECT_EQ(next("@daily", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(next("@midnight", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(next("@weekly", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(next("@weekly", at(2025, 3, 2, 0, 0)), "2025-03-09 00:00:00");
  EXPECT_EQ(next("@monthly", k_t0), "2025-04-01 00:00:00");
  EXPECT_EQ(next("@yearly", k_t0), "2026-01-01 00:00:00");
  EXPECT_EQ(next("@annually", k_t0), "2026-01-01 00:00:00");
  EXPECT_EQ(next("@DAILY", k_t0), "2025-03-02 00:00:00");
  EXPECT_EQ(cron("@daily").text(), "@daily");
}

TEST(CronNext, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th or any Friday (vixie cron): Fri 7, Thu 13, Fri 14, Fri 21.
  EXPECT_EQ(matches("0 0 13 * fri", k_t0, 4),
            (std::vector<std::string>{"2025-03-07 00:00:00", "2025-03-13 00:00:00",
                                      "2025-03-14 00:00:00", "2025-03-21 00:00:00"}));
  // Only one restricted: that one decides.
  EXPECT_EQ(matches("0 0 13 * *", k_t0, 2),
            (std::vector<std::string>{"2025-03-13 00:00:00", "2025-04-13 00:00:00"}));
  EXPECT_EQ(matches("0 0 * * fri", k_t0, 2),
            (std::vector<std::string>{"2025-03-07 00:00:00", "2025-03-14 00:00:00"}));
  // A field starting with '*' counts as unrestricted even with a step: then both must match
  // (odd days that are Fridays: 7, 21; 14 and 28 are even).
  EXPECT_EQ(matches("0 0 */2 * fri", k_t0, 3),
            (std::vector<std::string>{"2025-03-07 00:00:00", "2025-03-21 00:00:00",
                                      "2025-04-11 00:00:00"}));
}

TEST(CronNext, AcrossMonthEnds) {
  EXPECT_EQ(matches("0 0 31 * *", at(2025, 1, 31, 12), 4),
            (std::vector<std::string>{"2025-03-31 00:00:00", "2025-05-31 00:00:00",
                                      "2025-07-31 00:00:00", "2025-08-31 00:00:00"}));
  EXPECT_EQ(matches("0 0 30 * *", at(2025, 1, 30, 12), 2),
            (std::vector<std::string>{"2025-03-30 00:00:00", "2025-04-30 00:00:00"}));
  EXPECT_EQ(next("* * * * *", at(2025, 4, 30, 23, 59, 30)), "2025-05-01 00:00:00");
  EXPECT_EQ(next("0 0 1 * *", at(2025, 1, 31, 23, 59)), "2025-02-01 00:00:00");
}

TEST(CronNext, AcrossYearEnds) {
  EXPECT_EQ(next("* * * * *", at(2025, 12, 31, 23, 59, 59)), "2026-01-01 00:00:00");
  EXPECT_EQ(next("0 0 * * *", at(2025, 12, 31, 0, 0)), "2026-01-01 00:00:00");
  EXPECT_EQ(next("0 0 * dec *", at(2025, 12, 31, 0, 0)), "2026-12-01 00:00:00");
  EXPECT_EQ(next("30 6 2 1 *", at(2025, 1, 2, 6, 30)), "2026-01-02 06:30:00");
}

TEST(CronNext, LeapDays) {
  EXPECT_EQ(next("0 0 29 2 *", at(2025, 3, 1)), "2028-02-29 00:00:00");
  EXPECT_EQ(next("0 0 29 2 *", at(2024, 1, 1)), "2024-02-29 00:00:00");
  EXPECT_EQ(next("0 0 29 feb *", at(2024, 2, 29, 0, 0)), "2028-02-29 00:00:00");
  EXPECT_EQ(next("0 0 * 2 *", at(2024, 2, 28, 12)), "2024-02-29 00:00:00");
  EXPECT_EQ(next("0 0 * 2 *", at(2025, 2, 28, 12)), "2026-02-01 00:00:00");
  EXPECT_EQ(next("0 0 1 3 *", at(2024, 2, 28, 12)), "2024-03-01 00:00:00");
  // 2000 was a leap year (divisible by 400).
  EXPECT_EQ(next("0 0 29 2 *", at(1999, 6, 1)), "2000-02-29 00:00:00");
}

TEST(CronNext, ImpossibleSchedulesNeverMatch) {
  EXPECT_FALSE(cron("0 0 30 2 *").next_after(k_t0));
  EXPECT_FALSE(cron("0 0 31 feb *").next_after(k_t0));
  EXPECT_FALSE(cron("0 0 31 4,6,9,11 *").next_after(k_t0));
  // Either day rule saves it when the weekday is restricted too.
  EXPECT_TRUE(cron("0 0 30 2 mon").next_after(k_t0));
}

TEST(CronNext, UtcOnlyAndIndependentOfTz) {
  // The answer is a UTC instant; TZ is never read.
  const char* old = std::getenv("TZ");
  const std::string saved = old != nullptr ? old : "";
  ASSERT_EQ(::setenv("TZ", "America/New_York", 1), 0);
  ::tzset();
  EXPECT_EQ(next("0 2 * * *", at(2025, 3, 9, 0, 0)), "2025-03-09 02:00:00");  // a DST gap there
  if (old != nullptr) {
    (void)::setenv("TZ", saved.c_str(), 1);
  } else {
    (void)::unsetenv("TZ");
  }
  ::tzset();
}

TEST(CronNext, SubMinutePrecisionOfTheResult) {
  const auto t = cron("* * * * *").next_after(at(2025, 3, 1, 10, 15) + milliseconds(1));
  ASSERT_TRUE(t);
  EXPECT_EQ(*t, at(2025, 3, 1, 10, 16));
}

TEST(CronParse, BlanksAndText) {
  EXPECT_EQ(next("  0\t4  * *   *  ", k_t0), "2025-03-02 04:00:00");
  EXPECT_EQ(cron(" 0 4 * * * ").text(), "0 4 * * *");
}

TEST(CronParse, RefusesWithTheFieldNamed) {
  EXPECT_EQ(error_of("0 0 * *"),
            "invalid cron expression '0 0 * *': expected 5 fields (MIN HOUR DOM MON DOW), got 4");
  EXPECT_EQ(error_of("60 * * * *"),
            "invalid cron expression '60 * * * *': minute field '60': 60 is out of range 0-59");
  EXPECT_EQ(error_of("* 24 * * *"),
            "invalid cron expression '* 24 * * *': hour field '24': 24 is out of range 0-23");
  EXPECT_EQ(error_of("* * 0 * *"),
            "invalid cron expression '* * 0 * *': day-of-month field '0': "
            "0 is out of range 1-31");
  EXPECT_EQ(error_of("* * * 13 *"),
            "invalid cron expression '* * * 13 *': month field '13': 13 is out of range 1-12");
  EXPECT_EQ(error_of("* * * * 8"),
            "invalid cron expression '* * * * 8': day-of-week field '8': "
            "8 is out of range 0-7");
  EXPECT_EQ(error_of("*/0 * * * *"),
            "invalid cron expression '*/0 * * * *': minute field '*/0': a step of 0");
  EXPECT_EQ(error_of("5-1 * * * *"),
            "invalid cron expression '5-1 * * * *': minute field '5-1': the range 5-1 goes "
            "backwards");
  EXPECT_EQ(error_of("5/10 * * * *"),
            "invalid cron expression '5/10 * * * *': minute field '5/10': a step needs a range "
            "or '*' before it ('5/10')");
  EXPECT_EQ(error_of("* * * foo *"),
            "invalid cron expression '* * * foo *': month field 'foo': "
            "'foo' is not a number or a name");
  EXPECT_EQ(error_of("x * * * *"),
            "invalid cron expression 'x * * * *': minute field 'x': 'x' is not a number");
  EXPECT_EQ(error_of("@reboot"),
            "invalid cron expression '@reboot': @reboot is not a schedule (bgod starts processes "
            "itself)");
  EXPECT_EQ(error_of("@often"),
            "invalid cron expression '@often': unknown macro (use @hourly, "
            "@daily, @weekly, @monthly or @yearly)");
}

TEST(CronParse, RefusesEveryMalformedField) {
  for (const char* bad : {"",
                          "   ",
                          "* * * * * *",
                          "1,,2 * * * *",
                          ",1 * * * *",
                          "1, * * * *",
                          "1- * * * *",
                          "-1 * * * *",
                          "*/ * * * *",
                          "*/x * * * *",
                          "** * * * *",
                          "1-2-3 * * * *",
                          "*/2/2 * * * *",
                          "* * * jan-foo *",
                          "* * * * mon-xyz",
                          "* * * * sunday",
                          "* * jan * *",
                          "* * * * 1.5",
                          "99999999999 * * * *",
                          "? * * * *",
                          "L * * * *",
                          "@daily extra"}) {
    error_of(bad);
  }
}

}  // namespace
}  // namespace bgo
