// SPDX-License-Identifier: MIT
// Tests for the ISO 8601 and `ps -o lstart=` timestamp forms.
#include "common/time_format.hpp"

#include <optional>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX setenv(), unsetenv()
#include <string>
#include <time.h>  // NOLINT(modernize-deprecated-headers): POSIX tzset()

#include <gtest/gtest.h>

namespace bgo {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 2025-03-01T10:15:42+00:00, a Saturday.
const system_clock::time_point k_base{seconds{1740824142}};

TEST(IsoUtc, WritesMicrosecondsLikePythonIsoformat) {
  EXPECT_EQ(iso_utc(k_base + microseconds{123456}), "2025-03-01T10:15:42.123456+00:00");
  EXPECT_EQ(iso_utc(k_base + microseconds{1}), "2025-03-01T10:15:42.000001+00:00");
  EXPECT_EQ(iso_utc(k_base + microseconds{500000}), "2025-03-01T10:15:42.500000+00:00");
}

TEST(IsoUtc, OmitsAZeroFraction) {
  EXPECT_EQ(iso_utc(k_base), "2025-03-01T10:15:42+00:00");
  EXPECT_EQ(iso_utc(system_clock::time_point{}), "1970-01-01T00:00:00+00:00");
  // Below a microsecond counts as zero, as Python has no finer unit.
  EXPECT_EQ(iso_utc(k_base + std::chrono::nanoseconds{999}), "2025-03-01T10:15:42+00:00");
}

TEST(IsoUtc, HandlesLeapDaysAndYearEnds) {
  EXPECT_EQ(iso_utc(system_clock::time_point{seconds{1709164800}}), "2024-02-29T00:00:00+00:00");
  EXPECT_EQ(iso_utc(system_clock::time_point{seconds{1735689599}} + microseconds{999999}),
            "2024-12-31T23:59:59.999999+00:00");
}

TEST(IsoUtcSeconds, DropsTheFraction) {
  EXPECT_EQ(iso_utc_seconds(k_base + microseconds{999999}), "2025-03-01T10:15:42+00:00");
  EXPECT_EQ(iso_utc_seconds(k_base), "2025-03-01T10:15:42+00:00");
}

// Sets TZ for one test and restores the previous value afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    if (const char* old = ::getenv("TZ")) old_ = old;
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;
  ~ScopedTz() {
    if (old_) {
      ::setenv("TZ", old_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
    ::tzset();
  }

 private:
  std::optional<std::string> old_;
};

TEST(LstartText, MatchesPsFormatInUtc) {
  const ScopedTz utc{"UTC"};
  EXPECT_EQ(lstart_text(k_base), "Sat Mar  1 10:15:42 2025");
  EXPECT_EQ(lstart_text(k_base + microseconds{999999}), "Sat Mar  1 10:15:42 2025");
  EXPECT_EQ(lstart_text(system_clock::time_point{seconds{1735689599}}), "Tue Dec 31 23:59:59 2024");
}

TEST(LstartText, UsesLocalTime) {
  const ScopedTz fixed{"XYZ-02"};  // POSIX TZ: two hours east of UTC
  EXPECT_EQ(lstart_text(k_base), "Sat Mar  1 12:15:42 2025");
}

TEST(ParseIso, ReadsWhatIsoUtcWrites) {
  for (const auto tp : {k_base, k_base + microseconds{123456}, k_base + microseconds{1},
                        system_clock::time_point{}}) {
    EXPECT_EQ(parse_iso(iso_utc(tp)), tp) << iso_utc(tp);
  }
  EXPECT_EQ(parse_iso(iso_utc_seconds(k_base)), k_base);
}

TEST(ParseIso, AcceptsOffsetsZuluAndNaiveTimes) {
  EXPECT_EQ(parse_iso("2025-03-01T10:15:42Z"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T10:15:42"), k_base);  // naive = UTC
  EXPECT_EQ(parse_iso("2025-03-01 10:15:42"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T12:15:42+02:00"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T12:15:42+0200"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T05:15:42-05:00"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T10:45:42+00:30:00"), k_base);
  EXPECT_EQ(parse_iso("2025-03-01T10:15"), k_base - seconds{42});
  EXPECT_EQ(parse_iso("2025-03-01T12:15:42.5+02:00"), k_base + microseconds{500000});
}

TEST(ParseIso, TruncatesFractionsToMicroseconds) {
  EXPECT_EQ(parse_iso("2025-03-01T10:15:42.123"), k_base + microseconds{123000});
  EXPECT_EQ(parse_iso("2025-03-01T10:15:42.123456789Z"), k_base + microseconds{123456});
}

TEST(ParseIso, RejectsMalformedText) {
  for (const char* text :
       {"", "garbage", "2025-03-01", "2025-03-01T", "2025-3-01T10:15:42", "2025-03-01T10:15:42.",
        "2025-03-01T10:15:42.1234567890", "2025-03-01T10:15:42+00", "2025-03-01T10:15:42+0:00",
        "2025-03-01T10:15:42 +00:00", "2025-03-01T10:15:42+00:00x", "2025-02-30T10:15:42",
        "2025-13-01T10:15:42", "2025-03-01T24:00:00", "2025-03-01T10:60:00", "2025-03-01T10:15:60",
        "2025-03-01T10:15:42+24:00", "2025-03-01X10:15:42"}) {
    EXPECT_EQ(parse_iso(text), std::nullopt) << text;
  }
}

}  // namespace
}  // namespace bgo
