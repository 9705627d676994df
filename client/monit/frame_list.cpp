// SPDX-License-Identifier: MIT
// The process list of a frame: its columns, fitted to the width, and one line per process.
#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "client/monit/frame.hpp"
#include "client/render/text.hpp"

namespace bgo::client::monit {

namespace {

constexpr std::size_t k_state = 11;  // "backoff 12s"
constexpr std::size_t k_pid = 7;
constexpr std::size_t k_restarts = 3;
constexpr std::size_t k_uptime = 7;
constexpr std::size_t k_cpu = 5;     // "100.0"
constexpr std::size_t k_memory = 6;  // "12.3M"
constexpr std::size_t k_min_name = 6;
constexpr std::size_t k_max_name = 24;
constexpr std::size_t k_min_project = 7;
constexpr std::size_t k_max_project = 14;
constexpr std::size_t k_min_spark = 5;
constexpr std::size_t k_min_command = 10;
// The smallest spans of the sparklines: an idle or steady process draws a low, flat line.
constexpr double k_cpu_floor = 5.0;                   // percent
constexpr double k_memory_floor = 4.0 * 1024 * 1024;  // bytes

// Which columns fit and how wide each is (0: not shown).
struct Plan {
  std::size_t name = 0, project = 0, state = k_state, pid = k_pid, restarts = k_restarts,
              uptime = k_uptime, cpu = k_cpu, memory = k_memory, spark = 0, command = 0;
};

std::size_t gap(std::size_t width) { return width == 0 ? 0 : width + 1; }

Plan plan_columns(std::size_t width, std::size_t longest_name, std::size_t longest_project) {
  Plan plan;
  plan.name = std::clamp(longest_name, k_min_name, k_max_name);
  if (longest_project > 0) plan.project = std::clamp(longest_project, k_min_project, k_max_project);
  const auto used = [&] {
    return plan.name + gap(plan.project) + gap(plan.state) + gap(plan.pid) + gap(plan.restarts) +
           gap(plan.uptime) + gap(plan.cpu) + gap(plan.memory);
  };
  // Narrow terminals lose the least telling columns first.
  for (std::size_t* column : {&plan.restarts, &plan.pid, &plan.uptime, &plan.project}) {
    if (used() <= width) break;
    *column = 0;
  }
  if (used() > width) plan.name = std::max<std::size_t>(4, plan.name - (used() - width));
  std::size_t spare = width > used() ? width - used() : 0;
  // Then: each sparkline a third of what is left (a minute at most), the command the rest.
  plan.spark = std::min(History::k_capacity, spare / 3);
  if (plan.spark < k_min_spark) plan.spark = 0;
  spare -= plan.spark == 0 ? 0 : 2 * (plan.spark + 1);
  if (spare > k_min_command) {
    plan.command = spare - 1;
  } else if (plan.spark > 0) {
    plan.spark = std::min(History::k_capacity, plan.spark + spare / 2);
  }
  return plan;
}

std::string fit(std::string_view text, std::size_t width) {
  if (width == 0) return {};
  const std::string cut =
      visible_width(text) > width ? truncate(text, static_cast<int>(width)) : std::string(text);
  return pad_right(cut, width);
}

std::string right(std::string_view text, std::size_t width) {
  if (width == 0) return {};
  return visible_width(text) > width ? truncate(text, static_cast<int>(width))
                                     : pad_left(text, width);
}

Paint paint_of(RowState state) {
  switch (state) {
    case RowState::online:
      return Paint::green;
    case RowState::not_ready:
    case RowState::waiting:
    case RowState::backoff:
      return Paint::yellow;
    case RowState::errored:
    case RowState::crashed:
    case RowState::unhealthy:
      return Paint::red;
    case RowState::stopped:
      return Paint::dim;
  }
  return Paint::text;
}

std::string state_text(const Entry& entry, Clock::time_point now) {
  const RowState state = entry.state();
  std::string text(to_string(state));
  if (state == RowState::backoff && entry.backoff_until) {
    const auto left = std::chrono::ceil<std::chrono::seconds>(*entry.backoff_until - now);
    text += " " + std::to_string(std::max<int64_t>(left.count(), 0)) + "s";
  }
  return text;
}

std::string cpu_text(const Row& row) {
  if (!row.online() || !row.cpu) return "-";
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.1f", *row.cpu);  // cannot fail for a double
  return buf;
}

// The header of column `title`, with ▲/▼ when the list is sorted by it.
std::string header_cell(std::string_view title, Column column, const ProcessTable& table,
                        bool unicode) {
  if (table.sort_column() != column) return std::string(title);
  const char* arrow = table.descending() ? (unicode ? "▼" : "v") : (unicode ? "▲" : "^");
  return std::string(title) + arrow;
}

}  // namespace

std::string compact_duration(int64_t seconds) {
  seconds = std::max<int64_t>(seconds, 0);
  char buf[32];
  const int64_t m = seconds / 60, h = seconds / 3600, d = seconds / 86400;
  // Each case has two units at most; snprintf cannot fail for these formats.
  if (seconds < 60) {
    (void)std::snprintf(buf, sizeof buf, "%" PRId64 "s", seconds);
  } else if (seconds < 3600) {
    (void)std::snprintf(buf, sizeof buf, "%" PRId64 "m%02" PRId64 "s", m, seconds % 60);
  } else if (seconds < 86400) {
    (void)std::snprintf(buf, sizeof buf, "%" PRId64 "h%02" PRId64 "m", h, m % 60);
  } else {
    (void)std::snprintf(buf, sizeof buf, "%" PRId64 "d%02" PRId64 "h", d, h % 24);
  }
  return buf;
}

std::string compact_bytes(int64_t bytes) {
  char buf[32];
  const auto b = static_cast<double>(std::max<int64_t>(bytes, 0));
  if (b < 1024.0 * 1024) {
    (void)std::snprintf(buf, sizeof buf, "%.0fK", b / 1024);
  } else if (b < 1024.0 * 1024 * 1024) {
    (void)std::snprintf(buf, sizeof buf, b < 100.0 * 1024 * 1024 ? "%.1fM" : "%.0fM",
                        b / (1024 * 1024));
  } else {
    (void)std::snprintf(buf, sizeof buf, "%.2fG", b / (1024.0 * 1024 * 1024));
  }
  return buf;
}

std::vector<FrameLine> render_list(const Model& model, int width, std::size_t top,
                                   std::size_t count, Clock::time_point now) {
  const ProcessTable& table = model.table();
  const auto& shown = table.view();
  const bool unicode = model.unicode();
  std::size_t longest_name = 4, longest_project = 0;
  for (const Entry* e : shown) {
    longest_name = std::max(longest_name, visible_width(e->row.name));
    if (!e->row.project.empty()) {
      longest_project = std::max(longest_project, visible_width(e->row.project));
    }
  }
  if (table.has_projects()) longest_project = std::max<std::size_t>(longest_project, 7);
  const Plan plan =
      plan_columns(static_cast<std::size_t>(std::max(width, 0)), longest_name, longest_project);

  std::vector<FrameLine> lines;
  lines.reserve(count + 1);
  // The header.
  std::string header = fit(header_cell("NAME", Column::name, table, unicode), plan.name);
  const auto add = [&](std::size_t w, std::string_view title, Column column, bool at_right) {
    if (w == 0) return;
    const std::string cell = header_cell(title, column, table, unicode);
    header += " " + (at_right ? right(cell, w) : fit(cell, w));
  };
  add(plan.project, "PROJECT", Column::project, false);
  add(plan.state, "STATE", Column::state, false);
  add(plan.pid, "PID", Column::pid, true);
  add(plan.restarts, unicode ? "↺" : "RS", Column::restarts, true);
  add(plan.uptime, "UPTIME", Column::uptime, true);
  // CPU% and MEM stand over their numbers (right-aligned); the sparklines have no title.
  const auto add_group = [&](std::size_t w, std::string_view title, Column column) {
    add(w, title, column, true);
    if (plan.spark > 0) header += std::string(plan.spark + 1, ' ');
  };
  add_group(plan.cpu, "CPU%", Column::cpu);
  add_group(plan.memory, "MEM", Column::memory);
  if (plan.command > 0) header += " " + fit("COMMAND", plan.command);
  lines.push_back({Span{fit(header, static_cast<std::size_t>(width)), Paint::header}});

  const Glyphs glyphs = unicode ? Glyphs::unicode : Glyphs::ascii;
  const std::size_t end = std::min(shown.size(), top + count);
  for (std::size_t i = top; i < end; ++i) {
    const Entry& e = *shown[i];
    const Row& row = e.row;
    const bool selected = i == table.selected_index();
    FrameLine line;
    const auto span = [&](std::string text, Paint paint) {
      line.push_back(Span{std::move(text), paint, selected});
    };
    span(fit(row.name, plan.name), Paint::bold);
    if (plan.project > 0) span(" " + fit(row.project, plan.project), Paint::text);
    span(" " + fit(state_text(e, now), plan.state), paint_of(e.state()));
    if (plan.pid > 0) {
      span(" " + right(row.online() && row.pid ? std::to_string(*row.pid) : "-", plan.pid),
           Paint::dim);
    }
    if (plan.restarts > 0) {
      span(" " + right(std::to_string(row.restarts), plan.restarts),
           row.restarts > 0 ? Paint::yellow : Paint::text);
    }
    if (plan.uptime > 0) {
      span(" " +
               right(row.online() && row.uptime ? compact_duration(*row.uptime) : "-", plan.uptime),
           Paint::text);
    }
    span(" " + right(cpu_text(row), plan.cpu), Paint::text);
    if (plan.spark > 0) {
      span(" " + sparkline(e.cpu, plan.spark, k_cpu_floor, glyphs), Paint::cyan);
    }
    span(" " + right(row.online() && row.memory ? compact_bytes(*row.memory) : "-", plan.memory),
         Paint::text);
    if (plan.spark > 0) {
      span(" " + sparkline(e.memory, plan.spark, k_memory_floor, glyphs, Baseline::lowest),
           Paint::cyan);
    }
    if (plan.command > 0) span(" " + fit(row.command, plan.command), Paint::dim);
    // The selected row is one bar across the screen.
    std::size_t used = 0;
    for (const Span& s : line) used += visible_width(s.text);
    if (selected && used < static_cast<std::size_t>(width)) {
      span(std::string(static_cast<std::size_t>(width) - used, ' '), Paint::text);
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace bgo::client::monit
