// SPDX-License-Identifier: MIT
// What the RPC handlers may use; wired by daemon.cpp.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/clock.hpp"
#include "common/paths.hpp"
#include "common/process_record.hpp"

namespace bgo::daemon {

class Supervisor;
class LogReadPort;
class Dispatcher;
class EventHub;

struct Services {
  Supervisor& supervisor;
  EventHub& events;
  LogReadPort& log_files;
  Clock& clock;
  Paths paths;
  std::function<void(std::string_view name)> flush_logs;
  std::function<void(bool keep_children)> shutdown;
  Clock::time_point started_at;
  std::chrono::milliseconds stop_timeout;
  LogOptions default_logs;  // what `start` builds on when it is given some log options
};

// Fills the method table (docs/protocol.md lists every method).
void register_handlers(Dispatcher& dispatcher, Services& services);

}  // namespace bgo::daemon
