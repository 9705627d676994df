// SPDX-License-Identifier: MIT
// BGO_INVOCATION: the marker in every child's environment, and the search for runs of a dead
// bgod that no state file records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/ports.hpp"

namespace bgo::daemon {

// `BGO_INVOCATION=<home>-<bgod>-<seq>-<name>`: `home` names the bgo home (16 hex digits of a
// hash of its path), `bgod` the bgod that spawned the run (16 random hex digits, new at each
// start), `seq` counts that bgod's spawns from 1, and `name` is the process's name. A run's
// descendants inherit it. The run's state file records it (`invocation`), so a process of this
// home whose marker is not its name's record's, and that started no earlier than the run that
// record names (an earlier run's process left behind started before it), belongs to a run
// spawned in the window before its file reached the disk.
struct Invocation {
  std::string home;
  std::string bgod;
  uint64_t seq = 0;
  std::string name;
  std::string text() const;  // the value, without "BGO_INVOCATION="
  static std::optional<Invocation> parse(std::string_view value);
};

inline constexpr std::string_view k_invocation_key = "BGO_INVOCATION";

// The BGO_INVOCATION value `pid` started with (empty when none, or gone).
std::string invocation_of(pid_t pid);

class Invocations {
 public:
  explicit Invocations(std::string_view home_path);
  // The marker for the next spawn of `name`.
  Invocation next(std::string_view name);
  // Live processes of this uid whose marker is of this home but of no recorded run (above);
  // grouped by run, the leader (the session leader that started first) first.
  std::vector<UnrecordedRun> unrecorded(const std::vector<KnownRun>& known) const;
  // This home's part of every marker (16 hex digits).
  const std::string& home_id() const { return home_; }

 private:
  std::string home_;
  std::string bgod_;
  uint64_t seq_ = 0;
};

}  // namespace bgo::daemon
