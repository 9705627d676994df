// SPDX-License-Identifier: MIT
// The settings of a process as report rows, and the report as Markdown.
#include "client/app/export_report.hpp"

#include <chrono>
#include <set>

#include "common/duration.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"

namespace bgo::app {

namespace {

std::string ms_text(int64_t ms) { return format_duration(std::chrono::milliseconds(ms)); }

std::string describe_check(const HealthCheck& check, bool live) {
  std::string out(to_string(check.kind));
  switch (check.kind) {
    case CheckKind::notify:
      out += " (timeout " + ms_text(check.timeout_ms) + ")";
      return out;
    case CheckKind::log:
      out += ": " + check.target + " (timeout " + ms_text(check.timeout_ms) + ")";
      return out;
    case CheckKind::exec:
      out += ": " + display_command(check.command);
      break;
    case CheckKind::http:
    case CheckKind::tcp:
      out += ": " + check.target;
      break;
  }
  out += " (every " + ms_text(check.interval_ms) + ", timeout " + ms_text(check.timeout_ms);
  if (live) out += ", " + std::to_string(check.failures) + " failures";
  return out + ")";
}

// `text` as a Markdown table cell: no line breaks, `|` escaped.
std::string cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

// `text` as inline code, with a fence longer than any run of backticks inside.
std::string code(std::string_view text) {
  size_t longest = 0;
  size_t run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !text.empty() && (text.front() == '`' || text.back() == '`');
  return fence + (pad ? " " : "") + std::string(text) + (pad ? " " : "") + fence;
}

}  // namespace

std::string display_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& word : argv) {
    if (!out.empty()) out += ' ';
    const bool plain = !word.empty() && word.find_first_not_of(
                                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_-./:=,+@%") == std::string::npos;
    if (plain) {
      out += word;
      continue;
    }
    out += '\'';
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    out += '\'';
  }
  return out;
}

std::vector<Setting> settings_of(const ProcessGroup& group,
                                 const std::map<std::string, std::string>& group_of) {
  const ProcessSpec& p = *group.first;
  const ProcessPolicy& policy = p.policy;
  std::vector<Setting> out;
  out.push_back({"command", display_command(p.command)});
  out.push_back({"cwd", p.cwd});
  if (!p.env.empty()) {
    std::string names;
    for (const auto& [key, value] : p.env) {
      if (group.instances > 1 && (key == "BGO_INSTANCE" || (group.port_offset && key == "PORT"))) {
        continue;
      }
      names += (names.empty() ? "" : ", ") + key;
    }
    if (!names.empty()) out.push_back({"env", names});
  }
  if (group.instances > 1) {
    out.push_back({"instances", std::to_string(group.instances) + " (BGO_INSTANCE=0.." +
                                    std::to_string(group.instances - 1) + ")"});
  }
  if (group.port_offset) {
    const std::string& port = p.env.at("PORT");
    out.push_back({"port_offset", "true (PORT=" + port + " + instance)"});
  }
  std::set<std::string> seen;
  for (const auto& d : policy.after) {
    const auto found = group_of.find(d.name);
    const std::string name = found != group_of.end() ? found->second : d.name;
    if (!seen.insert(name).second) continue;
    out.push_back({"depends_on: " + name, std::string(to_string(d.condition))});
  }
  if (policy.ready) out.push_back({"ready", describe_check(*policy.ready, false)});
  if (policy.watchdog_ms) out.push_back({"watchdog", ms_text(*policy.watchdog_ms)});
  if (policy.live) out.push_back({"live", describe_check(*policy.live, true)});
  if (policy.restart) out.push_back({"restart", std::string(to_string(*policy.restart))});
  if (policy.success_codes) {
    std::string codes;
    for (const int64_t code : *policy.success_codes) {
      codes += (codes.empty() ? "" : ", ") + std::to_string(code);
    }
    out.push_back({"success_codes", codes});
  }
  if (p.watch) {
    if (p.min_uptime) out.push_back({"watch.min_uptime", ms_text(*p.min_uptime * 1000)});
    if (p.on_fast_crash) out.push_back({"watch.on_fast_crash", *p.on_fast_crash});
    // watch.interval is left out: it has no effect in bgo (kept for compatibility).
  }
  if (policy.stop_signal) out.push_back({"stop.signal", signal_name(*policy.stop_signal)});
  if (policy.stop_timeout_ms) out.push_back({"stop.timeout", ms_text(*policy.stop_timeout_ms)});
  if (policy.kill_mode) out.push_back({"kill_mode", std::string(to_string(*policy.kill_mode))});
  if (policy.cron) out.push_back({"cron", *policy.cron});
  if (policy.max_memory) out.push_back({"max_memory", format_size(*policy.max_memory)});
  if (p.logs) {
    out.push_back({"logs", "max_size " + format_size(p.logs->max_size) + ", files " +
                               std::to_string(p.logs->files) +
                               (p.logs->timestamps ? ", time" : "")});
  }
  if (p.autostart) out.push_back({"autostart", std::string(to_string(*p.autostart))});
  return out;
}

