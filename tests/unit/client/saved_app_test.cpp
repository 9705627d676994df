// SPDX-License-Identifier: MIT
// bgo save's model (issue #15): `get` replies back into a bgo.yaml's processes, the
// environment written as a difference, which processes are saved, and the text read back by the
// bgo.yaml parser to the same settings.
#include "client/app/saved_app.hpp"

#include <csignal>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/app/bgo_file.hpp"
#include "client/app/import_yaml_writer.hpp"

namespace bgo::app {
namespace {

namespace json = boost::json;

json::object parse_object(std::string_view text) { return json::parse(text).as_object(); }

// A `get` reply as bgod sends it for `bgo start -w --min-uptime 3 --on-fast-crash stop
// --ready-tcp ... --stop-signal SIGINT --max-log-size 2M --time --autostart always api`.
json::object api_detail() {
  return parse_object(R"({"name": "api", "pid": 41, "status": "online",
      "command": ["/usr/bin/node", "server.js", "--port", "$PORT"], "cwd": "/srv/shop/api",
      "watch": {"enabled": true, "interval": 3, "min_uptime": 3, "on_fast_crash": "stop",
                "watcher_pid": null, "watcher_pgid": null, "restarts": 2, "last_restart_at": null,
                "errored": false, "error_reason": null, "last_stderr_tail": null},
      "stop_reason": null, "autostart": "always",
      "env": ["PATH=/usr/bin:/bin", "HOME=/home/u", "PORT=3000", "LANG=fr_FR.UTF-8", "PWD=/tmp",
              "SHLVL=2"],
      "settings": {"ready": {"kind": "tcp", "target": "127.0.0.1:3000", "interval_ms": 500,
                             "timeout_ms": 30000},
                   "after": [{"name": "db", "condition": "ready"}],
                   "stop_signal": "SIGINT", "stop_timeout_ms": 7000, "max_memory": 268435456},
      "log_options": {"max_size": 2097152, "files": 3, "timestamps": true},
      "project": "shop", "definition": "9f2c"})");
}

json::object db_detail() {
  return parse_object(R"({"name": "db", "status": "stopped", "stop_reason": "exited",
      "command": ["/usr/bin/postgres"], "cwd": null, "watch": null, "autostart": "unless-stopped",
      "env": null, "settings": {"restart": "never", "success_codes": [0, 3], "kill_mode": "group",
      "cron": "0 4 * * *"}, "log_options": null, "project": "shop"})");
}

const std::vector<std::string> k_shell = {"PATH=/usr/bin:/bin", "HOME=/home/u", "LANG=C.UTF-8",
                                          "TERM=xterm"};

TEST(EnvDifference, KeepsOnlyWhatTheCurrentEnvironmentLacksOrHasOtherwise) {
  const auto diff = env_difference({"PATH=/usr/bin:/bin", "HOME=/home/u", "PORT=3000",
                                    "LANG=fr_FR.UTF-8", "EMPTY=", "A=b=c", "junk"},
                                   k_shell);
  EXPECT_EQ(diff, (std::map<std::string, std::string>{
                      {"A", "b=c"}, {"EMPTY", ""}, {"LANG", "fr_FR.UTF-8"}, {"PORT", "3000"}}));
  // What the shell sets for each command is never written; nothing recorded, nothing written.
  EXPECT_TRUE(env_difference({"PWD=/srv", "OLDPWD=/", "SHLVL=3", "_=/usr/bin/bgo"}, {}).empty());
  EXPECT_TRUE(env_difference({}, k_shell).empty());
}

TEST(SavedByDefault, EverythingButWhatTheUserStopped) {
  EXPECT_TRUE(saved_by_default(parse_object(R"({"status": "online"})")));
  EXPECT_TRUE(saved_by_default(parse_object(R"({"status": "waiting"})")));
  EXPECT_TRUE(saved_by_default(parse_object(R"({"status": "stopped", "stop_reason": "exited"})")));
  EXPECT_TRUE(saved_by_default(parse_object(R"({"status": "stopped", "stop_reason": "crashed"})")));
  EXPECT_FALSE(saved_by_default(parse_object(R"({"status": "stopped", "stop_reason": "user"})")));
  EXPECT_FALSE(saved_by_default(parse_object(R"({"status": "stopped", "stop_reason": null})")));
}

