// SPDX-License-Identifier: MIT
// The status table's PROJECT column (issue #15): when it is shown, what its cells say, and
// where it goes on a narrow terminal.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/render/table.hpp"
#include "client/render/table_layout.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

constexpr Style k_plain{.level = Level::plain, .color = false};

json::object row(const std::string& name, const std::string& project = "") {
  json::object o{{"name", name},     {"pid", 4242},   {"status", "online"},
                 {"cpu", "0.1"},     {"mem", "0.2"},  {"uptime", "01:02"},
                 {"watch", nullptr}, {"cwd", "/srv"}, {"command", json::array{"/bin/run", name}}};
  if (!project.empty()) {
    o["project"] = project;
    o["definition"] = "h-" + name;
  }
  return o;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

TEST(ProjectColumn, ShownForTwoProjectsOrAProjectBesideHandStartedProcesses) {
  EXPECT_FALSE(project_column_wanted({}));
  EXPECT_FALSE(project_column_wanted({row("a"), row("b")}));                  // none
  EXPECT_FALSE(project_column_wanted({row("a", "shop"), row("b", "shop")}));  // one word
  EXPECT_TRUE(project_column_wanted({row("a", "shop"), row("b", "blog")}));
  EXPECT_TRUE(project_column_wanted({row("a", "shop"), row("b")}));
  EXPECT_TRUE(project_column_wanted({row("a"), row("b"), row("c", "shop")}));
  // An empty or non-string project is no project.
  json::object odd = row("x");
  odd["project"] = "";
  EXPECT_FALSE(project_column_wanted({odd, row("y")}));
  odd["project"] = 3;
  EXPECT_FALSE(project_column_wanted({odd, row("y")}));
  EXPECT_EQ(project_of_row(row("a", "shop")), "shop");
  EXPECT_EQ(project_of_row(row("a")), std::nullopt);
}

TEST(ProjectColumn, FollowsTheNameWithADashForHandStartedProcesses) {
  const std::string out =
      render_table({row("web", "shop"), row("api", "blog"), row("tool")}, k_plain, 100, true);
  const auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 5U) << out;
  EXPECT_TRUE(lines[0].starts_with("NAME         PROJECT  STATUS  PID")) << out;
  EXPECT_TRUE(lines[2].starts_with("api          blog     ON")) << out;
  EXPECT_TRUE(lines[3].starts_with("tool         -        ON")) << out;
  EXPECT_TRUE(lines[4].starts_with("web          shop     ON")) << out;
  EXPECT_EQ(lines[0].size(), 100U);  // the header and the rules are the full width
  EXPECT_EQ(lines[1].size(), 100U);
}

TEST(ProjectColumn, AbsentForOneProjectAndForNone) {
  for (const auto& rows : {std::vector<json::object>{row("web", "shop"), row("api", "shop")},
                           std::vector<json::object>{row("web"), row("api")}}) {
    const std::string out = render_table(rows, k_plain, 100, true);
    EXPECT_EQ(out.find("PROJECT"), std::string::npos) << out;
    EXPECT_EQ(out.find("shop"), std::string::npos) << out;
    EXPECT_TRUE(out.starts_with("NAME         STATUS")) << out;
  }
}

TEST(ProjectColumn, GoesAfterPidAndBeforeWatchOnANarrowTerminal) {
  const std::vector<json::object> rows = {row("web", "shop"), row("api", "blog-platform")};
  // Wide enough: every column.
  std::string out = render_table(rows, k_plain, 100, true);
  EXPECT_NE(out.find("PROJECT"), std::string::npos) << out;
  EXPECT_NE(out.find("PID"), std::string::npos) << out;
  // Narrower: MEM, CPU, UPTIME and PID go first, PROJECT stays while it can.
  out = render_table(rows, k_plain, 43, true);
  EXPECT_NE(out.find("PROJECT"), std::string::npos) << out;
  EXPECT_EQ(out.find("PID"), std::string::npos) << out;
  EXPECT_EQ(out.find("UPTIME"), std::string::npos) << out;
  // Narrower still: PROJECT goes too; WATCH says nothing here, so it went before.
  out = render_table(rows, k_plain, 36, true);
  EXPECT_EQ(out.find("PROJECT"), std::string::npos) << out;
  EXPECT_NE(out.find("STATUS"), std::string::npos) << out;
  for (const auto& line : lines_of(out)) EXPECT_LE(line.size(), 36U) << line;
}

TEST(PlanColumns, AnAbsentColumnStaysHiddenEvenIfTheLastFrameShowedIt) {
  ColumnDemand d;
  d.content = {6, 7, 7, 5, 3, 3, 6, 5};
  d.command = 20;
  const ColumnPlan with = plan_columns(d, 120, SpareWidth::command);
  EXPECT_TRUE(with.shown(k_project_column));
  EXPECT_EQ(with.widths[k_project_column], 8U);
  d.absent[k_project_column] = true;
  const ColumnPlan without = plan_columns(d, 120, SpareWidth::command, &with);
  EXPECT_FALSE(without.shown(k_project_column));
  EXPECT_EQ(without.row_width(), 120U);
}

}  // namespace
}  // namespace bgo::client
