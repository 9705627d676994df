// SPDX-License-Identifier: MIT
// LogReadPort on the files under $BGO_HOME/logs.
#pragma once

#include "common/paths.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

class LogReader final : public LogReadPort {
 public:
  explicit LogReader(Paths paths) : paths_(std::move(paths)) {}
  std::string path(std::string_view name, LogStream stream) const override;
  std::optional<TailResult> tail(std::string_view name, LogStream stream, long lines,
                                 const TailOptions& options) override;
  bool has_output(std::string_view name, LogStream stream) override;
  LogPosition position(std::string_view name, LogStream stream) override;
  LogCatchUp catch_up(std::string_view name, LogStream stream, const LogPosition& from,
                      std::uint64_t hold, std::uint64_t max_bytes) override;

 private:
  Paths paths_;
};

}  // namespace bgo::daemon
