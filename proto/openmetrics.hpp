// SPDX-License-Identifier: MIT
// The OpenMetrics 1.0 text format (what Prometheus scrapes): families, samples, escaping.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/latency_histogram.hpp"

namespace bgo::proto {

// The Content-Type of what OpenMetricsWriter writes (OpenMetrics 1.0, "Overall Structure").
inline constexpr std::string_view k_openmetrics_content_type =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

enum class MetricType { gauge, counter, histogram };
std::string_view to_string(MetricType type);

struct MetricLabel {
  std::string_view name;   // [a-zA-Z_][a-zA-Z0-9_]*, not "le"
  std::string_view value;  // any text: escaped, and ill-formed UTF-8 replaced by U+FFFD
};
using MetricLabels = std::vector<MetricLabel>;

// A label value or HELP text escaped as the format wants: backslash, double quote and line
// feed become \\, \" and \n.
std::string escape_metric_text(std::string_view text);
// A floating-point value as OpenMetrics' "canonical numbers" want it (Go's %g with the
// shortest exact digits, ".0" added to a whole number): 0.0, 0.0005, 1.0, 100000.0, 1e+06,
// 1e-05; +Inf, -Inf, NaN. Always with a '.' or an exponent, so it reads as a float.
std::string format_metric_float(double value);

// Builds one exposition: each family's metadata (TYPE, UNIT, HELP) and then its samples,
// families one after the other, "# EOF" at the end. Misuse (a sample outside a family, a
// family name twice, a unit that is not the name's suffix) is a bug: BGO_ASSERT.
class OpenMetricsWriter {
 public:
  // Starts the family `name` ([a-zA-Z_:][a-zA-Z0-9_:]*, without the _total of a counter's
  // sample). `unit`, when not empty, must be the name's last "_"-separated part ("seconds").
  void family(std::string_view name, MetricType type, std::string_view unit, std::string_view help);

  // A gauge's value, or a counter's total (the sample is then NAME_total). Integers are
  // written as integers, floating-point values by format_metric_float.
  template <std::integral T>
  void sample(const MetricLabels& labels, T value) {
    if constexpr (std::same_as<T, bool>) {
      value_sample(labels, value ? "1" : "0");
    } else if constexpr (std::is_signed_v<T>) {
      value_sample(labels, std::to_string(static_cast<int64_t>(value)));
    } else {
      value_sample(labels, std::to_string(static_cast<uint64_t>(value)));
    }
  }
  void sample(const MetricLabels& labels, double value);

  // A histogram's buckets (le in seconds), NAME_count and NAME_sum, from `h`.
  void histogram(const MetricLabels& labels, const LatencyHistogram& h);

  // The exposition, ending in "# EOF\n". The writer is empty afterwards.
  std::string finish();

 private:
  void value_sample(const MetricLabels& labels, std::string_view value);
  void line(std::string_view suffix, const MetricLabels& labels, std::string_view value,
            std::string_view le = {});

  std::string out_;
  std::string family_;  // the current family's name; empty before the first
  MetricType type_ = MetricType::gauge;
  std::vector<std::string> names_;  // every family so far, to refuse one twice
};

}  // namespace bgo::proto
