// SPDX-License-Identifier: MIT
// The `ps` columns of one process as display text: a plain value, no /proc access here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bgo {

// CPU, MEM and uptime as `ps` prints them (common/proc_stat.hpp's usage_text() fills them in
// from /proc). Each is "-" when unknown.
struct UsageText {
  std::string cpu = "-";
  std::string mem = "-";
  std::string uptime = "-";
  // The same read as numbers, for machine-friendly output (empty when unknown).
  std::optional<uint64_t> rss_bytes;
  std::optional<double> cpu_seconds;  // user + system CPU time so far
};

}  // namespace bgo
