// SPDX-License-Identifier: MIT
// The `bgo status` table (spec §6.3 with the §12.2 #19 defects fixed) and its WATCH cell.
#include "client/render/table.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <set>
#include <string_view>

#include <boost/json.hpp>

#include "client/render/health.hpp"
#include "client/render/json_dump.hpp"
#include "client/render/last_exit.hpp"
#include "client/render/text.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

constexpr std::size_t k_columns = k_table_columns;  // NAME .. COMMAND
constexpr std::size_t k_command = k_command_column;
constexpr std::size_t k_fancy_border = 4;  // "┃ " and " ┃"
constexpr std::array<std::string_view, k_columns> k_headers = {
    "NAME", "PROJECT", "STATUS", "PID", "CPU", "MEM", "UPTIME", "WATCH", "COMMAND"};
// Minimum widths of NAME, PROJECT, STATUS, PID, CPU, MEM, UPTIME, WATCH (spec §6.3; PROJECT,
// issue #15, asks for none).
constexpr std::array<std::size_t, k_command> k_min_widths = {12, 0, 0, 8, 6, 6, 12, 12};
// The cells that are "-" when a process is not running.
constexpr std::array<std::size_t, 4> k_usage_columns = {k_pid_column, k_cpu_column, k_mem_column,
                                                        k_uptime_column};
// The longest way a crash usually ends ("SIGKILL", "SIGSEGV"; exit codes have at most 3
// digits): room kept for it in the STATUS column while watching.
constexpr std::string_view k_typical_exit = "SIGKILL";
constexpr std::string_view k_hint_indent = "     ";  // the errored footer's recovery hint

std::string str_or(const json::object& o, std::string_view key, std::string_view fallback) {
  const json::value* v = o.if_contains(key);
  return v ? python_str(*v) : std::string{fallback};
}

std::string join_command(const json::object& row, CommandText text) {
  const json::value* command = row.if_contains("command");
  if (command == nullptr || !command->is_array()) return {};
  std::string out;
  bool first = true;
  for (const auto& arg : command->get_array()) {
    std::string word = python_str(arg);
    if (first && text == CommandText::program) {
      // The path of an interpreter shim or a venv says less than the program's name.
      const std::size_t slash = word.find_last_of('/');
      if (slash != std::string::npos && slash + 1 < word.size()) word.erase(0, slash + 1);
    }
    if (!first) out += ' ';
    first = false;
    out += word;
  }
  return out;
}

std::string repeat(std::string_view glyph, std::size_t count) {
  std::string out;
  out.reserve(glyph.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += glyph;
  return out;
}

// `rows` sorted by name; byte order of UTF-8 is code-point order.
std::vector<const json::object*> by_name(const std::vector<json::object>& rows) {
  std::vector<const json::object*> sorted;
  sorted.reserve(rows.size());
  for (const auto& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return str_or(*a, "name", "") < str_or(*b, "name", "");
  });
  return sorted;
}

// One data row's cells before padding; the command is the untruncated argv text.
struct RowCells {
  std::array<std::string, k_columns> cells;
  bool online = false;    // running (starting included)
  bool starting = false;  // running, not ready yet (issue #14)
  bool crashed = false;
  bool waiting = false;  // waiting for its dependencies (issue #14)
};

// How a row counts in the Total footer.
struct RowState {
  bool online = false;
  bool starting = false;
  bool crashed = false;
  bool waiting = false;
};

RowState state_of(const json::object& row) {
  RowState s;
  const json::value* status = row.if_contains("status");
  s.online = status != nullptr && status->is_string() && status->get_string() == "online";
  s.starting = s.online && is_starting(row);
  // Waiting before the crash test: a waiting start keeps the stop_reason of the run before it.
  s.waiting = !s.online && is_waiting(row);
  s.crashed = !s.online && !s.waiting && is_crashed(row);
  return s;
}

RowCells make_cells(const json::object& row, const Style& style, bool daemon_running,
                    CommandText command) {
  const Glyphs& g = glyphs(style.level);
  RowCells out;
  const RowState state = state_of(row);
  out.online = state.online;
  auto& cells = out.cells;
  cells[k_name_column] = str_or(row, "name", "");
  cells[k_project_column] = project_of_row(row).value_or("-");
  const json::value* watch = row.if_contains("watch");
  cells[k_watch_column] = watch_cell(watch ? *watch : json::value{}, style, daemon_running);
  cells[k_command] = join_command(row, command);
  out.starting = state.starting;
  for (const std::size_t i : k_usage_columns) cells[i] = "-";
  if (out.online) {
    cells[k_status_column] = out.starting ? paint(style, Color::yellow, g.starting)
                                          : paint(style, Color::green, g.online);
    cells[k_pid_column] = paint(style, Color::gray, str_or(row, "pid", "None"));
    cells[k_cpu_column] = str_or(row, "cpu", "-");
    cells[k_mem_column] = str_or(row, "mem", "-");
    cells[k_uptime_column] = str_or(row, "uptime", "-");
  } else if (state.waiting) {
    out.waiting = true;
    cells[k_status_column] = paint(style, Color::yellow, g.waiting);
  } else if (state.crashed) {
    // Issue #13: a crash must not look like a stop; say how it ended (`crashed 3`, `SIGKILL`).
    out.crashed = true;
    const std::string how = exit_brief(row);
    cells[k_status_column] =
        paint(style, Color::red, std::string{g.crashed} + (how.empty() ? "" : " " + how));
  } else {
    cells[k_status_column] = paint(style, Color::red, g.stopped);
  }
  return out;
}

