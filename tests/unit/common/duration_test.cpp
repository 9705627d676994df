// SPDX-License-Identifier: MIT
// parse_duration / format_duration: units, combinations, fractions, what is refused, bounds.
#include "common/duration.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

using std::chrono::milliseconds;
using namespace std::chrono_literals;

milliseconds ok(std::string_view text) {
  auto r = parse_duration(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : milliseconds(-1);
}

std::string error_of(std::string_view text) {
  auto r = parse_duration(text);
  EXPECT_FALSE(r) << text << " parsed as " << (r ? r->count() : 0) << " ms";
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

TEST(ParseDuration, EveryUnit) {
  EXPECT_EQ(ok("500ms"), 500ms);
  EXPECT_EQ(ok("5s"), 5s);
  EXPECT_EQ(ok("2m"), 2min);
  EXPECT_EQ(ok("3h"), 3h);
  EXPECT_EQ(ok("1d"), 24h);
  EXPECT_EQ(ok("0ms"), 0ms);
  EXPECT_EQ(ok("0s"), 0ms);
}

TEST(ParseDuration, BareNumberIsSeconds) {
  EXPECT_EQ(ok("5"), 5s);
  EXPECT_EQ(ok("0"), 0ms);
  EXPECT_EQ(ok("1.5"), 1500ms);
  EXPECT_EQ(ok("0.001"), 1ms);
  EXPECT_EQ(ok("007"), 7s);
}

TEST(ParseDuration, Combinations) {
  EXPECT_EQ(ok("1h30m"), 90min);
  EXPECT_EQ(ok("1m30s"), 90s);
  EXPECT_EQ(ok("1s500ms"), 1500ms);
  EXPECT_EQ(ok("1d2h3m4s5ms"), 24h + 2h + 3min + 4s + 5ms);
  EXPECT_EQ(ok("2h0m"), 2h);
  EXPECT_EQ(ok("1h1ms"), 1h + 1ms);
}

TEST(ParseDuration, Decimals) {
  EXPECT_EQ(ok("1.5s"), 1500ms);
  EXPECT_EQ(ok("1.5h"), 90min);
  EXPECT_EQ(ok(".5s"), 500ms);
  EXPECT_EQ(ok("1.s"), 1s);
  EXPECT_EQ(ok("0.25m"), 15s);
  EXPECT_EQ(ok("1.5000000000000s"), 1500ms);  // trailing zeros are no extra precision
  EXPECT_EQ(ok("1.5m30s"), 2min);
  EXPECT_EQ(ok("0.00001d"), 864ms);
  error_of("0.000001d");  // 86.4 ms
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  for (const char* bad :
       {"",      "s",     "ms",     ".",    ".s",     "x",   "5x",   "5 s", " 5s", "5s ",
        "+5s",   "5s5s",  "30m1h",  "1h30", "5ms5s",  "1e3", "0x10", "inf", "nan", "5sec",
        "5mins", "1..5s", "1.5.5s", "5s-",  "1h 30m", "5S",  "5H",   "5M"}) {
    const std::string message = error_of(bad);
    EXPECT_TRUE(message.starts_with("invalid duration '" + std::string(bad) + "': ")) << message;
  }
}

TEST(ParseDuration, MessagesSayWhy) {
  EXPECT_EQ(error_of("5x"), "invalid duration '5x': unknown unit 'x' (use ms, s, m, h, d)");
  EXPECT_EQ(error_of("5S"), "invalid duration '5S': unknown unit 'S' (use ms, s, m, h, d)");
  EXPECT_EQ(error_of("-5s"), "invalid duration '-5s': negative");
  EXPECT_EQ(error_of(""), "invalid duration '': empty");
  EXPECT_EQ(error_of("1h30"), "invalid duration '1h30': a unit is needed after every number");
  EXPECT_EQ(error_of("30m1h"),
            "invalid duration '30m1h': units must go from the largest to the smallest, each once");
  EXPECT_EQ(error_of("1.5ms"), "invalid duration '1.5ms': finer than a millisecond");
  EXPECT_EQ(error_of("0.0001"), "invalid duration '0.0001': finer than a millisecond");
  EXPECT_EQ(error_of("31d"), "invalid duration '31d': more than 30 days");
}

TEST(ParseDuration, Bounds) {
  EXPECT_EQ(ok("30d"), 720h);
  EXPECT_EQ(ok("720h"), 720h);
  EXPECT_EQ(ok("2592000"), 720h);
  EXPECT_EQ(ok("29d23h59m59s999ms"), 720h - 1ms);
  error_of("30d1ms");
  error_of("720h0.001s");
  error_of("2592000.001");
  error_of("31d");
  error_of("99999999999999999999999s");  // no overflow on the way
  error_of("9223372036854775807ms");
  error_of("-0s");
}

TEST(FormatDuration, ShortestWholeUnits) {
  EXPECT_EQ(format_duration(0ms), "0s");
  EXPECT_EQ(format_duration(500ms), "500ms");
  EXPECT_EQ(format_duration(5s), "5s");
  EXPECT_EQ(format_duration(90s), "1m30s");
  EXPECT_EQ(format_duration(1500ms), "1s500ms");
  EXPECT_EQ(format_duration(2h), "2h");
  EXPECT_EQ(format_duration(24h), "1d");
  EXPECT_EQ(format_duration(720h), "30d");
  EXPECT_EQ(format_duration(1h + 1ms), "1h1ms");
  EXPECT_EQ(format_duration(-5s), "-5s");
}

TEST(FormatDuration, RoundTrips) {
  for (const int64_t ms :
       {0LL, 1LL, 999LL, 1000LL, 1001LL, 59'999LL, 60'000LL, 61'500LL, 3'599'999LL, 3'600'000LL,
        86'399'999LL, 86'400'000LL, 90'061'001LL, 2'592'000'000LL}) {
    const std::string text = format_duration(milliseconds(ms));
    EXPECT_EQ(ok(text), milliseconds(ms)) << text;
  }
  for (const char* text : {"1h30m", "500ms", "1m30s", "2h", "1d1ms"}) {
    EXPECT_EQ(format_duration(ok(text)), text);
  }
  EXPECT_EQ(format_duration(ok("1.5h")), "1h30m");
  EXPECT_EQ(format_duration(ok("90")), "1m30s");
}

}  // namespace
}  // namespace bgo
