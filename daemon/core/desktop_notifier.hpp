// SPDX-License-Identifier: MIT
// Desktop notifications (spec §10.3, issue #19): an EventSink in front of the event hub that,
// for an `errored` process (and with BGO_NOTIFY=all also `unhealthy` and `memory_exceeded`),
// runs `notify-send TITLE BODY` or the user's BGO_NOTIFY_CMD as a child of bgod: through the
// ProbePort's exec probes, so it is reaped by the same SIGCHLD path, has stdio on /dev/null and
// is killed at 4 s. Never blocks the loop, never fails an event.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/core/ports.hpp"

namespace bgo::daemon {

enum class NotifyGate { off, errors, all };
// BGO_NOTIFY trimmed and lower-cased: "off", "all"; anything else (unset too) is "errors".
NotifyGate parse_notify_gate(std::string_view text);

// `argv` with `{title}` and `{body}` substituted in each word and `{{`/`}}` read as braces, as
// Python's str.format does; nullopt for anything else in braces (an unknown or positional
// placeholder, a format spec, a conversion, attribute access) or a stray brace.
std::optional<std::vector<std::string>> format_notify_argv(const std::vector<std::string>& argv,
                                                           std::string_view title,
                                                           std::string_view body);

struct NotifySettings {
  NotifyGate gate = NotifyGate::errors;
  std::optional<std::string> command;  // BGO_NOTIFY_CMD, when set and not empty
  std::vector<std::string> env;        // the command's environment: bgod's own
  // The absolute path of a program found on the PATH of `env`; nullopt when there is none.
  std::function<std::optional<std::string>(const std::string&)> find_program;
  std::function<void(const std::string&)> log;  // one line in bgod.log
  std::size_t max_running = 4;  // more at once are dropped (and logged): a storm stays small
};

// Forwards every event to `next` first, then notifies.
class DesktopNotifier final : public EventSink {
 public:
  // A BGO_NOTIFY_CMD that cannot be split (unbalanced quotes) or formatted (an unknown
  // placeholder) disables notifications: logged once, here, and nothing ever runs.
  DesktopNotifier(EventSink& next, ProbePort& probes, NotifySettings settings);
  ~DesktopNotifier() override;
  DesktopNotifier(const DesktopNotifier&) = delete;
  DesktopNotifier& operator=(const DesktopNotifier&) = delete;

  void on_process_event(const ProcessEvent& event) override;

  // The command that would run for (title, body); nullopt when none would.
  std::optional<std::vector<std::string>> command_for(std::string_view title,
                                                      std::string_view body) const;
  std::size_t running() const { return runs_.size(); }

 private:
  struct Running {
    std::size_t id = 0;
    std::unique_ptr<ProbeRun> run;
  };

  EventSink& next_;
  ProbePort& probes_;
  NotifySettings settings_;
  std::optional<std::vector<std::string>> template_;  // BGO_NOTIFY_CMD split into words
  bool disabled_ = false;
  std::vector<Running> runs_;
  std::size_t next_id_ = 0;
};

}  // namespace bgo::daemon
