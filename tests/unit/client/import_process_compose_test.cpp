// SPDX-License-Identifier: MIT
// process-compose imports against what process-compose runs: its shell, env layers, ${VAR}
// expansion, templates, dependency conditions, probes, availability, shutdown, replicas.
#include <fstream>

#include <gtest/gtest.h>

#include "client/app/import.hpp"
#include "tests/unit/client/import_test_support.hpp"

namespace bgo::app {
namespace {

using test::find_process;
using test::fixture;
using test::reported;

ImportOptions options() {
  ImportOptions o;
  o.environment = std::map<std::string, std::string>{{"HOME", "/home/t"}};
  return o;
}

TEST(ImportProcessCompose, ReadmeExample) {
  auto app = import_file(fixture("process-compose/readme/process-compose.yaml"),
                         ImportFormat::process_compose, options());
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_EQ(app->processes.size(), 7U);
  const ProcessSpec* manager = find_process(*app, "Manager");
  ASSERT_NE(manager, nullptr);
  EXPECT_EQ(manager->command, std::vector<std::string>{"/path/to/manager"});
  EXPECT_EQ(manager->env.at("GLOBAL_ENV_VAR"), "1");
  EXPECT_EQ(manager->policy.restart, RestartPolicy::always);
  EXPECT_TRUE(manager->watch);
  EXPECT_EQ(manager->on_fast_crash, "retry");  // no max_restarts: never gives up
  ASSERT_EQ(manager->policy.after.size(), 2U);
  EXPECT_EQ(manager->policy.after[0].name, "ClientA");
  EXPECT_EQ(manager->policy.after[0].condition, DependencyCondition::started);
  const ProcessSpec* client_a = find_process(*app, "ClientA");
  ASSERT_NE(client_a, nullptr);
  EXPECT_EQ(client_a->env.at("LOCAL_ENV_VAR"), "1");
  EXPECT_EQ(client_a->policy.after[1].condition, DependencyCondition::succeeded);
  const ProcessSpec* client_b = find_process(*app, "ClientB");
  EXPECT_EQ(client_b->command, (std::vector<std::string>{"/path/to/ClientB", "-some", "-arg"}));
  EXPECT_EQ(find_process(*app, "Server_2A")->policy.restart, RestartPolicy::never);
  EXPECT_EQ(client_b->policy.stop_timeout_ms, 10000);
  EXPECT_NE(reported(*app, "", "log_location"), "");
  EXPECT_NE(reported(*app, "", "log_level"), "");
}

TEST(ImportProcessCompose, ProbesEnvTemplatesReplicas) {
  auto app = import_file(fixture("process-compose/probes/process-compose.yaml"),
                         ImportFormat::process_compose, options());
  ASSERT_TRUE(app) << app.error().message;
  const ProcessSpec* pg = find_process(*app, "postgres");
  ASSERT_NE(pg, nullptr);
  // ${PG_PORT} from .env; $$ is a literal $ left for the shell.
  EXPECT_EQ(pg->command,
            (std::vector<std::string>{"bash", "-c", "postgres -p 5433 -D ${PGDATA:-./data}"}));
  EXPECT_EQ(pg->env.at("PG_PORT"), "5433");
  EXPECT_EQ(pg->env.at("API_TOKEN"), "s3cr3t");
  ASSERT_TRUE(pg->policy.ready);
  EXPECT_EQ(pg->policy.ready->kind, CheckKind::exec);
  EXPECT_EQ(pg->policy.ready->command,
            (std::vector<std::string>{"pg_isready", "-h", "localhost", "-p", "5433"}));
  EXPECT_EQ(pg->policy.ready->interval_ms, 10000);
  EXPECT_EQ(pg->policy.ready->timeout_ms, (2 + 10 * 5) * 1000);
  EXPECT_EQ(pg->policy.stop_signal, 2);
  EXPECT_EQ(pg->policy.stop_timeout_ms, 15000);

  const ProcessSpec* api = find_process(*app, "api");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->command, (std::vector<std::string>{"./api", "--log-level", "info"}));
  EXPECT_EQ(api->cwd, fixture("process-compose/probes/services/api"));
  EXPECT_EQ(api->env.at("DATABASE_URL"), "postgres://localhost:5433/app");
  EXPECT_EQ(api->policy.after.at(0).condition, DependencyCondition::ready);
  ASSERT_TRUE(api->policy.ready && api->policy.live);
  EXPECT_EQ(api->policy.ready->target, "http://127.0.0.1:8080/ready");
  EXPECT_EQ(api->policy.live->target, "http://127.0.0.1:8080/health");
  EXPECT_EQ(api->policy.live->interval_ms, 15000);
  EXPECT_EQ(api->policy.live->failures, 2);
  EXPECT_EQ(api->policy.live->timeout_ms, 1000);
  EXPECT_EQ(api->policy.restart, RestartPolicy::on_failure);  // from the merged anchor
  EXPECT_EQ(api->on_fast_crash, "backoff");
  for (const char* key : {"availability.backoff_seconds", "liveness_probe.initial_delay_seconds",
                          "shutdown.command"}) {
    EXPECT_NE(reported(*app, "api", key), "") << key;
  }

