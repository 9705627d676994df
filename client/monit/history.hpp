// SPDX-License-Identifier: MIT
// The last minute of one number (a sample a second, from each `list`), and its sparkline.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>

namespace bgo::client::monit {

class History {
 public:
  static constexpr std::size_t k_capacity = 60;  // a minute of one-second samples

  // Appends `value`, or a gap (nullopt: the process did not run); the oldest sample goes once
  // there are k_capacity.
  void add(std::optional<double> value);
  std::size_t size() const { return size_; }
  // The `i`-th sample, oldest first (NaN for a gap). Precondition: `i < size()`.
  double at(std::size_t i) const { return values_[(start_ + i) % k_capacity]; }
  double max() const;  // of the samples, gaps left out; 0 without any

 private:
  std::array<double, k_capacity> values_{};
  std::size_t start_ = 0;
  std::size_t size_ = 0;
};

enum class Glyphs { unicode, ascii };

// Where a sparkline's lowest level is: zero (CPU: how busy), or the smallest sample shown
// (memory: a flat line stays low and growth shows, whatever the size).
enum class Baseline { zero, lowest };

// The newest `width` samples of `history` as `width` columns, newest on the right, blanks on
// the left for samples not taken yet and for gaps. Heights go from the baseline to the largest
// sample, over a span of at least `floor` (so that an idle process, or a steady one, draws a flat
// low line). Unicode uses the eight blocks ▁…█, ASCII the characters "_.:-=+*#"; with
// Baseline::zero any sample above zero shows at least the second level.
std::string sparkline(const History& history, std::size_t width, double floor, Glyphs glyphs,
                      Baseline baseline = Baseline::zero);

}  // namespace bgo::client::monit