TEST(ProcessFromDetail, EverySettingOfAWatchedProcess) {
  auto spec = process_from_detail(api_detail(), k_shell);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_EQ(spec->name, "api");
  EXPECT_EQ(spec->command,
            (std::vector<std::string>{"/usr/bin/node", "server.js", "--port", "$PORT"}));
  EXPECT_EQ(spec->cwd, "/srv/shop/api");
  EXPECT_EQ(spec->env,
            (std::map<std::string, std::string>{{"LANG", "fr_FR.UTF-8"}, {"PORT", "3000"}}));
  EXPECT_TRUE(spec->watch);
  EXPECT_EQ(spec->policy.restart, RestartPolicy::always);  // watched, no policy: -w
  EXPECT_EQ(spec->min_uptime, 3);
  EXPECT_EQ(spec->on_fast_crash, "stop");
  ASSERT_TRUE(spec->policy.ready);
  EXPECT_EQ(spec->policy.ready->kind, CheckKind::tcp);
  EXPECT_EQ(spec->policy.ready->interval_ms, 500);
  ASSERT_EQ(spec->policy.after.size(), 1U);
  EXPECT_EQ(spec->policy.after[0].name, "db");
  EXPECT_EQ(spec->policy.stop_signal, SIGINT);
  EXPECT_EQ(spec->policy.stop_timeout_ms, 7000);
  EXPECT_EQ(spec->policy.max_memory, 268435456U);
  ASSERT_TRUE(spec->logs);
  EXPECT_EQ(spec->logs->max_size, 2097152U);
  EXPECT_EQ(spec->logs->files, 3);
  EXPECT_TRUE(spec->logs->timestamps);
  EXPECT_EQ(spec->autostart, AutostartPolicy::always);
}

TEST(ProcessFromDetail, AnUnwatchedProcessNeverRestartsAndKeepsItsPolicy) {
  auto spec = process_from_detail(db_detail(), k_shell);
  ASSERT_TRUE(spec) << spec.error().message;
  EXPECT_FALSE(spec->watch);
  EXPECT_EQ(spec->policy.restart, RestartPolicy::never);
  EXPECT_EQ(spec->cwd, "/");  // bgod's default for a process started without one
  EXPECT_TRUE(spec->env.empty());
  EXPECT_EQ(spec->policy.success_codes, (std::vector<int64_t>{0, 3}));
  EXPECT_EQ(spec->policy.kill_mode, KillMode::group);
  EXPECT_EQ(spec->policy.cron, "0 4 * * *");
  EXPECT_FALSE(spec->logs);

  // `restart: on-failure` watches; `bgo unwatch` afterwards leaves it unwatched: never.
  json::object d = db_detail();
  d["settings"].as_object()["restart"] = "on-failure";
  d["watch"] = parse_object(R"({"enabled": true, "min_uptime": 2, "on_fast_crash": "backoff"})");
  EXPECT_EQ(process_from_detail(d, k_shell)->policy.restart, RestartPolicy::on_failure);
  d["watch"].as_object()["enabled"] = false;
  EXPECT_EQ(process_from_detail(d, k_shell)->policy.restart, RestartPolicy::never);
}

TEST(ProcessFromDetail, WhatCannotBeReadIsAnErrorNamingTheProcess) {
  json::object d = db_detail();
  d["settings"].as_object()["stop_signal"] = "SIGFOO";
  auto spec = process_from_detail(d, k_shell);
  ASSERT_FALSE(spec);
  EXPECT_NE(spec.error().message.find("cannot save 'db'"), std::string::npos);
  EXPECT_NE(spec.error().message.find("SIGFOO"), std::string::npos);
  d = db_detail();
  d["command"] = json::array{};
  EXPECT_FALSE(process_from_detail(d, k_shell));
}

TEST(SavedProject, TheCommonProjectElseTheFolders) {
  EXPECT_EQ(saved_project({api_detail(), db_detail()}, "/home/u/other"), "shop");
  json::object blog = db_detail();
  blog["project"] = "blog";
  EXPECT_EQ(saved_project({api_detail(), blog}, "/home/u/other"), "other");
  blog.erase("project");  // started by hand
  EXPECT_EQ(saved_project({api_detail(), blog}, "/home/u/other"), "other");
  EXPECT_EQ(saved_project({blog}, "/"), "app");
}

TEST(WithDependencies, AddsWhatTheSelectedDependOnOnceAndSkipsTheUnregistered) {
  json::object web = parse_object(R"({"name": "web", "settings": {"after": [
      {"name": "api", "condition": "ready"}, {"name": "gone", "condition": "ready"}]}})");
  const json::object api = api_detail();  // after db
  const json::object db = db_detail();
  const auto lookup = [&](const std::string& name) -> const json::object* {
    if (name == "web") return &web;
    if (name == "api") return &api;
    if (name == "db") return &db;
    return nullptr;
  };
  EXPECT_EQ(with_dependencies({"web"}, lookup), (std::vector<std::string>{"web", "api", "db"}));
  EXPECT_EQ(with_dependencies({"db", "api"}, lookup), (std::vector<std::string>{"db", "api"}));
  EXPECT_EQ(with_dependencies({"nope"}, lookup), std::vector<std::string>{});
}