  // Replicas whose commands differ (a template): processes of their own, named as
  // process-compose names them, depending on api.
  const ProcessSpec* w2 = find_process(*app, "worker-2");
  ASSERT_NE(w2, nullptr);
  EXPECT_EQ(w2->command, (std::vector<std::string>{"python", "-m", "worker", "--id", "2"}));
  EXPECT_EQ(w2->env.at("WORKER_QUEUE"), "default");  // env_file
  EXPECT_EQ(w2->env.at("PC_REPLICA_NUM"), "2");
  // Alike replicas: bgo instances; a dependency on nginx would name both.
  const ProcessSpec* nginx1 = find_process(*app, "nginx:1");
  ASSERT_NE(nginx1, nullptr);
  EXPECT_EQ(nginx1->env.at("BGO_INSTANCE"), "1");
  ASSERT_TRUE(nginx1->policy.ready);
  EXPECT_EQ(nginx1->policy.ready->kind, CheckKind::log);
  EXPECT_EQ(nginx1->policy.ready->target, "start worker process");
  EXPECT_EQ(nginx1->autostart, AutostartPolicy::never);  // disabled
  EXPECT_NE(reported(*app, "nginx", "disabled"), "");
  EXPECT_NE(reported(*app, "nginx", "PC_REPLICA_NUM"), "");
  EXPECT_EQ(reported(*app, "nginx", "is_daemon"), "");  // false: nothing to report

  const ProcessSpec* docs = find_process(*app, "docs");
  ASSERT_NE(docs, nullptr);
  EXPECT_EQ(docs->command, (std::vector<std::string>{"mkdocs", "serve", "-a", "127.0.0.1:8000"}));
  EXPECT_EQ(docs->policy.cron, "0 4 * * *");
  EXPECT_NE(reported(*app, "docs", "is_tty"), "");
}

TEST(ImportProcessCompose, UnsetVariablesExpandEmptyAndAreReported) {
  const std::string path = ::testing::TempDir() + "/process-compose.yaml";
  {
    std::ofstream out(path);
    out << "processes:\n  a:\n    command: \"run --home ${HOME} --x $NOPE_X ${NOPE_Y:-dflt}\"\n";
  }
  auto app = import_file(path, ImportFormat::process_compose, options());
  ASSERT_TRUE(app) << app.error().message;
  EXPECT_EQ(app->processes.at(0).command,
            (std::vector<std::string>{"run", "--home", "/home/t", "--x", "dflt"}));
  EXPECT_NE(reported(*app, "", "${NOPE_X}"), "");
  EXPECT_EQ(reported(*app, "", "${NOPE_Y}"), "");  // it has a default
}

TEST(ImportProcessCompose, Errors) {
  ImportOptions o = options();
  auto app = import_file(fixture("procfile/node/Procfile"), ImportFormat::process_compose, o);
  ASSERT_FALSE(app);
  EXPECT_NE(app.error().message.find("processes"), std::string::npos) << app.error().message;
}

}  // namespace
}  // namespace bgo::app