ExportReport::ExportReport(const std::vector<ProcessGroup>& groups,
                           const std::map<std::string, std::string>& group_of) {
  for (const auto& g : groups) {
    for (auto& s : settings_of(g, group_of)) {
      index_[{g.name, s.key}] = rows_.size();
      rows_.push_back(Row{g.name, std::move(s), {}, false, false});
    }
  }
}

ExportReport::Row* ExportReport::row(const std::string& process, std::string_view key) {
  const auto found = index_.find({process, std::string(key)});
  return found == index_.end() ? nullptr : &rows_[found->second];
}

void ExportReport::carried(const std::string& process, std::string_view key, std::string became) {
  Row* r = row(process, key);
  if (r == nullptr) return;
  r->became = std::move(became);
  r->resolved = true;
  r->carried = true;
}

void ExportReport::dropped(const std::string& process, std::string_view key, std::string why) {
  Row* r = row(process, key);
  if (r == nullptr) return;
  r->became = std::move(why);
  r->resolved = true;
  r->carried = false;
}

void ExportReport::note(std::string text) { notes_.push_back(std::move(text)); }

void ExportReport::file(std::string path) { files_.push_back(std::move(path)); }

std::vector<std::string> ExportReport::unresolved() const {
  std::vector<std::string> out;
  for (const auto& r : rows_) {
    if (!r.resolved) out.push_back(r.process + ": " + r.setting.key);
  }
  return out;
}

int ExportReport::carried_count() const {
  int n = 0;
  for (const auto& r : rows_) n += r.carried ? 1 : 0;
  return n;
}

int ExportReport::dropped_count() const { return static_cast<int>(rows_.size()) - carried_count(); }

std::string ExportReport::markdown(std::string_view project, std::string_view target,
                                   std::string_view source) const {
  std::string out = "# Export of " + std::string(project) + " to " + std::string(target) + "\n\n";
  out += "Written by `bgo export " + std::string(target) + "` from " + std::string(source) +
         ". Each setting of each process, and what it became in " + std::string(target) +
         " or why it did not carry over.\n\n";
  out += "| Process | Setting | bgo | " + std::string(target) + " |\n|---|---|---|---|\n";
  for (const auto& r : rows_) {
    const std::string became =
        !r.resolved ? "**not carried over**: no mapping (a bug in bgo export)"
                    : (r.carried ? cell(r.became) : "**not carried over**: " + cell(r.became));
    out += "| " + cell(r.process) + " | " + cell(r.setting.key) + " | " +
           (r.setting.value.empty() ? "" : code(cell(r.setting.value))) + " | " + became + " |\n";
  }
  out += "\n" + std::to_string(rows_.size()) + " settings: " + std::to_string(carried_count()) +
         " carried over, " + std::to_string(dropped_count()) + " not carried over.\n";
  if (!notes_.empty()) {
    out += "\n## Notes\n\n";
    for (const auto& n : notes_) out += "- " + n + "\n";
  }
  if (!files_.empty()) {
    out += "\n## Files\n\n";
    for (const auto& f : files_) out += "- `" + f + "`\n";
  }
  return out;
}

}  // namespace bgo::app
