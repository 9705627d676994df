// SPDX-License-Identifier: MIT
// The `bgo status` table (spec §6.3 with the §12.2 #19 defects fixed) and its WATCH cell.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "client/render/style.hpp"
#include "client/render/table_layout.hpp"

namespace bgo::client {

// Spec §6.8 with Appendix D #2. `watch` is a row's `watch` member (object or null):
// no block, an empty block or `enabled` false -> watch_none glyph; `errored` -> red
// "<errored> errored"; when no bgod answers (`daemon_running` false) and `watcher_pid` is
// null/0/missing -> yellow "<watcher_dead> no watcher"; otherwise green "<watching> <restarts>".
std::string watch_cell(const boost::json::value& watch, const Style& style, bool daemon_running);

// What the COMMAND cell shows: the argv joined by spaces (spec §6.3), or the program's basename
// and its arguments (`python3 app.py` for `/home/u/.pyenv/shims/python3 app.py`, issue #13.8):
// the detail view and --json keep the whole argv.
enum class CommandText { argv, program };

// How a table is laid out beyond spec §6.3. The defaults give the spec's table; `bgo status`
// uses screen_table().
struct TableOptions {
  CommandText command = CommandText::argv;
  SpareWidth spare = SpareWidth::minimums;
  // status -w: the plan of the previous frame, replaced by this one's (see plan_columns). While
  // the terminal has room, the STATUS and WATCH cells of a crash or an errored watch
  // (`✗ crashed SIGKILL`, `⚠ errored`) are also given room before any row shows them.
  ColumnPlan* session = nullptr;
  // When `rows` are only the first rows, cut to a screen: every process's row, of which the
  // Total and errored footers and the PROJECT column's choice need name, status, stop_reason,
  // ready, health, watch and project. Null: `rows` are all of them.
  const std::vector<boost::json::object>* counted = nullptr;
};

// The table people read in `bgo status`: program names, spare width to COMMAND.
TableOptions screen_table();

// A row's `project` (issue #15: a process of `bgo up`); nullopt for one started by hand.
std::optional<std::string> project_of_row(const boost::json::object& row);

// Whether the table shows a PROJECT column: when its rows are of two projects or more, or of
// one project and some processes started by hand (the column then says which is which). Rows
// all of one project, or none of any, leave it out: it would repeat one word on every line.
bool project_column_wanted(const std::vector<boost::json::object>& rows);

// The status table for `rows` (spec §6.7 row objects, any order; sorted here by name in
// code-point order) at terminal width `columns`, with a PROJECT column after NAME when
// project_column_wanted(rows) ("-" for a process started by hand), including the Total footer
// (crashed, starting and waiting processes counted apart when there are any) and, when any row
// has `watch.errored`, the errored footer. Every line ends with '\n'. Widths count display
// columns and rules are exactly as wide as the rows. The original's minimum column widths
// (name 12, pid 8, cpu 6, mem 6, uptime 12, watch 12, command 20) apply when they fit; on a
// narrower terminal plan_columns() shrinks, hides and cuts columns so that a full line is
// exactly `columns` wide unless even that cannot fit; an errored footer's recovery hint is then
// split in two lines.
std::string render_table(const std::vector<boost::json::object>& rows, const Style& style,
                         int columns, bool daemon_running, const TableOptions& options = {});

// "No processes registered." and the usage lines (the second usage line is omitted in
// `status -w` mode). Every line ends with '\n'.
std::string render_empty_registry(bool watch_mode);

}  // namespace bgo::client
