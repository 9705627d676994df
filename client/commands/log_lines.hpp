// SPDX-License-Identifier: MIT
// The `name | ` prefixes of `bgo logs` over several processes, and whole lines out of `log`
// notifications (chunks as read from a pipe, not aligned to lines). Pure string building.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "client/render/style.hpp"

namespace bgo::client {

enum class Prefixes { shown, none };  // none: `--raw`, or a single process

// `name | ` before each line, pm2 style: the name padded to the longest one seen so far, in
// a colour of its own (by order of arrival) when `style.color`.
class LinePrefixer {
 public:
  LinePrefixer(Style style, Prefixes prefixes) : style_(style), prefixes_(prefixes) {}
  // Makes `name` known (its colour, the width) without printing anything.
  void add(const std::string& name);
  // The prefix of a line of `name` ("" with Prefixes::none).
  std::string prefix(const std::string& name);

 private:
  Style style_;
  Prefixes prefixes_;
  std::map<std::string, std::size_t, std::less<>> colours_;  // name -> index in the palette
  std::size_t width_ = 0;
};

// Holds each source's unfinished line (per process and stream) until its line end arrives,
// so that lines of several sources interleave whole and a prefix never lands mid-line.
class LineAssembler {
 public:
  // A held line longer than this is let out as a line of its own (memory stays bounded).
  static constexpr std::size_t k_max_held_bytes = std::size_t{1} << 20;

  explicit LineAssembler(LinePrefixer& prefixer, std::size_t max_held = k_max_held_bytes)
      : prefixer_(prefixer), max_held_(max_held) {}
  // Takes `data` of `stream` of `name`; returns the lines it completes, each prefixed and
  // ending with '\n'.
  std::string add(const std::string& name, std::string_view stream, std::string_view data);
  // The unfinished lines still held (the stream ends), each prefixed and given a '\n'.
  std::string finish();

 private:
  struct Held {
    std::string name;
    std::string text;
  };
  LinePrefixer& prefixer_;
  std::size_t max_held_;
  std::map<std::string, Held, std::less<>> held_;  // by "<name>\0<stream>"
};

}  // namespace bgo::client
