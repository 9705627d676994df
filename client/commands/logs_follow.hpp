// SPDX-License-Identifier: MIT
// `bgo logs -f`, `bgo follow`, `bgo tail`: the last lines, then the output as bgod writes it
// (the `follow` method and its `log` notifications; no `tail -f`, no polling).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "client/command.hpp"
#include "client/commands/log_lines.hpp"

namespace bgo::client {

struct FollowRequest {
  std::vector<std::string> names;       // the processes; one: no prefixes, as `tail -f` shows it
  bool every = false;                   // every process instead, those started later too
  std::vector<std::string> streams;     // "stdout", "stderr", "watcher"
  std::optional<int64_t> lines;         // last lines first; none with since_start: the whole run
  bool since_start = false;             // the last lines of the newest run only
  Prefixes prefixes = Prefixes::shown;  // for several processes (`--raw`: none)
};

// Streams until Ctrl-C (exit 0) or until bgod goes away (exit 1).
int follow_logs(Context& ctx, const FollowRequest& request);

}  // namespace bgo::client
