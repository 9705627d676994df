// SPDX-License-Identifier: MIT
// The spellings of the record's enums, as the state files and the protocol write them.
#include "common/process_record.hpp"

#include <array>

namespace bgo {

namespace {

template <class Enum, size_t N>
std::optional<Enum> parse_in(const std::array<Enum, N>& all, std::string_view text) {
  for (Enum e : all) {
    if (to_string(e) == text) return e;
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(RecordStatus status) {
  return status == RecordStatus::running ? "running" : "stopped";
}

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::user:
      return "user";
    case StopReason::crashed:
      return "crashed";
    case StopReason::daemon:
      return "daemon";
    case StopReason::exited:
      return "exited";
  }
  return "user";
}

std::string_view to_string(AutostartPolicy policy) {
  switch (policy) {
    case AutostartPolicy::always:
      return "always";
    case AutostartPolicy::unless_stopped:
      return "unless-stopped";
    case AutostartPolicy::never:
      return "never";
  }
  return "unless-stopped";
}

std::optional<RecordStatus> parse_record_status(std::string_view text) {
  return parse_in(std::array{RecordStatus::running, RecordStatus::stopped}, text);
}

std::optional<StopReason> parse_stop_reason(std::string_view text) {
  return parse_in(
      std::array{StopReason::user, StopReason::crashed, StopReason::daemon, StopReason::exited},
      text);
}

std::optional<AutostartPolicy> parse_autostart_policy(std::string_view text) {
  return parse_in(
      std::array{AutostartPolicy::always, AutostartPolicy::unless_stopped, AutostartPolicy::never},
      text);
}

}  // namespace bgo
