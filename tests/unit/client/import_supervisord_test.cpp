// SPDX-License-Identifier: MIT
// supervisord imports against what supervisord runs: defaults, numprocs names, expansions,
// [include] globs; the INI reader and Python's %-formatting on their own.
#include <fstream>

#include <gtest/gtest.h>

#include "client/app/import.hpp"
#include "client/app/import_ini.hpp"
#include "client/app/import_supervisord_program.hpp"
#include "tests/unit/client/import_test_support.hpp"

namespace bgo::app {
namespace {

using test::find_process;
using test::fixture;
using test::reported;

ImportOptions options() {
  ImportOptions o;
  o.environment =
      std::map<std::string, std::string>{{"APP_BIN", "/opt/app/bin"}, {"WEB_PORT", "8000"}};
  o.hostname = "box";
  return o;
}

TEST(ImportSupervisord, SampleConfig) {
  auto app = import_file(fixture("supervisord/basic/supervisord.conf"), ImportFormat::supervisord,
                         options());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 2U);
  // Same priority: by name, as supervisord orders them.
  EXPECT_EQ(app->processes[0].name, "api");
  const ProcessSpec* cat = find_process(*app, "cat");
  ASSERT_NE(cat, nullptr);
  EXPECT_EQ(cat->command, std::vector<std::string>{"/bin/cat"});
  EXPECT_EQ(cat->cwd, "/tmp");
  EXPECT_EQ(cat->env.at("A"), "1");
  EXPECT_EQ(cat->env.at("B"), "2, with a comma");
  EXPECT_EQ(cat->env.at("C"), "plain");
  EXPECT_EQ(cat->env.at("LANG"), "en_US.UTF-8");  // [supervisord] environment=
  EXPECT_EQ(cat->env.at("APP_ROOT"), fixture("supervisord/basic"));
  EXPECT_EQ(cat->policy.restart, RestartPolicy::on_failure);  // unexpected
  EXPECT_EQ(cat->policy.success_codes, std::vector<int64_t>{0});
  EXPECT_EQ(cat->min_uptime, 1);
  EXPECT_EQ(cat->on_fast_crash, "backoff");
  EXPECT_EQ(cat->policy.stop_signal, 3);  // QUIT
  EXPECT_EQ(cat->policy.stop_timeout_ms, 10000);
  EXPECT_FALSE(cat->policy.kill_mode);
  ASSERT_TRUE(cat->logs);
  EXPECT_EQ(cat->logs->max_size, 1024U * 1024);
  EXPECT_EQ(cat->logs->files, 10);
  for (const char* key : {"user", "redirect_stderr", "stdout_logfile", "serverurl"}) {
    EXPECT_NE(reported(*app, "cat", key), "") << key;
  }
  EXPECT_NE(reported(*app, "", "[group:backend]"), "");
  EXPECT_NE(reported(*app, "", "[unix_http_server]"), "");
  EXPECT_NE(reported(*app, "", "[supervisord] logfile, logfile_maxbytes, pidfile, nodaemon"), "");

  const ProcessSpec* api = find_process(*app, "api");
  ASSERT_NE(api, nullptr);
  // A command continued on indented lines; %(ENV_X)s and %(here)s expanded; quotes kept.
  EXPECT_EQ(api->command, (std::vector<std::string>{
                              "/opt/app/bin/api-server", "--listen", "127.0.0.1:9000", "--config",
                              fixture("supervisord/basic") + "/api config.toml"}));
  EXPECT_EQ(api->policy.restart, RestartPolicy::always);
  EXPECT_EQ(api->min_uptime, 3);
  EXPECT_EQ(api->on_fast_crash, "stop");  // startretries=0
  EXPECT_EQ(api->policy.stop_signal, 2);
  EXPECT_EQ(api->policy.stop_timeout_ms, 30000);
}

TEST(ImportSupervisord, LaravelWorkerNumprocs) {
  auto app = import_file(fixture("supervisord/laravel/laravel-worker.conf"),
                         ImportFormat::supervisord, options());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 8U);
  EXPECT_EQ(app->processes[0].name, "laravel-worker_00");
  EXPECT_EQ(app->processes[7].name, "laravel-worker_07");
  EXPECT_EQ(app->processes[7].command.at(2), "queue:work");
  EXPECT_EQ(app->processes[7].policy.kill_mode, KillMode::group);  // stopasgroup
  EXPECT_EQ(app->processes[7].policy.stop_timeout_ms, 3600000);
  EXPECT_EQ(app->processes[7].cwd, fixture("supervisord/laravel"));
  EXPECT_EQ(reported(*app, "laravel-worker", "user"),
            "bgo runs processes as bgod's user, not forge");
  EXPECT_EQ(app->not_imported.size(), 3U);  // user, redirect_stderr, stdout_logfile; once each
}

