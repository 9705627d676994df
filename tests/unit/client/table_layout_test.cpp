// SPDX-License-Identifier: MIT
// Tests for plan_columns: minimum widths, spare width to COMMAND, hidden columns on narrow
// terminals, and widths that only grow during one status -w session.
#include "client/render/table_layout.hpp"

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

using Widths = std::array<std::size_t, k_table_columns>;

// Content of a typical table: short names, five-digit pids, a few processes online.
ColumnDemand typical(std::size_t command) {
  ColumnDemand d;
  d.content = {6, 7, 7, 5, 3, 3, 6, 5};  // "worker", "PROJECT", "stopped", "12345", "CPU", ...
  d.preferred = {12, 0, 0, 8, 6, 6, 12, 12};
  d.absent[k_project_column] = true;  // the rows are of one project, or of none
  d.command = command;
  return d;
}

std::size_t line_width(const ColumnPlan& plan, const ColumnDemand& demand) {
  return plan.row_width() + demand.frame;
}

TEST(PlanColumns, WideTerminalKeepsTheMinimumsAndGivesTheRestToCommand) {
  const ColumnDemand d = typical(30);
  const ColumnPlan plan = plan_columns(d, 120, SpareWidth::minimums);
  EXPECT_EQ(plan.widths, (Widths{12, 0, 8, 8, 6, 6, 12, 12, 49}));
  EXPECT_EQ(line_width(plan, d), 120U);
  EXPECT_EQ(plan_columns(d, 120, SpareWidth::command).widths, plan.widths);
}

TEST(PlanColumns, ALongCommandTakesTheMinimumsWhenSpareGoesToCommand) {
  const ColumnDemand d = typical(60);
  // The spec's layout keeps UPTIME and WATCH at 12 and cuts the command to 35.
  EXPECT_EQ(plan_columns(d, 100, SpareWidth::minimums).widths,
            (Widths{12, 0, 8, 8, 6, 6, 12, 12, 29}));
  // COMMAND first: UPTIME, WATCH, PID, CPU, MEM and NAME give up what they do not need.
  const ColumnPlan plan = plan_columns(d, 100, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{7, 0, 8, 6, 4, 4, 7, 6, 51}));
  EXPECT_EQ(line_width(plan, d), 100U);
  // Only as much as the command needs.
  EXPECT_EQ(plan_columns(typical(40), 100, SpareWidth::command).widths,
            (Widths{12, 0, 8, 8, 6, 6, 7, 6, 40}));
}

TEST(PlanColumns, NarrowTerminalShrinksToContentBeforeHiding) {
  const ColumnDemand d = typical(30);
  const ColumnPlan plan = plan_columns(d, 60, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{7, 0, 8, 6, 4, 4, 7, 6, 11}));
  EXPECT_EQ(line_width(plan, d), 60U);
}

TEST(PlanColumns, HidesBlankColumnsFirstThenMemCpuUptimePid) {
  ColumnDemand d = typical(30);
  d.content[0] = 27;                // a long name
  d.content[k_status_column] = 13;  // "✗ crashed 137"
  d.frame = 4;
  d.blank[k_watch_column] = true;  // no process is watched
  ColumnPlan plan = plan_columns(d, 60, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{28, 0, 14, 0, 0, 0, 0, 0, 12}));
  EXPECT_EQ(line_width(plan, d), 60U);

  d.blank[k_watch_column] = false;  // a WATCH that says something stays; the air goes instead
  plan = plan_columns(d, 60, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{28, 0, 13, 0, 0, 0, 0, 5, 7}));
  EXPECT_EQ(line_width(plan, d), 60U);

  d.content[0] = 40;  // then the name is cut, as COMMAND would not show its header
  plan = plan_columns(d, 60, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{28, 0, 13, 0, 0, 0, 0, 5, 7}));
  EXPECT_EQ(line_width(plan, d), 60U);

  // A little more room: only MEM and CPU go.
  d = typical(30);
  plan = plan_columns(d, 50, SpareWidth::command);
  EXPECT_EQ(plan.widths, (Widths{7, 0, 8, 6, 0, 0, 7, 6, 11}));
  EXPECT_EQ(line_width(plan, d), 50U);
}

TEST(PlanColumns, ReservedWidthsYieldOnlyToACommandUnder10) {
  ColumnDemand d = typical(60);
  d.reserved[k_status_column] = 18;  // "✗ crashed SIGKILL"
  d.reserved[k_watch_column] = 10;   // "⚠ errored"
  EXPECT_EQ(plan_columns(d, 100, SpareWidth::command).widths,
            (Widths{7, 0, 18, 6, 4, 4, 7, 10, 37}));
  EXPECT_EQ(plan_columns(d, 70, SpareWidth::command).widths, (Widths{7, 0, 18, 6, 4, 4, 7, 7, 10}));
}

TEST(PlanColumns, AWatchSessionNeverNarrowsNorHidesAColumn) {
  ColumnDemand d = typical(30);
  const ColumnPlan first = plan_columns(d, 80, SpareWidth::command);
  // A row with a longer name and a wider status appears: those grow, nothing shrinks.
  d.content[0] = 20;
  d.content[k_status_column] = 11;
  const ColumnPlan second = plan_columns(d, 80, SpareWidth::command, &first);
  for (std::size_t i = 0; i < k_fixed_columns; ++i) EXPECT_GE(second.widths[i], first.widths[i]);
  EXPECT_EQ(second.widths[0], 21U);
  EXPECT_EQ(line_width(second, d), 80U);
  // It goes away again: the widths stay.
  const ColumnPlan third = plan_columns(typical(30), 80, SpareWidth::command, &second);
  EXPECT_EQ(third.widths, second.widths);
  // Under pressure, columns shown before are kept and COMMAND pays.
  d.content[0] = 45;
  const ColumnPlan fourth = plan_columns(d, 80, SpareWidth::command, &third);
  for (std::size_t i = 0; i < k_fixed_columns; ++i) {
    EXPECT_EQ(fourth.shown(i), i != k_project_column) << i;
  }
  // A resized terminal starts afresh.
  const ColumnPlan resized = plan_columns(typical(30), 120, SpareWidth::command, &fourth);
  EXPECT_EQ(resized.widths, plan_columns(typical(30), 120, SpareWidth::command).widths);
}

TEST(PlanColumns, AHiddenColumnComesBackOnlyWithRoom) {
  ColumnDemand d = typical(30);
  d.content[0] = 27;
  d.blank[k_watch_column] = true;
  const ColumnPlan first = plan_columns(d, 60, SpareWidth::command);
  ASSERT_FALSE(first.shown(k_watch_column));
  d.blank[k_watch_column] = false;  // a process is watched now: WATCH has something to say
  const ColumnPlan second = plan_columns(d, 60, SpareWidth::command, &first);
  EXPECT_TRUE(second.shown(k_watch_column));
  EXPECT_EQ(line_width(second, d), 60U);
}

}  // namespace
}  // namespace bgo::client
