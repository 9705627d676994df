// SPDX-License-Identifier: MIT
// EXPORT-REPORT.md: a row per setting (defaults included, unset keys left out), Markdown that
// survives `|` and backticks, a forgotten row shown as one, and docs/export.md naming every
// setting a row can have.
#include "client/app/export_report.hpp"

#include <gtest/gtest.h>

#include "tests/unit/client/export_test_support.hpp"

namespace bgo::app {
namespace {

using export_test::parse_app;

std::vector<std::string> keys(const std::vector<Setting>& settings) {
  std::vector<std::string> out;
  out.reserve(settings.size());
  for (const auto& s : settings) out.push_back(s.key);
  return out;
}

TEST(ExportReport, TheSettingsOfAProcess) {
  const AppSpec app = parse_app(
      "processes:\n"
      "  db: {command: [postgres]}\n"
      "  api:\n"
      "    command: [node, 'server.js']\n"
      "    env: {PORT: '3000'}\n"
      "    instances: 2\n"
      "    port_offset: true\n"
      "    depends_on: {db: ready}\n"
      "    restart: never\n");
  const auto groups = group_instances(app);
  ASSERT_EQ(groups.size(), 2U);
  // Defaults filled in by the parser are settings; what is unset is not.
  EXPECT_EQ(
      keys(settings_of(groups[0], {})),
      (std::vector<std::string>{"command", "cwd", "restart", "success_codes", "watch.min_uptime",
                                "watch.on_fast_crash", "stop.signal", "kill_mode", "autostart"}));
  const auto api = settings_of(groups[1], group_of_instances(groups));
  EXPECT_EQ(keys(api), (std::vector<std::string>{"command", "cwd", "instances", "port_offset",
                                                 "depends_on: db", "restart", "success_codes",
                                                 "stop.signal", "kill_mode", "autostart"}));
  EXPECT_EQ(api[2].value, "2 (BGO_INSTANCE=0..1)");
  EXPECT_EQ(api[3].value, "true (PORT=3000 + instance)");
}

TEST(ExportReport, MarkdownCellsAndCounts) {
  const AppSpec app = parse_app("processes:\n  a: {command: [sh, -c, 'a | b `c`']}\n");
  const auto groups = group_instances(app);
  ExportReport report(groups, {});
  report.carried("a", "command", "`ExecStart=...`");
  report.dropped("a", "restart", "not | here");
  report.note("a note");
  report.file("a.service");
  const std::string md = report.markdown("p", "systemd", "bgo.yaml");
  EXPECT_NE(md.find("# Export of p to systemd\n"), std::string::npos) << md;
  EXPECT_NE(md.find("| a | command | ``sh -c 'a \\| b `c`'`` | `ExecStart=...` |\n"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| a | restart | `on-failure` | **not carried over**: not \\| here |\n"),
            std::string::npos)
      << md;
  // The rows nobody resolved are visible, and listed.
  EXPECT_NE(md.find("| a | cwd | `/srv/shop` | **not carried over**: no mapping (a bug in bgo "
                    "export) |\n"),
            std::string::npos)
      << md;
  EXPECT_FALSE(report.unresolved().empty());
  EXPECT_EQ(report.carried_count(), 1);
  EXPECT_NE(md.find("\n## Notes\n\n- a note\n"), std::string::npos);
  EXPECT_NE(md.find("\n## Files\n\n- `a.service`\n"), std::string::npos);
}

TEST(ExportReport, TheDocsMapEverySetting) {
  const std::string all = export_test::read_text(std::string(BGO_SOURCE_DIR) + "/docs/export.md");
  const size_t from = all.find("## Mapping");
  const std::string doc = all.substr(from, all.find("\n## ", from + 1) - from);
  for (const char* key : {"`command`",
                          "`cwd`",
                          "`env`",
                          "`instances`",
                          "`port_offset`",
                          "`depends_on: started`",
                          "`depends_on: ready`",
                          "`depends_on: completed`",
                          "`depends_on: succeeded`",
                          "`ready",
                          "`watchdog`",
                          "`live`",
                          "`restart`",
                          "`success_codes`",
                          "`watch.on_fast_crash`",
                          "`min_uptime`",
                          "`stop.signal`",
                          "`stop.timeout`",
                          "`kill_mode`",
                          "`cron`",
                          "`max_memory`",
                          "`logs`",
                          "`autostart`"}) {
    EXPECT_NE(doc.find(key), std::string::npos) << key;
  }
}

}  // namespace
}  // namespace bgo::app
