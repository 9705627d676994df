// SPDX-License-Identifier: MIT
// plan_columns: the status table's column widths.
#include "client/render/table_layout.hpp"

#include <algorithm>
#include <cstddef>

namespace bgo::client {
namespace {

constexpr std::size_t k_name = k_name_column;
constexpr std::size_t k_watch = k_watch_column;
constexpr std::size_t k_command_wanted = 20;  // spec §6.3's minimum COMMAND width
constexpr std::size_t k_command_floor = 10;   // below it, a column goes instead
constexpr std::size_t k_command_header = 7;   // "COMMAND": below it, the air and NAME go
constexpr std::size_t k_name_floor = 8;
// Which columns give up their preferred (or reserved) width first.
constexpr std::array<std::size_t, k_fixed_columns> k_shrink_order = {
    k_uptime_column, k_watch_column, k_pid_column,     k_cpu_column,
    k_mem_column,    k_name_column,  k_project_column, k_status_column};
// Which columns are hidden first: MEM, CPU, UPTIME, PID, PROJECT (which project a process is of
// says less than what it is doing), and WATCH only when it is blank.
constexpr std::array<std::size_t, 6> k_hide_order = {
    k_mem_column, k_cpu_column, k_uptime_column, k_pid_column, k_project_column, k_watch_column};

struct Planner {
  const ColumnDemand& demand;
  std::size_t total;
  std::array<std::size_t, k_fixed_columns> keep{};  // the previous frame's widths: a hard floor
  ColumnPlan plan;

  // Columns left for COMMAND (negative: the fixed columns alone overflow).
  std::ptrdiff_t room() const {
    std::size_t used = demand.frame;
    for (std::size_t i = 0; i < k_fixed_columns; ++i) {
      if (plan.shown(i)) used += plan.widths[i] + 1;
    }
    return static_cast<std::ptrdiff_t>(total) - static_cast<std::ptrdiff_t>(used);
  }

  // Takes up to `want` columns from column `i`, never below `floor` (nor below keep[i]).
  void take(std::size_t i, std::ptrdiff_t want, std::size_t floor) {
    std::size_t& width = plan.widths[i];
    const std::size_t low = std::max(floor, keep[i]);
    if (want <= 0 || width <= low) return;
    width -= std::min(static_cast<std::size_t>(want), width - low);
  }

  bool may_hide(std::size_t i, bool blank_pass) const {
    if (!plan.shown(i) || keep[i] > 0) return false;
    if (blank_pass) return demand.blank[i];
    return i != k_watch || demand.blank[i];
  }
};

}  // namespace

std::size_t ColumnPlan::row_width() const {
  std::size_t width = widths[k_command_column];
  for (std::size_t i = 0; i < k_fixed_columns; ++i) {
    if (shown(i)) width += widths[i] + 1;
  }
  return width;
}

ColumnPlan plan_columns(const ColumnDemand& demand, int columns, SpareWidth spare,
                        const ColumnPlan* previous) {
  Planner p{demand, static_cast<std::size_t>(std::max(columns, 0)), {}, {}};
  p.plan.columns = columns;
  // A resized terminal starts afresh: the old widths were for another screen.
  const bool sticky = previous != nullptr && previous->columns == columns;
  for (std::size_t i = 0; i < k_fixed_columns; ++i) {
    if (demand.absent[i]) continue;  // width 0: hidden, and never given back below
    if (sticky && previous->shown(i)) p.keep[i] = previous->widths[i];
    p.plan.widths[i] =
        std::max({demand.content[i] + 1, demand.preferred[i], demand.reserved[i], p.keep[i]});
  }

  // 1. Preferred widths give way to the command.
  const std::size_t wanted =
      spare == SpareWidth::command ? std::max(k_command_wanted, demand.command) : k_command_wanted;
  for (const std::size_t i : k_shrink_order) {
    p.take(i, static_cast<std::ptrdiff_t>(wanted) - p.room(),
           std::max(demand.content[i] + 1, demand.reserved[i]));
  }
  for (const std::size_t i : k_shrink_order) {
    p.take(i, static_cast<std::ptrdiff_t>(k_command_floor) - p.room(), demand.content[i] + 1);
  }
  // 2. Rather than a command cut to a few characters, fewer columns.
  const auto short_of_floor = [&] {
    return static_cast<std::ptrdiff_t>(k_command_floor) - p.room();
  };
  for (const bool blank_pass : {true, false}) {
    for (const std::size_t i : k_hide_order) {
      if (short_of_floor() <= 0) break;
      if (p.may_hide(i, blank_pass)) p.plan.widths[i] = 0;
    }
  }
  // 3. The air between columns, then the end of long names: a name is what the user types,
  // so it is cut only when COMMAND would not even show its header.
  const auto short_of_header = [&] {
    return static_cast<std::ptrdiff_t>(k_command_header) - p.room();
  };
  for (std::size_t i = k_fixed_columns; i-- > 0 && short_of_header() > 0;) {
    if (p.plan.shown(i)) p.take(i, short_of_header(), demand.content[i]);
  }
  p.take(k_name, short_of_header(), k_name_floor);

  p.plan.widths[k_command_column] = static_cast<std::size_t>(std::max<std::ptrdiff_t>(p.room(), 0));
  return p.plan;
}

}  // namespace bgo::client
