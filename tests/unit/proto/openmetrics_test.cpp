// SPDX-License-Identifier: MIT
// OpenMetricsWriter: escaping, canonical numbers, counters' _total, histograms, # EOF; every
// exposition is read back by the independent reader in tests/support/openmetrics_parser.hpp,
// whose own refusals are checked at the end.
#include "proto/openmetrics.hpp"

#include <limits>

#include <gtest/gtest.h>

#include "tests/support/openmetrics_parser.hpp"

namespace bgo::proto {
namespace {

using std::chrono::microseconds;
using test::parse_openmetrics;

TEST(OpenMetricsText, EscapesBackslashQuoteAndLineFeedOnly) {
  EXPECT_EQ(escape_metric_text(R"(a\b"c)"), R"(a\\b\"c)");
  EXPECT_EQ(escape_metric_text("two\nlines"), R"(two\nlines)");
  EXPECT_EQ(escape_metric_text("tab\there {x} é ✓"), "tab\there {x} é ✓");
}

TEST(OpenMetricsText, IllFormedUtf8BecomesTheReplacementCharacter) {
  EXPECT_EQ(escape_metric_text("a\xff"
                               "b"),
            "a\xEF\xBF\xBD"
            "b");
}

TEST(OpenMetricsNumbers, CanonicalFloatsAsTheSpecificationListsThem) {
  // OpenMetrics 1.0, "Considerations: Canonical Numbers": both example rows.
  const std::vector<std::pair<double, std::string>> cases = {
      {0.0, "0.0"},
      {0.001, "0.001"},
      {0.002, "0.002"},
      {0.01, "0.01"},
      {0.1, "0.1"},
      {0.9, "0.9"},
      {0.95, "0.95"},
      {0.99, "0.99"},
      {0.999, "0.999"},
      {1.0, "1.0"},
      {1.7, "1.7"},
      {10.0, "10.0"},
      {1e-10, "1e-10"},
      {1e-09, "1e-09"},
      {1e-05, "1e-05"},
      {0.0001, "0.0001"},
      {100000.0, "100000.0"},
      {1e+06, "1e+06"},
      {1e+10, "1e+10"},
      {1.1e+23, "1.1e+23"},
      {0.0005, "0.0005"},
      {2.5, "2.5"},
      {-3.25, "-3.25"},
      {123456.7, "123456.7"},
      {1740824142.123456, "1.740824142123456e+09"}};
  for (const auto& [value, text] : cases) EXPECT_EQ(format_metric_float(value), text) << text;
  EXPECT_EQ(format_metric_float(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_metric_float(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_metric_float(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(OpenMetricsWriter, MetadataInTypeUnitHelpOrderAndEofAtTheEnd) {
  OpenMetricsWriter w;
  w.family("job_duration_seconds", MetricType::gauge, "seconds", R"(How "long", in \s)");
  w.sample({}, 1.5);
  EXPECT_EQ(w.finish(),
            "# TYPE job_duration_seconds gauge\n"
            "# UNIT job_duration_seconds seconds\n"
            "# HELP job_duration_seconds How \\\"long\\\", in \\\\s\n"
            "job_duration_seconds 1.5\n"
            "# EOF\n");
}

TEST(OpenMetricsWriter, ACounterSampleIsNamedTotalAndIntegersStayIntegers) {
  OpenMetricsWriter w;
  w.family("jobs", MetricType::counter, "", "Jobs run");
  w.sample({{"name", "a"}}, uint64_t{18446744073709551615U});
  w.sample({{"name", "b"}}, 0);
  w.family("up", MetricType::gauge, "", "Up");
  w.sample({{"name", "a"}}, true);
  w.sample({{"name", "b"}}, false);
  w.family("exit_code", MetricType::gauge, "", "Exit code");
  w.sample({{"name", "a"}}, int64_t{-1});
  const std::string text = w.finish();
  EXPECT_EQ(text,
            "# TYPE jobs counter\n# HELP jobs Jobs run\n"
            "jobs_total{name=\"a\"} 18446744073709551615\n"
            "jobs_total{name=\"b\"} 0\n"
            "# TYPE up gauge\n# HELP up Up\n"
            "up{name=\"a\"} 1\n"
            "up{name=\"b\"} 0\n"
            "# TYPE exit_code gauge\n# HELP exit_code Exit code\n"
            "exit_code{name=\"a\"} -1\n"
            "# EOF\n");
  const auto parsed = parse_openmetrics(text);
  ASSERT_TRUE(parsed.exposition) << parsed.error;
  EXPECT_EQ(parsed.exposition->value("jobs_total", {{"name", "b"}}), 0.0);
  EXPECT_EQ(parsed.exposition->family("jobs")->type, "counter");
}

TEST(OpenMetricsWriter, LabelValuesAreEscapedAndReadBackAsWritten) {
  const std::string odd = "we\"ird \\ name\nwith ✓";
  OpenMetricsWriter w;
  w.family("up", MetricType::gauge, "", "Up");
  w.sample({{"name", odd}, {"project", "shop"}}, 1);
  const std::string text = w.finish();
  EXPECT_NE(text.find(R"(up{name="we\"ird \\ name\nwith ✓",project="shop"} 1)"), std::string::npos)
      << text;
  const auto parsed = parse_openmetrics(text);
  ASSERT_TRUE(parsed.exposition) << parsed.error;
  const auto samples = parsed.exposition->find("up");
  ASSERT_EQ(samples.size(), 1U);
  EXPECT_EQ(samples[0]->label("name"), odd);
  EXPECT_EQ(samples[0]->label("project"), "shop");
}

TEST(OpenMetricsWriter, AHistogramHasCumulativeBucketsInfCountAndSum) {
  LatencyHistogram h({microseconds(500), microseconds(1000), microseconds(1000000)});
  h.observe(microseconds(200));
  h.observe(microseconds(700));
  h.observe(microseconds(800));
  h.observe(microseconds(3000000));
  OpenMetricsWriter w;
  w.family("write_duration_seconds", MetricType::histogram, "seconds", "Write latency");
  w.histogram({}, h);
  const std::string text = w.finish();
  EXPECT_EQ(text,
            "# TYPE write_duration_seconds histogram\n"
            "# UNIT write_duration_seconds seconds\n"
            "# HELP write_duration_seconds Write latency\n"
            "write_duration_seconds_bucket{le=\"0.0005\"} 1\n"
            "write_duration_seconds_bucket{le=\"0.001\"} 3\n"
            "write_duration_seconds_bucket{le=\"1.0\"} 3\n"
            "write_duration_seconds_bucket{le=\"+Inf\"} 4\n"
            "write_duration_seconds_count 4\n"
            "write_duration_seconds_sum 3.0017\n"
            "# EOF\n");
  const auto parsed = parse_openmetrics(text);
  ASSERT_TRUE(parsed.exposition) << parsed.error;
}

TEST(OpenMetricsWriter, LabelsOfAHistogramComeBeforeLe) {
  LatencyHistogram h({microseconds(1000)});
  OpenMetricsWriter w;
  w.family("d_seconds", MetricType::histogram, "seconds", "D");
  w.histogram({{"kind", "x"}}, h);
  const std::string text = w.finish();
  EXPECT_NE(text.find("d_seconds_bucket{kind=\"x\",le=\"0.001\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("d_seconds_count{kind=\"x\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("d_seconds_sum{kind=\"x\"} 0.0\n"), std::string::npos);
  const auto parsed = parse_openmetrics(text);
  EXPECT_TRUE(parsed.exposition) << parsed.error;
}

TEST(OpenMetricsWriter, AFamilyWithoutSamplesKeepsItsMetadata) {
  OpenMetricsWriter w;
  w.family("ready", MetricType::gauge, "", "Ready");
  const std::string text = w.finish();
  EXPECT_EQ(text, "# TYPE ready gauge\n# HELP ready Ready\n# EOF\n");
  EXPECT_TRUE(parse_openmetrics(text).exposition);
}

TEST(OpenMetricsWriterDeathTest, MisuseIsABug) {
  EXPECT_DEATH(OpenMetricsWriter().sample({}, 1), "gauge or counter family");
  EXPECT_DEATH(
      {
        OpenMetricsWriter w;
        w.family("a", MetricType::gauge, "", "");
        w.family("a", MetricType::gauge, "", "");
      },
      "each metric family once");
  EXPECT_DEATH(OpenMetricsWriter().family("a_total", MetricType::counter, "", ""), "_total");
  EXPECT_DEATH(OpenMetricsWriter().family("a_bytes", MetricType::gauge, "seconds", ""), "unit");
}

// The reader refuses what the format forbids (so a passing check means something).
TEST(OpenMetricsParser, RefusesWhatTheFormatForbids) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"# TYPE a gauge\na 1\n", "no # EOF"},
      {"# TYPE a gauge\na 1\n# EOF\na 2\n", "after # EOF"},
      {"# TYPE a counter\na 1\n# EOF\n", "not a sample of family a"},
      {"# TYPE a counter\na_total -1\n# EOF\n", "counter's total"},
      {"# TYPE a gauge\na{x=\"\\t\"} 1\n# EOF\n", "undefined escape"},
      {"# TYPE a gauge\na{x=\"1\",} 1\n# EOF\n", "trailing comma"},
      {"# TYPE a gauge\na{x=\"1\",x=\"2\"} 1\n# EOF\n", "twice"},
      {"# TYPE a gauge\na{x=\"1\"} 1\na{x=\"1\"} 2\n# EOF\n", "the same labels twice"},
      {"# TYPE a gauge\n# TYPE b gauge\n# TYPE a gauge\n# EOF\n", "comes back"},
      {"# TYPE a gauge\na 1 1700000000\n# EOF\n", "timestamp"},
      {"# TYPE a gauge\na one\n# EOF\n", "no number"},
      {"# TYPE a_seconds gauge\n# UNIT a_seconds bytes\n# EOF\n", "suffix"},
      {"# TYPE a gauge\na 1\n# HELP a late\n# EOF\n", "metadata after samples"},
      {"# a comment\n# EOF\n", "not metadata"},
      {"a 1\n# EOF\n", "before any TYPE"},
      {"# TYPE h histogram\nh_bucket{le=\"1.0\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"
       "# EOF\n",
       "cumulative"},
      {"# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_count 1\nh_sum 1\n"
       "# EOF\n",
       "canonical"},
      {"# TYPE h histogram\nh_bucket{le=\"1.0\"} 0\nh_count 0\nh_sum 0\n# EOF\n", "+Inf"},
      {"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 1\nh_sum 1\n# EOF\n", "+Inf bucket"},
      {"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n# EOF\n", "without _sum"},
      {"# TYPE a gauge\na 1\r\n# EOF\n", "carriage return"},
  };
  for (const auto& [text, why] : bad) {
    const auto parsed = parse_openmetrics(text);
    EXPECT_FALSE(parsed.exposition) << text;
    EXPECT_NE(parsed.error.find(why), std::string::npos) << text << " -> " << parsed.error;
  }
}

}  // namespace
}  // namespace bgo::proto
