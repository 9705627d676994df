// SPDX-License-Identifier: MIT
// The `bgo status` table (spec §6.3 with the §12.2 #19 defects fixed) and its WATCH cell.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "client/render/style.hpp"

namespace bgo::client {

// Spec §6.8 with Appendix D #2. `watch` is a row's `watch` member (object or null):
// no block, an empty block or `enabled` false -> watch_none glyph; `errored` -> red
// "<errored> errored"; when no bgod answers (`daemon_running` false) and `watcher_pid` is
// null/0/missing -> yellow "<watcher_dead> no watcher"; otherwise green "<watching> <restarts>".
std::string watch_cell(const boost::json::value& watch, const Style& style, bool daemon_running);

// The status table for `rows` (spec §6.7 row objects, any order; sorted here by name in
// code-point order) at terminal width `columns`, including the Total footer (crashed, starting
// and waiting processes counted apart when there are any) and, when any row
// has `watch.errored`, the errored footer. Every line ends with '\n'. Widths count display
// columns and rules are exactly as wide as the rows. The original's minimum column widths
// (name 12, pid 8, cpu 6, mem 6, uptime 12, watch 12, command 20) apply when they fit; on a
// narrower terminal the fixed columns shrink to their content first, then the command column
// (down to 5), so a full line is exactly `columns` wide unless even that cannot fit.
std::string render_table(const std::vector<boost::json::object>& rows, const Style& style,
                         int columns, bool daemon_running);

// "No processes registered." and the usage lines (the second usage line is omitted in
// `status -w` mode). Every line ends with '\n'.
std::string render_empty_registry(bool watch_mode);

}  // namespace bgo::client
