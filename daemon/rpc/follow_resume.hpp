// SPDX-License-Identifier: MIT
// `follow`'s `positions` and `resume` (docs/protocol.md): where each followed log stands, and
// the bytes a follower missed while it was away (a live upgrade closed its connection).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/fwd.hpp>

#include "common/log_position.hpp"
#include "common/paths.hpp"

namespace bgo::daemon {

struct Services;

// The catch-up of one `follow` call holds at most this much of the logs in all: with the
// worst JSON escaping it stays below a connection's 8 MiB write queue.
inline constexpr std::uint64_t k_max_resume_bytes = std::uint64_t{1024} * 1024;

// One entry of `resume`: the position after the last `log` notification a follower got.
struct ResumeEntry {
  std::string name;
  LogStream stream = LogStream::out;
  LogPosition from;
};

// `resume` of `params` (absent: none). ParamError naming `resume` for a malformed entry.
std::vector<ResumeEntry> parse_resume(const boost::json::object& params);

// `positions` of the result: for each of `names` and `streams`, the file and the offset at
// which this connection's notifications go on.
boost::json::array positions_json(Services& s, const std::vector<std::string>& names,
                                  const std::vector<LogStream>& streams);

// What the entries of `entries` about one of `names` missed: `resumed` for the result, and
// the `log` notification lines (with positions) to queue right behind the answer.
struct CatchUp {
  boost::json::array resumed;
  std::vector<std::string> lines;
};
CatchUp catch_up(Services& s, const std::vector<ResumeEntry>& entries,
                 const std::vector<std::string>& names);

}  // namespace bgo::daemon
