// SPDX-License-Identifier: MIT
// is_waiting / is_starting and the detail view's health lines.
#include "client/render/health.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

#include <boost/json.hpp>

#include "client/render/json_dump.hpp"
#include "common/duration.hpp"
#include "common/size.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

constexpr std::size_t k_label_width = 15;  // "Success codes:" and a space

std::string_view string_of(const json::object& row, std::string_view key) {
  const json::value* v = row.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

std::optional<int64_t> int_of(const json::object& row, std::string_view key) {
  const json::value* v = row.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  return std::nullopt;
}

// "1m30s" for a number of milliseconds; bgod's text as it is for anything else.
std::string duration_of(const json::object& row, std::string_view key) {
  if (const auto ms = int_of(row, key)) return format_duration(std::chrono::milliseconds(*ms));
  const json::value* v = row.if_contains(key);
  return v != nullptr ? python_str(*v) : std::string{};
}

std::string line(std::string_view label, std::string_view value) {
  std::string out = "  " + std::string(label);
  out.resize(2 + k_label_width, ' ');
  return out + std::string(value) + "\n";
}

Color health_color(std::string_view health) {
  if (health == "ready" || health == "healthy") return Color::green;
  if (health == "unready" || health == "unhealthy") return Color::red;
  return Color::yellow;  // waiting, starting, and whatever a newer bgod may add
}

// "http http://x/health (every 1s, timeout 1m)": a Check of docs/health.md.
std::string check_text(const json::object& check, bool liveness) {
  const std::string_view kind = string_of(check, "kind");
  std::string out(kind.empty() ? "?" : kind);
  const std::string_view target = string_of(check, "target");
  if (!target.empty()) {
    // A regex or a command may hold blanks: quoted, so that its end shows.
    const bool quote = kind == "log" || kind == "exec";
    out += " " + (quote ? "'" + std::string(target) + "'" : std::string(target));
  }
  std::string details;
  const auto add = [&](const std::string& part) {
    details += (details.empty() ? "" : ", ") + part;
  };
  if (check.contains("interval_ms")) add("every " + duration_of(check, "interval_ms"));
  if (liveness) {
    if (const auto failures = int_of(check, "failures")) {
      add("restart after " + std::to_string(*failures) + " failure" + (*failures == 1 ? "" : "s"));
    }
  } else if (check.contains("timeout_ms")) {
    add("timeout " + duration_of(check, "timeout_ms"));
  }
  return details.empty() ? out : out + " (" + details + ")";
}

// "db (ready), cache (started)" from [{"name", "condition"}].
std::string after_text(const json::array& after) {
  std::string out;
  for (const auto& dep : after) {
    out += out.empty() ? "" : ", ";
    if (!dep.is_object()) {
      out += python_str(dep);
      continue;
    }
    out += std::string(string_of(dep.get_object(), "name"));
    if (const auto cond = string_of(dep.get_object(), "condition"); !cond.empty()) {
      out += " (" + std::string(cond) + ")";
    }
  }
  return out;
}

std::string joined(const json::array& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + python_str(item);
  return out;
}

}  // namespace

bool is_waiting(const json::object& row) { return string_of(row, "status") == "waiting"; }

bool is_starting(const json::object& row) {
  if (string_of(row, "status") != "online") return false;
  const json::value* ready = row.if_contains("ready");
  if (ready != nullptr && ready->is_bool()) return !ready->get_bool();
  return string_of(row, "health") == "starting";
}

std::string health_state_lines(const json::object& detail, const Style& style) {
  std::string out;
  const json::value* waiting_for = detail.if_contains("waiting_for");
  if (waiting_for != nullptr && waiting_for->is_array() && !waiting_for->get_array().empty()) {
    out += "  Waiting for: " + paint(style, Color::yellow, joined(waiting_for->get_array())) + "\n";
  }
  const json::value* ready = detail.if_contains("ready");
  if (ready != nullptr && ready->is_bool()) {
    out += "  Ready:   " +
           (ready->get_bool() ? paint(style, Color::green, "yes")
                              : paint(style, Color::yellow, "no")) +
           "\n";
  }
  if (const std::string_view health = string_of(detail, "health"); !health.empty()) {
    std::string text(health);
    if (const std::string_view why = string_of(detail, "health_detail"); !why.empty()) {
      text += " (" + std::string(why) + ")";
    }
    out += "  Health:  " + paint(style, health_color(health), text) + "\n";
  }
  return out;
}

std::string health_section(const json::object& reply, const Style& style) {
  std::string out;
  const json::value* settings = reply.if_contains("settings");
  if (settings == nullptr || !settings->is_object()) return out;
  const json::object& detail = settings->get_object();
  if (const json::value* ready = detail.if_contains("ready");
      ready != nullptr && ready->is_object()) {
    out += line("Readiness:", check_text(ready->get_object(), false));
  }
  if (detail.contains("watchdog_ms")) out += line("Watchdog:", duration_of(detail, "watchdog_ms"));
  if (const json::value* live = detail.if_contains("live"); live != nullptr && live->is_object()) {
    out += line("Liveness:", check_text(live->get_object(), true));
  }
  if (const json::value* after = detail.if_contains("after");
      after != nullptr && after->is_array()) {
    out += line("After:", after_text(after->get_array()));
  }
  if (const auto restart = string_of(detail, "restart"); !restart.empty()) {
    out += line("Restart:", restart);
  }
  if (const json::value* codes = detail.if_contains("success_codes");
      codes != nullptr && codes->is_array()) {
    out += line("Success codes:", joined(codes->get_array()));
  }
  if (const auto sig = string_of(detail, "stop_signal"); !sig.empty()) {
    out += line("Stop signal:", sig);
  }
  if (detail.contains("stop_timeout_ms")) {
    out += line("Stop timeout:", duration_of(detail, "stop_timeout_ms"));
  }
  if (const auto mode = string_of(detail, "kill_mode"); !mode.empty()) {
    out += line("Kill mode:", mode);
  }
  if (const auto cron = string_of(detail, "cron"); !cron.empty()) {
    out += line("Cron:", std::string(cron) + " (UTC)");
  }
  if (const auto bytes = int_of(detail, "max_memory"); bytes && *bytes > 0) {
    out += line("Max memory:", format_size(static_cast<uint64_t>(*bytes)));
  }
  if (out.empty()) return out;
  return "\n" + paint(style, Color::bold, "Health and order:") + "\n" + out;
}

}  // namespace bgo::client
