// SPDX-License-Identifier: MIT
// Cron fields as calendar components: "*", "00/15" (a step from the start to the end of the
// field's range), else a list with runs written "a..b".
#include "client/app/export_calendar.hpp"

#include <array>
#include <bitset>
#include <string_view>

namespace bgo::app {

namespace {

constexpr std::array<std::string_view, 7> k_weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                        "Thu", "Fri", "Sat"};

std::string two_digits(int value) { return (value < 10 ? "0" : "") + std::to_string(value); }

// The values of `bits` from `first` to `last`, as a component.
template <size_t N>
std::string component(const std::bitset<N>& bits, int first, int last) {
  std::vector<int> values;
  for (int v = first; v <= last; ++v) {
    if (bits.test(static_cast<size_t>(v))) values.push_back(v);
  }
  if (static_cast<int>(values.size()) == last - first + 1) return "*";
  // A step that runs to the end of the range: "00/15" is 0, 15, 30, 45.
  if (values.size() >= 3) {
    const int step = values[1] - values[0];
    bool regular = step > 1 && values.back() + step > last;
    for (size_t i = 1; regular && i < values.size(); ++i) {
      regular = values[i] - values[i - 1] == step;
    }
    if (regular) return two_digits(values[0]) + "/" + std::to_string(step);
  }
  std::string out;
  for (size_t i = 0; i < values.size();) {
    size_t j = i;
    while (j + 1 < values.size() && values[j + 1] == values[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += two_digits(values[i]);
    if (j >= i + 2) {
      out += ".." + two_digits(values[j]);
    } else if (j == i + 1) {
      out += "," + two_digits(values[j]);
    }
    i = j + 1;
  }
  return out;
}

std::string weekdays(const std::bitset<7>& bits) {
  std::string out;
  for (size_t d = 0; d < 7;) {
    if (!bits.test(d)) {
      ++d;
      continue;
    }
    size_t e = d;
    while (e + 1 < 7 && bits.test(e + 1)) ++e;
    if (!out.empty()) out += ',';
    out += k_weekdays.at(d);
    if (e > d) out += (e == d + 1 ? "," : "..") + std::string(k_weekdays.at(e));
    d = e + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> calendar_events(const CronSchedule& schedule) {
  const std::string time = component(schedule.hour_set(), 0, 23) + ":" +
                           component(schedule.minute_set(), 0, 59) + ":00 UTC";
  const std::string months = component(schedule.month_set(), 1, 12);
  const std::string days = component(schedule.day_set(), 1, 31);
  const std::string dow = weekdays(schedule.weekday_set());
  if (schedule.dom_restricted() && schedule.dow_restricted()) {
    return {"*-" + months + "-" + days + " " + time, dow + " *-" + months + "-* " + time};
  }
  // Otherwise both fields must match (a field starting with '*' may still skip days: */2).
  const std::string prefix = schedule.weekday_set().all() ? "" : dow + " ";
  return {prefix + "*-" + months + "-" + days + " " + time};
}

}  // namespace bgo::app