// The shown cells of a row, each padded (and, when wider, cut) to its column, one space apart.
std::string join_line(const std::array<std::string, k_columns>& cells, const ColumnPlan& plan,
                      bool pad_command) {
  std::string line;
  for (std::size_t i = 0; i < k_columns; ++i) {
    if (i < k_command && !plan.shown(i)) continue;
    const std::size_t width = plan.widths[i];
    const std::string cell =
        visible_width(cells[i]) > width ? truncate(cells[i], static_cast<int>(width)) : cells[i];
    line += (i < k_command || pad_command) ? pad_right(cell, width) : cell;
    if (i < k_command) line += ' ';
  }
  return line;
}

// Column widths asked for by `cells`; `watching` reserves room for a crash and an error;
// `projects`: whether the PROJECT column is in the table.
ColumnDemand demand_of(const std::vector<RowCells>& cells, const Style& style, bool watching,
                       bool projects) {
  const Glyphs& g = glyphs(style.level);
  ColumnDemand demand;
  demand.frame = style.level == Level::fancy ? k_fancy_border : 0;
  demand.absent[k_project_column] = !projects;
  for (std::size_t i = 0; i < k_command; ++i) {
    // STATUS is sized by both status glyphs, whichever rows are present.
    std::size_t widest = visible_width(k_headers[i]);
    if (i == k_status_column) {
      widest = std::max({widest, visible_width(g.online), visible_width(g.stopped)});
    }
    // NAME and STATUS always say something.
    bool blank = i != k_name_column && i != k_status_column;
    for (const auto& row : cells) {
      widest = std::max(widest, visible_width(row.cells[i]));
      blank = blank && (row.cells[i] == "-" || row.cells[i] == g.watch_none);
    }
    demand.content[i] = widest;
    demand.preferred[i] = k_min_widths[i];
    demand.blank[i] = blank;
  }
  for (const auto& row : cells) {
    demand.command = std::max(demand.command, visible_width(row.cells[k_command]));
  }
  if (watching) {
    demand.reserved[k_status_column] = visible_width(g.crashed) + 1 + k_typical_exit.size() + 1;
    demand.reserved[k_watch_column] =
        visible_width(g.errored) + std::string_view{" errored"}.size() + 1;
  }
  return demand;
}

std::string errored_footer(const std::vector<const json::object*>& errored, const Style& style,
                           std::size_t columns) {
  const Glyphs& g = glyphs(style.level);
  std::string out = "\n";
  out += paint(style, Color::red,
               std::string{g.errored} + " " + std::to_string(errored.size()) + " errored:");
  out += '\n';
  for (const json::object* row : errored) {
    const std::string name = str_or(*row, "name", "");
    const json::object& watch = row->at("watch").get_object();
    out += "   ";
    out += paint(style, Color::red, name);
    out += " ";
    out += g.dash;
    out += " ";
    out += str_or(watch, "error_reason", "unknown");
    const std::string hint = recover_hint(name);
    if (k_hint_indent.size() + visible_width(hint) <= columns) {
      out += "\n" + std::string{k_hint_indent} + paint(style, Color::gray, hint);
    } else {
      // Two commands that do not fit side by side go one under the other.
      for (const auto& command : recover_commands(name)) {
        out += "\n" + std::string{k_hint_indent} + paint(style, Color::gray, command);
      }
    }
    out += "\n";
  }
  return out;
}

}  // namespace

std::string watch_cell(const json::value& watch, const Style& style, bool daemon_running) {
  const Glyphs& g = glyphs(style.level);
  if (!watch.is_object() || watch.get_object().empty()) return std::string{g.watch_none};
  const json::object& block = watch.get_object();
  if (const json::value* enabled = block.if_contains("enabled");
      enabled && !python_truthy(*enabled)) {
    return std::string{g.watch_none};
  }
  if (const json::value* errored = block.if_contains("errored");
      errored && python_truthy(*errored)) {
    return paint(style, Color::red, std::string{g.errored} + " errored");
  }
  // With bgod running it is the watcher itself (Appendix D #2), so watcher_pid is meaningless.
  if (!daemon_running) {
    const json::value* pid = block.if_contains("watcher_pid");
    if (pid == nullptr || !python_truthy(*pid)) {
      return paint(style, Color::yellow, std::string{g.watcher_dead} + " no watcher");
    }
  }
  return paint(style, Color::green, std::string{g.watching} + " " + str_or(block, "restarts", "0"));
}

std::optional<std::string> project_of_row(const json::object& row) {
  const json::value* project = row.if_contains("project");
  if (project == nullptr || !project->is_string() || project->get_string().empty()) {
    return std::nullopt;
  }
  return std::string(project->get_string());
}

