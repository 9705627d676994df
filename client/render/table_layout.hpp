// SPDX-License-Identifier: MIT
// How wide each column of the status table is on a terminal of a given width (issue #13.8).
#pragma once

#include <array>
#include <cstddef>

namespace bgo::client {

// NAME PROJECT STATUS PID CPU MEM UPTIME WATCH, then COMMAND, which is last and takes what is
// left. PROJECT is in the table only when the rows are of several projects (table.hpp).
inline constexpr std::size_t k_name_column = 0;
inline constexpr std::size_t k_project_column = 1;
inline constexpr std::size_t k_status_column = 2;
inline constexpr std::size_t k_pid_column = 3;
inline constexpr std::size_t k_cpu_column = 4;
inline constexpr std::size_t k_mem_column = 5;
inline constexpr std::size_t k_uptime_column = 6;
inline constexpr std::size_t k_watch_column = 7;
inline constexpr std::size_t k_table_columns = 9;
inline constexpr std::size_t k_fixed_columns = k_table_columns - 1;
inline constexpr std::size_t k_command_column = k_fixed_columns;

// Where the width beyond every column's content goes.
enum class SpareWidth {
  minimums,  // spec §6.3: the original's minimum widths, while COMMAND keeps 20 columns
  command,   // COMMAND first: the minimums give way before any command is cut
};

// What one table asks of the planner, in display columns.
struct ColumnDemand {
  std::array<std::size_t, k_fixed_columns> content{};    // widest cell or header
  std::array<std::size_t, k_fixed_columns> preferred{};  // kept while there is room
  std::array<std::size_t, k_fixed_columns> reserved{};   // kept unless COMMAND drops below 10
  std::array<bool, k_fixed_columns> blank{};             // every cell says nothing ("-", "·")
  std::array<bool, k_fixed_columns> absent{};            // not in this table at all (PROJECT)
  std::size_t command = 0;                               // widest command cell
  std::size_t frame = 0;                                 // border columns (fancy: 4)
};

// The widths a plan chose. A fixed column of width 0 is hidden; every shown fixed column is
// followed by one separating space. `columns` is the terminal width planned for (-1: none).
struct ColumnPlan {
  int columns = -1;
  std::array<std::size_t, k_table_columns> widths{};

  bool shown(std::size_t column) const { return widths[column] > 0; }
  // A row's display columns without the frame.
  std::size_t row_width() const;
};

// Plans the table for a terminal `columns` wide. An absent column gets width 0 (hidden, even
// when `previous` showed it). Each other fixed column gets its content plus one column of air,
// or its preferred or reserved width when wider; then, only as far as needed:
//  1. preferred widths shrink towards the content or the reserved width (UPTIME, WATCH, PID,
//     CPU, MEM, NAME, PROJECT, STATUS in that order) until COMMAND has 20 columns, or, with
//     SpareWidth::command, its widest cell; then reserved widths until COMMAND has 10;
//  2. while COMMAND has fewer than 10, columns are hidden: first those that say nothing, then
//     MEM, CPU, UPTIME, PID and PROJECT (NAME, STATUS and a WATCH that says something never);
//  3. while COMMAND has fewer than 7 (its header), the fixed columns give up their air, then
//     NAME is cut, down to 8 columns;
// and COMMAND gets the rest, so a row is exactly `columns` wide unless even that cannot fit.
//
// `previous` (status -w) is the plan of the frame before: while the terminal keeps its width, a
// column it showed is never narrower nor hidden, so rows that appear never make columns jump
// back and forth; widths only grow.
ColumnPlan plan_columns(const ColumnDemand& demand, int columns, SpareWidth spare,
                        const ColumnPlan* previous = nullptr);

}  // namespace bgo::client
