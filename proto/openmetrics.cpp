// SPDX-License-Identifier: MIT
// OpenMetricsWriter and its number and text rules (OpenMetrics 1.0, "Text format").
#include "proto/openmetrics.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <system_error>
#include <utility>

#include "common/errors.hpp"
#include "proto/utf8_repair.hpp"

namespace bgo::proto {

namespace {

bool is_name(std::string_view name, bool colon) {
  if (name.empty() || (name.front() >= '0' && name.front() <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [colon](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (colon && c == ':');
  });
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view to_string(MetricType type) {
  switch (type) {
    case MetricType::gauge:
      return "gauge";
    case MetricType::counter:
      return "counter";
    case MetricType::histogram:
      return "histogram";
  }
  return "unknown";
}

std::string escape_metric_text(std::string_view text) {
  std::string valid(text);
  repair_utf8(valid);  // the format is UTF-8 throughout
  std::string out;
  out.reserve(valid.size());
  for (const char c : valid) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Go's strconv.FormatFloat(v, 'g', -1, 64), which the canonical numbers follow: the shortest
// digits that read back as `value`, in exponent form when the decimal exponent is below -4 or
// at least 6 (Go's limit for the shortest form, not %g's precision), two exponent digits at
// least; std::to_chars gives the same digits and the same exponent spelling.
std::string format_metric_float(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buf[64];
  auto sci = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  BGO_ASSERT(sci.ec == std::errc(), "to_chars of a double fits 64 bytes");
  const std::string_view scientific(buf, static_cast<size_t>(sci.ptr - buf));
  const auto e = scientific.find('e');
  int exponent = 0;
  (void)std::from_chars(scientific.data() + e + (scientific[e + 1] == '+' ? 2 : 1),
                        scientific.data() + scientific.size(), exponent);
  if (value != 0 && (exponent < -4 || exponent >= 6)) return std::string(scientific);
  auto fixed = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed);
  BGO_ASSERT(fixed.ec == std::errc(), "a number below 1e6 fits 64 bytes");
  std::string out(buf, static_cast<size_t>(fixed.ptr - buf));
  if (out.find('.') == std::string::npos) out += ".0";
  return out;
}

void OpenMetricsWriter::family(std::string_view name, MetricType type, std::string_view unit,
                               std::string_view help) {
  BGO_ASSERT(is_name(name, true), "a metric family name");
  BGO_ASSERT(std::find(names_.begin(), names_.end(), name) == names_.end(),
             "each metric family once");
  BGO_ASSERT(unit.empty() || ends_with(name, "_" + std::string(unit)),
             "a unit is the last part of its family's name");
  BGO_ASSERT(!(type == MetricType::counter && ends_with(name, "_total")),
             "a counter family is named without its _total");
  family_ = name;
  type_ = type;
  names_.emplace_back(name);
  out_.append("# TYPE ").append(name).append(" ").append(to_string(type)).append("\n");
  if (!unit.empty()) out_.append("# UNIT ").append(name).append(" ").append(unit).append("\n");
  out_.append("# HELP ").append(name).append(" ").append(escape_metric_text(help)).append("\n");
}

void OpenMetricsWriter::sample(const MetricLabels& labels, double value) {
  value_sample(labels, format_metric_float(value));
}

void OpenMetricsWriter::value_sample(const MetricLabels& labels, std::string_view value) {
  BGO_ASSERT(!family_.empty() && type_ != MetricType::histogram,
             "a value sample belongs to a gauge or counter family");
  line(type_ == MetricType::counter ? "_total" : "", labels, value);
}

void OpenMetricsWriter::histogram(const MetricLabels& labels, const LatencyHistogram& h) {
  BGO_ASSERT(!family_.empty() && type_ == MetricType::histogram,
             "histogram samples belong to a histogram family");
  const auto counts = h.cumulative();
  for (size_t i = 0; i < h.bounds().size(); ++i) {
    const double bound = std::chrono::duration<double>(h.bounds()[i]).count();
    line("_bucket", labels, std::to_string(counts[i]), format_metric_float(bound));
  }
  line("_bucket", labels, std::to_string(h.count()), "+Inf");
  line("_count", labels, std::to_string(h.count()));
  line("_sum", labels, format_metric_float(std::chrono::duration<double>(h.sum()).count()));
}

void OpenMetricsWriter::line(std::string_view suffix, const MetricLabels& labels,
                             std::string_view value, std::string_view le) {
  out_.append(family_).append(suffix);
  if (!labels.empty() || !le.empty()) {
    char sep = '{';
    for (const auto& l : labels) {
      BGO_ASSERT(is_name(l.name, false) && l.name != "le", "a label name");
      out_.append(1, sep).append(l.name).append("=\"").append(escape_metric_text(l.value));
      out_.append("\"");
      sep = ',';
    }
    if (!le.empty()) out_.append(1, sep).append("le=\"").append(le).append("\"");
    out_.append("}");
  }
  out_.append(" ").append(value).append("\n");
}

std::string OpenMetricsWriter::finish() {
  out_.append("# EOF\n");
  family_.clear();
  names_.clear();
  return std::exchange(out_, {});
}

}  // namespace bgo::proto