TEST(SavedApp, InstancesInOrderUnknownDependenciesDroppedAndTheFileReadsBack) {
  std::vector<json::object> details;
  for (int i : {10, 2, 0, 1, 3, 4, 5, 6, 7, 8, 9}) {
    json::object w = db_detail();
    w["name"] = "worker:" + std::to_string(i);
    w["env"] = json::array{"BGO_INSTANCE=" + std::to_string(i)};
    details.push_back(std::move(w));
  }
  details.push_back(api_detail());
  json::object lone = db_detail();
  lone["name"] = "lone";
  lone["settings"].as_object()["after"] = json::array{parse_object(R"({"name": "x"})")};
  details.push_back(std::move(lone));
  json::object with_db = db_detail();
  details.push_back(with_db);  // api's dependency

  auto saved = saved_app(details, k_shell, "/srv/shop");
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(saved->app.project, "shop");
  ASSERT_EQ(saved->app.processes.size(), 14U);
  EXPECT_EQ(saved->app.processes[0].name, "api");
  EXPECT_EQ(saved->app.processes[1].name, "db");
  EXPECT_EQ(saved->app.processes[2].name, "lone");
  EXPECT_EQ(saved->app.processes[3].name, "worker:0");
  EXPECT_EQ(saved->app.processes[13].name, "worker:10");
  EXPECT_TRUE(saved->app.processes[2].policy.after.empty());
  ASSERT_EQ(saved->notes.size(), 1U);
  EXPECT_NE(saved->notes[0].find("'lone' depends on 'x'"), std::string::npos);

  // Written and read back: the same processes and settings, instances merged again.
  const std::string text = write_bgo_yaml(saved->app, "/srv/shop", "saved");
  EXPECT_NE(text.find("  worker:\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    instances: 11\n"), std::string::npos) << text;
  ParseOptions options;
  options.cwd = "/srv/shop";
  std::istringstream in(text);
  auto back = load_bgo_file("-", in, options);
  ASSERT_TRUE(back) << back.error().to_string() << "\n" << text;
  EXPECT_EQ(back->project, "shop");
  ASSERT_EQ(back->processes.size(), 14U);
  const ProcessSpec& api = back->processes[0];
  EXPECT_EQ(api.name, "api");
  EXPECT_EQ(api.command, saved->app.processes[0].command);  // `$PORT` stays literal
  EXPECT_EQ(api.cwd, "/srv/shop/api");
  EXPECT_EQ(api.env, saved->app.processes[0].env);
  EXPECT_EQ(api.policy.restart, RestartPolicy::always);
  EXPECT_EQ(api.min_uptime, 3);
  EXPECT_EQ(api.on_fast_crash, "stop");
  EXPECT_EQ(api.policy.stop_signal, SIGINT);
  EXPECT_EQ(api.policy.stop_timeout_ms, 7000);
  EXPECT_EQ(api.policy.max_memory, 268435456U);
  EXPECT_EQ(api.policy.ready->interval_ms, 500);
  EXPECT_EQ(api.logs->files, 3);
  EXPECT_EQ(api.autostart, AutostartPolicy::always);
  const ProcessSpec& db = back->processes[1];
  EXPECT_EQ(db.cwd, "/");
  EXPECT_EQ(db.policy.restart, RestartPolicy::never);
  EXPECT_EQ(db.policy.cron, "0 4 * * *");
  EXPECT_EQ(db.policy.kill_mode, KillMode::group);
  EXPECT_EQ(back->processes[13].name, "worker:10");
  EXPECT_EQ(back->processes[13].env.at("BGO_INSTANCE"), "10");
}

TEST(SavedApp, AWatchdogIsWrittenBack) {
  json::object d = db_detail();
  d["settings"] = parse_object(R"({"ready": {"kind": "notify", "target": "",
      "interval_ms": 1000, "timeout_ms": 60000}, "watchdog_ms": 30000})");
  auto saved = saved_app({d}, k_shell, "/srv/shop");
  ASSERT_TRUE(saved);
  const std::string text = write_bgo_yaml(saved->app, "/srv/shop", "");
  EXPECT_NE(text.find("    watchdog: 30s\n"), std::string::npos) << text;
  std::istringstream in(text);
  ParseOptions options;
  options.cwd = "/srv/shop";
  auto back = load_bgo_file("-", in, options);
  ASSERT_TRUE(back) << back.error().to_string() << "\n" << text;
  EXPECT_EQ(back->processes[0].policy.watchdog_ms, 30000);
}

}  // namespace
}  // namespace bgo::app