bool project_column_wanted(const std::vector<json::object>& rows) {
  std::set<std::optional<std::string>> seen;
  bool any_project = false;
  for (const auto& row : rows) {
    auto project = project_of_row(row);
    any_project = any_project || project.has_value();
    seen.insert(std::move(project));
    if (any_project && seen.size() >= 2) return true;
  }
  return false;
}

TableOptions screen_table() {
  return TableOptions{.command = CommandText::program, .spare = SpareWidth::command};
}

std::string render_table(const std::vector<json::object>& rows, const Style& style, int columns,
                         bool daemon_running, const TableOptions& options) {
  const Glyphs& g = glyphs(style.level);
  const bool fancy = style.level == Level::fancy;

  const std::vector<const json::object*> sorted = by_name(rows);

  std::vector<RowCells> cells;
  cells.reserve(sorted.size());
  for (const auto* row : sorted) {
    cells.push_back(make_cells(*row, style, daemon_running, options.command));
  }

  const ColumnDemand demand =
      demand_of(cells, style, options.session != nullptr,
                project_column_wanted(options.counted != nullptr ? *options.counted : rows));
  const ColumnPlan plan = plan_columns(demand, columns, options.spare, options.session);
  if (options.session != nullptr) *options.session = plan;
  const std::size_t row_width = plan.row_width();

  std::array<std::string, k_columns> header;
  for (std::size_t i = 0; i < k_columns; ++i) {
    header[i] =
        paint(style, Color::bold,
              pad_right(truncate(k_headers[i], static_cast<int>(plan.widths[i])), plan.widths[i]));
  }

  std::vector<std::string> lines;
  lines.push_back(join_line(header, plan, true));
  for (auto& row : cells) {
    row.cells[k_command] = truncate(row.cells[k_command], static_cast<int>(plan.widths[k_command]));
    if (!row.online) row.cells[k_command] = paint(style, Color::gray, row.cells[k_command]);
    lines.push_back(join_line(row.cells, plan, fancy));
  }

  std::string out;
  if (fancy) {
    const std::string rule = repeat(g.hline, row_width + 2);
    const auto border = [&](std::string_view left, std::string_view right) {
      return paint(style, Color::gray, std::string{left} + rule + std::string{right}) + "\n";
    };
    const auto framed = [&](const std::string& line) {
      return std::string{g.vline} + " " + line + " " + std::string{g.vline} + "\n";
    };
    out += border(g.tl, g.tr);
    out += framed(lines[0]);
    out += border(g.tright, g.tleft);
    for (std::size_t i = 1; i < lines.size(); ++i) out += framed(lines[i]);
    out += border(g.bl, g.br);
  } else {
    const std::string rule = paint(style, Color::gray, repeat(g.hline, row_width)) + "\n";
    out += lines[0] + "\n" + rule;
    for (std::size_t i = 1; i < lines.size(); ++i) out += lines[i] + "\n";
    out += rule;
  }

  // The footers count every process, also those a screen's cut leaves out (`counted`).
  const std::vector<json::object>& all = options.counted != nullptr ? *options.counted : rows;
  std::size_t online = 0, starting = 0, crashed = 0, waiting = 0;
  for (const auto& row : all) {
    const RowState st = state_of(row);
    online += st.online ? 1 : 0;
    starting += st.starting ? 1 : 0;
    crashed += st.crashed ? 1 : 0;
    waiting += st.waiting ? 1 : 0;
  }
  out += "Total: " + std::to_string(all.size()) + " | " + paint(style, Color::green, g.online) +
         ": " + std::to_string(online - starting) + " | " + paint(style, Color::red, g.stopped) +
         ": " + std::to_string(all.size() - online - crashed - waiting);
  if (crashed > 0)
    out += " | " + paint(style, Color::red, g.crashed) + ": " + std::to_string(crashed);
  // Issue #14's states, counted apart like crashes and only when present.
  if (starting > 0)
    out += " | " + paint(style, Color::yellow, g.starting) + ": " + std::to_string(starting);
  if (waiting > 0)
    out += " | " + paint(style, Color::yellow, g.waiting) + ": " + std::to_string(waiting);
  out += "\n";

  // Listed whether or not the block is still enabled (spec §6.3).
  std::vector<const json::object*> errored;
  for (const auto* row : options.counted != nullptr ? by_name(*options.counted) : sorted) {
    const json::value* watch = row->if_contains("watch");
    if (watch == nullptr || !watch->is_object()) continue;
    const json::value* flag = watch->get_object().if_contains("errored");
    if (flag != nullptr && python_truthy(*flag)) errored.push_back(row);
  }
  if (!errored.empty()) {
    out += errored_footer(errored, style, static_cast<std::size_t>(std::max(columns, 0)));
  }
  return out;
}

std::string render_empty_registry(bool watch_mode) {
  std::string out =
      "No processes registered.\n"
      "Usage: bgo start <n> -- <command> [args...]\n";
  if (!watch_mode) out += "       bgo <command> [args...]\n";
  return out;
}

}  // namespace bgo::client
