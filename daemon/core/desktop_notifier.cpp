// SPDX-License-Identifier: MIT
#include "daemon/core/desktop_notifier.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/words.hpp"

namespace bgo::daemon {

namespace {

// Title and body of an event worth a notification at `gate`; nullopt for the others.
std::optional<std::pair<std::string, std::string>> message_for(const ProcessEvent& e,
                                                               NotifyGate gate) {
  if (gate == NotifyGate::off) return std::nullopt;
  switch (e.kind) {
    case EventKind::errored:  // level "error": every gate but off
      return std::pair{"bgo: " + e.name + " errored", e.reason};
    case EventKind::unhealthy:
      if (gate != NotifyGate::all) return std::nullopt;
      return std::pair{"bgo: " + e.name + " unhealthy", e.reason};
    case EventKind::memory_exceeded:
      if (gate != NotifyGate::all) return std::nullopt;
      return std::pair{"bgo: " + e.name + " over its memory limit", e.reason};
    default:
      return std::nullopt;
  }
}

}  // namespace

NotifyGate parse_notify_gate(std::string_view text) {
  std::string lowered;
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) == 0) {
      lowered += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!lowered.empty()) {
      lowered += c;  // inner spaces stay: "o ff" is no gate
    }
  }
  while (!lowered.empty() && std::isspace(static_cast<unsigned char>(lowered.back())) != 0) {
    lowered.pop_back();
  }
  if (lowered == "off") return NotifyGate::off;
  if (lowered == "all") return NotifyGate::all;
  return NotifyGate::errors;
}

std::optional<std::vector<std::string>> format_notify_argv(const std::vector<std::string>& argv,
                                                           std::string_view title,
                                                           std::string_view body) {
  std::vector<std::string> out;
  out.reserve(argv.size());
  for (const std::string& word : argv) {
    std::string text;
    for (std::size_t i = 0; i < word.size(); ++i) {
      const char c = word[i];
      if (c == '}') {
        if (i + 1 < word.size() && word[i + 1] == '}') {
          text += '}';
          ++i;
          continue;
        }
        return std::nullopt;  // a single '}'
      }
      if (c != '{') {
        text += c;
        continue;
      }
      if (i + 1 < word.size() && word[i + 1] == '{') {
        text += '{';
        ++i;
        continue;
      }
      const std::size_t close = word.find('}', i + 1);
      if (close == std::string::npos) return std::nullopt;
      const std::string_view field = std::string_view(word).substr(i + 1, close - i - 1);
      if (field == "title") {
        text += title;
      } else if (field == "body") {
        text += body;
      } else {
        return std::nullopt;
      }
      i = close;
    }
    out.push_back(std::move(text));
  }
  return out;
}

DesktopNotifier::DesktopNotifier(EventSink& next, ProbePort& probes, NotifySettings settings)
    : next_(next), probes_(probes), settings_(std::move(settings)) {
  if (settings_.gate == NotifyGate::off || !settings_.command) return;
  auto words = split_words(*settings_.command);
  if (!words || words->empty()) {
    disabled_ = true;
    if (settings_.log) {
      settings_.log("desktop notifications off: BGO_NOTIFY_CMD cannot be split into words (" +
                    (words ? std::string("it is empty") : words.error().message) + ")");
    }
    return;
  }
  if (!format_notify_argv(*words, "title", "body")) {
    disabled_ = true;
    if (settings_.log) {
      settings_.log(
          "desktop notifications off: BGO_NOTIFY_CMD has a placeholder other than "
          "{title} and {body}, or a stray brace (write {{ and }} for braces)");
    }
    return;
  }
  template_ = std::move(*words);
}

DesktopNotifier::~DesktopNotifier() = default;

std::optional<std::vector<std::string>> DesktopNotifier::command_for(std::string_view title,
                                                                     std::string_view body) const {
  if (disabled_ || settings_.gate == NotifyGate::off) return std::nullopt;
  std::vector<std::string> argv;
  if (template_) {
    auto formatted = format_notify_argv(*template_, title, body);
    if (!formatted) return std::nullopt;
    argv = std::move(*formatted);
  } else {
    argv = {"notify-send", std::string(title), std::string(body)};
  }
  if (argv.front().find('/') == std::string::npos) {
    if (!settings_.find_program) return std::nullopt;
    auto found = settings_.find_program(argv.front());
    if (!found) return std::nullopt;  // no backend: nothing to run
    argv.front() = std::move(*found);
  }
  return argv;
}

void DesktopNotifier::on_process_event(const ProcessEvent& event) {
  next_.on_process_event(event);
  const auto message = message_for(event, settings_.gate);
  if (!message) return;
  auto argv = command_for(message->first, message->second);
  if (!argv) return;
  if (runs_.size() >= settings_.max_running) {
    if (settings_.log) {
      settings_.log("desktop notification for " + event.name +
                    " dropped: " + std::to_string(runs_.size()) + " still running");
    }
    return;
  }
  ProbeSpec spec;
  spec.kind = ProbeKind::exec;
  spec.target = argv->front();
  spec.argv = std::move(*argv);
  spec.env = settings_.env;
  spec.cwd = "/";
  spec.timeout = std::chrono::seconds(4);
  const std::size_t id = next_id_++;
  // The handle is stored before `done` can run (it runs later, on the loop, never inside run()).
  runs_.push_back(Running{id, nullptr});
  runs_.back().run = probes_.run(spec, [this, id](const ProbeResult&) {
    std::erase_if(runs_, [id](const Running& r) { return r.id == id; });
  });
}

}  // namespace bgo::daemon
