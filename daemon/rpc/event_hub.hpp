// SPDX-License-Identifier: MIT
// Fans process events and followed log output out to subscribed sessions.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include "common/paths.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

class Session;

class EventHub final : public EventSink {
 public:
  void add(const std::shared_ptr<Session>& session) { sessions_.insert(session); }
  void remove(Session* session);
  void on_process_event(const ProcessEvent& event) override;
  void on_output(const std::string& name, LogStream stream, std::string_view data);
  size_t connections() const { return sessions_.size(); }
  void close_all();

 private:
  std::unordered_set<std::shared_ptr<Session>> sessions_;
  size_t followers_ = 0;
};

}  // namespace bgo::daemon
