// SPDX-License-Identifier: MIT
// The phases of a supervised process and the one table of allowed transitions (s6 style).
#pragma once

#include <span>
#include <string_view>

namespace bgo::daemon {

// bgod's in-memory view of one process (docs/states.md prints the table below).
enum class Phase {
  stopped,    // no process; the record says why
  running,    // pid valid (spawned or adopted), not yet reaped
  stopping,   // a stop was requested: the group got SIGTERM, SIGKILL is armed
  exiting,    // reaped; waiting for its output pipes to reach end-of-file
  lingering,  // reaped during a stop, but its process group still has members: still stopping
  backoff,    // watched, exited, restart timer armed
  waiting,    // a start accepted whose dependencies (`after`) are not met yet: no process
};
std::string_view to_string(Phase phase);

struct Transition {
  Phase from;
  Phase to;
  std::string_view when;  // what causes it, for docs/states.md and the log
};

// Every allowed transition; anything else is a bug (Child::set_phase asserts).
std::span<const Transition> transitions();
bool is_allowed_transition(Phase from, Phase to);

}  // namespace bgo::daemon