TEST(ImportSupervisord, IncludeGlobsAndTemplates) {
  auto app = import_file(fixture("supervisord/include/supervisord.conf"), ImportFormat::supervisord,
                         options());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 4U);
  // priority 10 (celery) first, then 999 by name.
  EXPECT_EQ(app->processes[0].name, "celery");
  EXPECT_EQ(app->processes[1].name, "beat");
  EXPECT_EQ(app->processes[2].name, "web-1");
  EXPECT_EQ(app->processes[3].name, "web-2");  // numprocs_start=1
  const ProcessSpec& celery = app->processes[0];
  EXPECT_EQ(celery.command.back(), "worker0@%h");                // %% is a percent sign
  EXPECT_EQ(celery.cwd, fixture("supervisord/include/conf.d"));  // %(here)s of the included file
  EXPECT_EQ(celery.policy.restart, RestartPolicy::never);
  EXPECT_NE(reported(*app, "celery", "priority"), "");
  const ProcessSpec& beat = app->processes[1];
  EXPECT_EQ(beat.command, (std::vector<std::string>{"celery", "-A", "proj", "beat"}));
  EXPECT_EQ(beat.autostart, AutostartPolicy::never);
  EXPECT_EQ(beat.policy.success_codes, (std::vector<int64_t>{0, 2}));
  EXPECT_EQ(beat.logs->max_size, 5U * 1024 * 1024);
  EXPECT_EQ(beat.logs->files, 3);
  const ProcessSpec& web2 = app->processes[3];
  EXPECT_EQ(web2.command.at(4), "0.0.0.0:8000");
  EXPECT_EQ(web2.env.at("INSTANCE"), "2");
  EXPECT_EQ(web2.env.at("HOST"), "box");
  EXPECT_EQ(web2.cwd, fixture("supervisord/include"));  // [supervisord] directory=
  EXPECT_NE(reported(*app, "", "[include] conf.d/*.ini"), "");
}

TEST(ImportSupervisord, UnsetEnvVariableIsReportedAndEmpty) {
  ImportOptions o = options();
  o.environment->erase("APP_BIN");
  auto app =
      import_file(fixture("supervisord/basic/supervisord.conf"), ImportFormat::supervisord, o);
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(find_process(*app, "api")->command.at(0), "/api-server");
  EXPECT_NE(reported(*app, "api", "%(ENV_APP_BIN)s"), "");
}

TEST(ImportSupervisord, UnknownNameIsAnError) {
  const std::string path = ::testing::TempDir() + "/bad-supervisord.conf";
  {
    std::ofstream out(path);
    out << "[program:x]\ncommand=run %(nope)s\n";
  }
  auto app = import_file(path, ImportFormat::supervisord, options());
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("bad-supervisord.conf:2: "), std::string::npos)
      << app.error().message;
  EXPECT_NE(app.error().message.find("(nope)"), std::string::npos) << app.error().message;
}

TEST(IniFile, PythonConfigParserRules) {
  IniFile ini;
  ASSERT_TRUE(
      parse_ini("[a]\nKey = v ; c\nx: y#not a comment\n  continued\n\n  more\n"
                "# full\n[a]\nz=1\n",
                "f", ini));
  ASSERT_EQ(ini.sections.size(), 1U);
  EXPECT_EQ(ini.sections[0].find("key")->text, "v");
  EXPECT_EQ(ini.sections[0].find("x")->text, "y#not a comment\ncontinued\n\nmore");
  EXPECT_EQ(ini.sections[0].find("z")->text, "1");
  IniFile bad;
  EXPECT_FALSE(parse_ini("k=v\n", "f", bad));
  EXPECT_FALSE(parse_ini("[s]\njust words\n", "f", bad));
}

TEST(PythonFormat, NamesWidthsAndPercent) {
  const std::map<std::string, FormatValue> values{{"n", int64_t{7}}, {"s", std::string("ab")}};
  EXPECT_EQ(*python_format("%(n)02d-%(n)d-%(s)s-%(n)s-100%%", values, "t"), "07-7-ab-7-100%");
  EXPECT_EQ(*python_format("[%(s)5s|%(s)-4s|%(n)3d]", values, "t"), "[   ab|ab  |  7]");
  EXPECT_FALSE(python_format("%(missing)s", values, "t"));
  EXPECT_FALSE(python_format("50%", values, "t"));
  EXPECT_FALSE(python_format("%(s)d", values, "t"));
}

TEST(SupervisordEnvironment, ShlexPairs) {
  auto env = parse_supervisord_environment(R"(A="x, y",B='q',C=/usr/bin:/bin,D=a.b+c-d ,E="")");
  ASSERT_TRUE(env) << env.error().message;
  EXPECT_EQ(env->at("A"), "x, y");
  EXPECT_EQ(env->at("B"), "q");
  EXPECT_EQ(env->at("C"), "/usr/bin:/bin");
  EXPECT_EQ(env->at("D"), "a.b+c-d");
  EXPECT_EQ(env->at("E"), "");
  EXPECT_FALSE(parse_supervisord_environment("A=x@y"));  // supervisord refuses it too
}

}  // namespace
}  // namespace bgo::app
