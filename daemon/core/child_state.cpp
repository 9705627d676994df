// SPDX-License-Identifier: MIT
// The transition table.
#include "daemon/core/child_state.hpp"

#include <algorithm>
#include <array>

namespace bgo::daemon {

namespace {

constexpr std::array k_transitions{
    Transition{Phase::stopped, Phase::running, "spawned or adopted"},
    Transition{Phase::running, Phase::stopping, "stop requested: SIGTERM to the group"},
    Transition{Phase::running, Phase::exiting, "reaped"},
    Transition{Phase::running, Phase::lingering,
               "reaped, but its cgroup still has members: they get the stop signal"},
    Transition{Phase::stopping, Phase::exiting, "reaped"},
    Transition{Phase::stopping, Phase::lingering, "reaped, but its group still has members"},
    Transition{Phase::lingering, Phase::exiting, "its group is empty"},
    Transition{Phase::exiting, Phase::stopped, "output drained: stopped, crashed or errored"},
    Transition{Phase::exiting, Phase::backoff, "output drained: watched, restart scheduled"},
    Transition{Phase::backoff, Phase::running, "restart timer fired or user start: spawned"},
    Transition{Phase::backoff, Phase::stopped, "stop, unwatch, shutdown or failed respawn"},
    Transition{Phase::stopped, Phase::waiting, "start whose dependencies are not met"},
    Transition{Phase::backoff, Phase::waiting, "start whose dependencies are not met"},
    Transition{Phase::waiting, Phase::running, "its dependencies are met: spawned"},
    Transition{Phase::waiting, Phase::stopped, "stop, delete, shutdown or a dependency failed"},
    Transition{Phase::stopped, Phase::backoff,
               "live upgrade: the previous image's restart timer, re-armed for its deadline"},
};

}  // namespace

std::string_view to_string(Phase phase) {
  switch (phase) {
    case Phase::stopped:
      return "stopped";
    case Phase::running:
      return "running";
    case Phase::stopping:
      return "stopping";
    case Phase::exiting:
      return "exiting";
    case Phase::lingering:
      return "lingering";
    case Phase::backoff:
      return "backoff";
    case Phase::waiting:
      return "waiting";
  }
  return "stopped";
}

std::span<const Transition> transitions() { return k_transitions; }

bool is_allowed_transition(Phase from, Phase to) {
  return std::any_of(k_transitions.begin(), k_transitions.end(),
                     [&](const Transition& t) { return t.from == from && t.to == to; });
}

}  // namespace bgo::daemon
