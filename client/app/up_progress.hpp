// SPDX-License-Identifier: MIT
// Where each process of a `bgo up` is, from the answers to its `start` and the events bgod
// sends (docs/protocol.md, "Events"): pure, fed by the command, read by its display.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/object.hpp>

#include "client/app/up_plan.hpp"
#include "common/errors.hpp"

namespace bgo::app {

enum class UpState {
  pending,    // its `start` is not sent yet
  waiting,    // bgod holds it until its dependencies are met
  starting,   // spawned; its readiness check has not passed yet
  started,    // running (no readiness check)
  ready,      // its readiness check passed
  completed,  // a one-shot that exited with a success code
  kept,       // unchanged: not touched
  failed,     // did not start, was not ready in time, exited with a failure, gave up waiting
};
std::string_view to_string(UpState state);
bool is_final(UpState state);

struct UpEntry {
  std::string name;
  UpAction action = UpAction::start;
  UpState state = UpState::pending;
  std::string detail;  // "pid 4242", "db (ready)", "exit code 1", the error's message
  bool needs_ready = false;
  bool watched = false;
  bool armed = false;  // its `start` went out: events are about this run
  std::vector<std::string> after;
  std::vector<int64_t> success_codes{0};
  std::chrono::steady_clock::time_point since{};  // when its state last changed
};

class UpTracker {
 public:
  explicit UpTracker(const UpPlan& plan);

  // Its `start` is about to be sent: events from now on are its own.
  void arm(const std::string& name, std::chrono::steady_clock::time_point now);
  void on_start_result(const std::string& name, const boost::json::object& result,
                       std::chrono::steady_clock::time_point now);
  void on_start_error(const std::string& name, const Error& error,
                      std::chrono::steady_clock::time_point now);
  // An `event` notification's params.
  void on_event(const boost::json::object& event, std::chrono::steady_clock::time_point now);

  // Every process is in a final state, or waits for one that failed.
  bool done() const;
  const std::vector<UpEntry>& entries() const { return entries_; }
  std::vector<std::string> failed() const;
  // Bumped by every change: a display redraws when it moves.
  uint64_t version() const { return version_; }

 private:
  UpEntry* find(const std::string& name);
  void set(UpEntry& e, UpState state, std::string detail,
           std::chrono::steady_clock::time_point now);
  bool blocked(const UpEntry& e) const;  // waits (transitively) for a failed process

  const UpEntry* find(const std::string& name) const;

  std::vector<UpEntry> entries_;
  std::unordered_map<std::string, std::size_t> index_;  // name -> entries_ position
  uint64_t version_ = 0;
};

}  // namespace bgo::app
