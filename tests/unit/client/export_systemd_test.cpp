// SPDX-License-Identifier: MIT
// bgo export systemd: the golden units of docs/bgo-file.md's example, quoting, unit names,
// calendar events, system units, and the input systemd cannot take.
#include "client/app/export_systemd.hpp"

#include <gtest/gtest.h>

#include "client/app/export_calendar.hpp"
#include "tests/unit/client/export_test_support.hpp"

namespace bgo::app {
namespace {

using export_test::parse_app;

const ExportFile* find(const std::vector<ExportFile>& files, const std::string& path) {
  for (const auto& f : files) {
    if (f.path == path) return &f;
  }
  return nullptr;
}

ExportOptions systemd_options() {
  ExportOptions o;
  o.target = ExportTarget::systemd;
  o.source = "/srv/shop/bgo.yaml";
  return o;
}

TEST(ExportSystemd, TheDocsExampleMatchesItsGoldenFiles) {
  const AppSpec app = export_test::doc_example();
  auto files = export_app(app, systemd_options());
  ASSERT_TRUE(files) << files.error().to_string();
  export_test::expect_golden("systemd", *files);
  // Every setting has its row resolved, and the report is the last file.
  ExportContext ctx(app, systemd_options());
  (void)export_systemd(ctx);  // the files were checked above; the report is what matters here
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
  EXPECT_EQ(files->back().path, "EXPORT-REPORT.md");
}

TEST(ExportSystemd, SameInputSameBytes) {
  const AppSpec app = export_test::doc_example();
  auto first = export_app(app, systemd_options());
  auto second = export_app(app, systemd_options());
  ASSERT_TRUE(first && second);
  ASSERT_EQ(first->size(), second->size());
  for (size_t i = 0; i < first->size(); ++i) {
    EXPECT_EQ((*first)[i].path, (*second)[i].path);
    EXPECT_EQ((*first)[i].text, (*second)[i].text);
  }
}

TEST(ExportSystemd, ExecStartWords) {
  EXPECT_EQ(exec_word("node", true), "node");
  EXPECT_EQ(exec_word("--port", false), "--port");
  EXPECT_EQ(exec_word("-weird", true), "\"-weird\"");  // a prefix on the program is quoted
  EXPECT_EQ(exec_word("a b", false), "\"a b\"");
  EXPECT_EQ(exec_word("", false), "\"\"");
  EXPECT_EQ(exec_word("100%", false), "\"100%%\"");
  EXPECT_EQ(exec_word("$HOME", false), "\"$$HOME\"");
  EXPECT_EQ(exec_word("say \"hi\"\\", false), "\"say \\\"hi\\\"\\\\\"");
  EXPECT_EQ(exec_word("a\nb", false), "\"a\\x0ab\"");
  EXPECT_EQ(exec_word(";", false), "\\;");
}

TEST(ExportSystemd, UnitNamesAndEnvFileValues) {
  EXPECT_EQ(unit_name_escape("api:0"), "api:0");
  EXPECT_EQ(unit_name_escape("my app"), "my\\x20app");
  EXPECT_EQ(unit_name_escape(".hidden"), "\\x2ehidden");
  EXPECT_EQ(unit_name_escape("a@b"), "a\\x40b");
  EXPECT_EQ(env_file_value("p4$word"), "\"p4\\$word\"");
  EXPECT_EQ(env_file_value("say \"hi\" `x` \\"), "\"say \\\"hi\\\" \\`x\\` \\\\\"");
}

std::vector<std::string> events(const std::string& cron) {
  auto schedule = CronSchedule::parse(cron);
  EXPECT_TRUE(schedule) << cron;
  return schedule ? calendar_events(*schedule) : std::vector<std::string>{};
}

TEST(ExportSystemd, CronAsCalendarEvents) {
  using V = std::vector<std::string>;
  EXPECT_EQ(events("0 4 * * *"), V{"*-*-* 04:00:00 UTC"});
  EXPECT_EQ(events("*/15 * * * *"), V{"*-*-* *:00/15:00 UTC"});
  EXPECT_EQ(events("5,10 9-17 * * 1-5"), V{"Mon..Fri *-*-* 09..17:05,10:00 UTC"});
  EXPECT_EQ(events("0 0 1 jan *"), V{"*-01-01 00:00:00 UTC"});
  EXPECT_EQ(events("@weekly"), V{"Sun *-*-* 00:00:00 UTC"});
  EXPECT_EQ(events("0 0 */2 * *"), V{"*-*-01/2 00:00:00 UTC"});
  EXPECT_EQ(events("0 0 * * 0,6"), V{"Sun,Sat *-*-* 00:00:00 UTC"});
  // Both day fields restricted: cron matches either, so two events.
  EXPECT_EQ(events("30 6 13 * 5"), (V{"*-*-13 06:30:00 UTC", "Fri *-*-* 06:30:00 UTC"}));
}

TEST(ExportSystemd, SystemUnitsRunAsTheNamedUser) {
  const AppSpec app =
      parse_app("name: shop\nprocesses:\n  a: {command: [/bin/sh, -c, 'exit 0']}\n");
  ExportOptions o = systemd_options();
  o.scope = SystemdScope::system;
  o.user_name = "shop";
  auto files = export_app(app, o);
  ASSERT_TRUE(files) << files.error().to_string();
  const ExportFile* unit = find(*files, "shop-a.service");
  ASSERT_NE(unit, nullptr);
  EXPECT_NE(unit->text.find("\nUser=shop\n"), std::string::npos) << unit->text;
  EXPECT_NE(find(*files, "shop.target")->text.find("WantedBy=multi-user.target"),
            std::string::npos);
  // One process: nothing is shared, so no env file.
  EXPECT_EQ(find(*files, "shop.env"), nullptr);
  o.user_name = "bad name";
  auto refused = export_app(app, o);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().setting, "--user-name");
}

TEST(ExportSystemd, QuotingOfCommandsAndEnvironment) {
  const AppSpec app = parse_app(
      "name: odd\n"
      "processes:\n"
      "  my app:\n"
      "    command: [./run, '100%', '$$HOME', ';', 'a b']\n"
      "    env: {GREETING: 'say \"hi\" 50%'}\n");
  auto files = export_app(app, systemd_options());
  ASSERT_TRUE(files) << files.error().to_string();
  const ExportFile* unit = find(*files, "odd-my\\x20app.service");
  ASSERT_NE(unit, nullptr);
  EXPECT_NE(unit->text.find("ExecStart=/srv/shop/run \"100%%\" \"$$HOME\" \\; \"a b\"\n"),
            std::string::npos)
      << unit->text;
  EXPECT_NE(unit->text.find("Environment=\"GREETING=say \\\"hi\\\" 50%%\"\n"), std::string::npos)
      << unit->text;
}

TEST(ExportSystemd, AVariableNameSystemdIgnoresIsAnError) {
  const AppSpec app =
      parse_app("processes:\n  web:\n    command: [/bin/true]\n    env: {my-var: x}\n");
  auto files = export_app(app, systemd_options());
  ASSERT_FALSE(files);
  EXPECT_EQ(files.error().process, "web");
  EXPECT_EQ(files.error().setting, "env");
  EXPECT_NE(files.error().to_string().find("process 'web': env: systemd ignores the variable name "
                                           "'my-var'"),
            std::string::npos)
      << files.error().to_string();
}

TEST(ExportSystemd, DependencyConditions) {
  const AppSpec app = parse_app(
      "name: p\n"
      "processes:\n"
      "  once: {command: [/bin/true], restart: never}\n"
      "  ready: {command: [/bin/true], ready: {notify: true}}\n"
      "  main:\n"
      "    command: [/bin/true]\n"
      "    depends_on: {once: completed, ready: ready}\n");
  ExportContext ctx(app, systemd_options());
  const auto files = export_systemd(ctx);
  const ExportFile* main = find(files, "p-main.service");
  ASSERT_NE(main, nullptr);
  EXPECT_NE(main->text.find("Requires=p-ready.service\nWants=p-once.service\n"
                            "After=p-once.service p-ready.service\n"),
            std::string::npos)
      << main->text;
  EXPECT_NE(find(files, "p-once.service")->text.find("Type=oneshot\nRemainAfterExit=yes\n"),
            std::string::npos);
  EXPECT_EQ(ctx.report().dropped_count(), 0);
  EXPECT_EQ(ctx.report().unresolved(), std::vector<std::string>{});
}

}  // namespace
}  // namespace bgo::app
