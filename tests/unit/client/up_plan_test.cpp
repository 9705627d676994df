// SPDX-License-Identifier: MIT
// `bgo up` decided before it acts (client/app/up_plan) and followed while it acts
// (client/app/up_progress): the plan against what bgod has, the definition hash, the start
// params, the stop waves of `bgo down`, and the progress fed by start answers and events.
#include "client/app/up_plan.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/app/bgo_file.hpp"
#include "client/app/up_progress.hpp"

namespace bgo::app {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

constexpr const char* k_file = R"(version: 1
name: shop
processes:
  db:
    command: [postgres, -D, ./data]
    ready: {tcp: "127.0.0.1:5432"}
  migrate:
    command: ./migrate
    restart: never
    depends_on: {db: ready}
  api:
    command: node server.js
    instances: 2
    env: {PORT: "3000"}
    port_offset: true
    depends_on: {migrate: succeeded}
  tool:
    command: [sleep, "100"]
)";

AppSpec load(const std::string& text = k_file) {
  ParseOptions options;
  options.cwd = "/srv/shop";
  auto app = parse_bgo_file(text, "/srv/shop/bgo.yaml", options);
  EXPECT_TRUE(app) << (app ? "" : app.error().to_string());
  return app ? std::move(*app) : AppSpec{};
}

Registered reg(const std::string& name, const AppSpec& app, std::string status = "online",
               std::optional<std::string> project = "shop") {
  Registered r;
  r.name = name;
  r.project = std::move(project);
  r.status = std::move(status);
  for (const auto& p : app.processes) {
    if (p.name == name) r.definition = definition_hash(p);
  }
  return r;
}

std::vector<std::string> names(const UpPlan& plan) {
  std::vector<std::string> out;
  for (const auto& s : plan.steps) out.push_back(s.name);
  return out;
}

TEST(UpPlan, AFreshHomeStartsEverythingDependenciesFirst) {
  const AppSpec app = load();
  const UpPlan plan = plan_up(app, {}, {});
  EXPECT_EQ(names(plan), (std::vector<std::string>{"db", "migrate", "api:0", "api:1", "tool"}));
  for (const auto& s : plan.steps) EXPECT_EQ(s.action, UpAction::start) << s.name;
  EXPECT_TRUE(plan.orphans.empty());
  EXPECT_TRUE(plan.clashes.empty());
}

TEST(UpPlan, ASecondUpKeepsWhatRunsAndRestartsOnlyWhatChanged) {
  const AppSpec before = load();
  std::vector<Registered> registered;
  for (const auto& p : before.processes) registered.push_back(reg(p.name, before));
  registered[1].status = "stopped";  // migrate ran and succeeded
  registered[1].stop_reason = "exited";
  registered[1].exit_code = 0;
  UpPlan plan = plan_up(before, registered, {});
  for (const auto& s : plan.steps) EXPECT_EQ(s.action, UpAction::keep) << s.name << " " << s.why;
  EXPECT_EQ(plan.steps[1].why, "completed");

  std::string text = k_file;
  text.replace(text.find("node server.js"), 14, "node server2.js");
  const AppSpec after = load(text);
  plan = plan_up(after, registered, {});
  for (const auto& s : plan.steps) {
    const bool api = s.name.rfind("api:", 0) == 0;
    EXPECT_EQ(s.action, api ? UpAction::restart : UpAction::keep) << s.name;
  }
}

TEST(UpPlan, StoppedOrCrashedProcessesStartAgainAndAFailedOneShotRunsAgain) {
  const AppSpec app = load();
  std::vector<Registered> registered = {reg("db", app, "stopped"), reg("migrate", app, "stopped")};
  registered[0].stop_reason = "user";
  registered[1].stop_reason = "crashed";
  registered[1].exit_code = 1;
  const UpPlan plan = plan_up(app, registered, {});
  EXPECT_EQ(plan.steps[0].action, UpAction::start);
  EXPECT_EQ(plan.steps[0].why, "stopped");
  EXPECT_EQ(plan.steps[1].action, UpAction::start);
  EXPECT_EQ(plan.steps[1].why, "not running");
}

TEST(UpPlan, OrphansAndClashesAreFound) {
  const AppSpec app = load();
  std::vector<Registered> registered = {reg("old", app), reg("tool", app, "online", "blog"),
                                        reg("db", app, "online", std::nullopt),
                                        reg("other", app, "online", "blog")};
  const UpPlan plan = plan_up(app, registered, {});
  EXPECT_EQ(plan.orphans, std::vector<std::string>{"old"}) << "only the project's own";
  ASSERT_EQ(plan.clashes.size(), 2U);
  EXPECT_EQ(plan.clashes[0],
            "Process 'db' exists outside the project (started by hand): "
            "delete it or rename it in the file");
  EXPECT_EQ(plan.clashes[1], "Process 'tool' belongs to project 'blog'");
}

TEST(UpPlan, NamesBringTheirDependenciesUnlessNoDeps) {
  const AppSpec app = load();
  UpPlan plan = plan_up(app, {}, UpSelection{{"api"}, true});
  EXPECT_EQ(names(plan), (std::vector<std::string>{"db", "migrate", "api:0", "api:1"}));
  plan = plan_up(app, {}, UpSelection{{"api:1"}, false});
  EXPECT_EQ(names(plan), std::vector<std::string>{"api:1"});
  EXPECT_THROW(plan_up(app, {}, UpSelection{{"ap"}, true}), std::invalid_argument);
}

TEST(UpPlan, TheHashFollowsTheDefinitionOnly) {
  const AppSpec a = load();
  const AppSpec b = load();
  EXPECT_EQ(definition_hash(a.processes[0]), definition_hash(b.processes[0]));
  EXPECT_EQ(definition_hash(a.processes[0]).size(), 16U);
  EXPECT_NE(definition_hash(a.processes[2]), definition_hash(a.processes[3]))
      << "two instances differ (BGO_INSTANCE, PORT)";
  std::string text = k_file;
  text.replace(text.find("127.0.0.1:5432"), 14, "127.0.0.1:5433");
  EXPECT_NE(definition_hash(load(text).processes[0]), definition_hash(a.processes[0]));
}

TEST(UpPlan, StartParamsCarryTheFileOverBgosEnvironment) {
  const AppSpec app = load();
  const ProcessSpec& api1 = app.processes[3];
  const json::object p = start_params(api1, "shop", "abc", {"PATH=/bin", "PORT=1"});
  EXPECT_EQ(p.at("name"), "api:1");
  EXPECT_EQ(p.at("project"), "shop");
  EXPECT_EQ(p.at("definition"), "abc");
  EXPECT_EQ(p.at("cwd"), "/srv/shop");
  const json::array& env = p.at("env").as_array();
  EXPECT_NE(std::find(env.begin(), env.end(), json::value("PATH=/bin")), env.end());
  EXPECT_NE(std::find(env.begin(), env.end(), json::value("PORT=3001")), env.end());
  EXPECT_EQ(std::find(env.begin(), env.end(), json::value("PORT=1")), env.end());
  ASSERT_TRUE(p.contains("after"));
  EXPECT_EQ(json::serialize(p.at("after")), R"([{"name":"migrate","condition":"succeeded"}])");
}

TEST(StopWaves, DependentsComeFirstAndIndependentOnesTogether) {
  const auto waves = stop_waves({"db", "migrate", "api:0", "api:1", "tool"},
                                {{}, {"db"}, {"migrate", "db"}, {"migrate"}, {}});
  ASSERT_EQ(waves.size(), 3U);
  EXPECT_EQ(waves[0], (std::vector<std::string>{"api:0", "api:1", "tool"}));
  EXPECT_EQ(waves[1], std::vector<std::string>{"migrate"});
  EXPECT_EQ(waves[2], std::vector<std::string>{"db"});
  EXPECT_EQ(stop_waves({"a", "b"}, {{"b"}, {"a"}}).size(), 2U) << "a cycle still ends";
}

// ---- progress -------------------------------------------------------------------------------

json::object event(const std::string& kind, const std::string& name, json::object more = {}) {
  more["kind"] = kind;
  more["name"] = name;
  return more;
}

TEST(UpTracker, FollowsStartsEventsAndReadiness) {
  const AppSpec app = load();
  const UpPlan plan = plan_up(app, {}, {});
  UpTracker t(plan);
  const auto now = Clock::now();
  EXPECT_FALSE(t.done());
  t.on_event(event("spawned", "db", {{"pid", 5}}), now);
  EXPECT_EQ(t.entries()[0].state, UpState::pending) << "not armed: an event of an older run";
  for (const auto& s : plan.steps) t.arm(s.name, now);
  t.on_event(event("spawned", "db", {{"pid", 5}}), now);
  t.on_start_result("db", json::object{{"pid", 5}}, now);
  EXPECT_EQ(t.entries()[0].state, UpState::starting);
  t.on_start_result("migrate", json::object{{"pid", 0}, {"waiting_for", {"db (ready)"}}}, now);
  EXPECT_EQ(t.entries()[1].state, UpState::waiting);
  EXPECT_EQ(t.entries()[1].detail, "db (ready)");
  t.on_event(event("ready", "db"), now);
  t.on_event(event("spawned", "migrate", {{"pid", 6}}), now);
  EXPECT_EQ(t.entries()[1].state, UpState::started);
  t.on_event(event("exited", "migrate", {{"exit_code", 0}, {"reason", "exit code 0"}}), now);
  EXPECT_EQ(t.entries()[1].state, UpState::completed);
  t.on_start_result("api:0", json::object{{"pid", 7}}, now);
  t.on_start_result("api:1", json::object{{"pid", 8}}, now);
  EXPECT_FALSE(t.done());
  t.on_start_result("tool", json::object{{"pid", 9}}, now);
  EXPECT_TRUE(t.done());
  EXPECT_TRUE(t.failed().empty());
}

TEST(UpTracker, AFailureIsKeptAndWhatWaitsForItIsFailedToo) {
  const AppSpec app = load();
  const UpPlan plan = plan_up(app, {}, {});
  UpTracker t(plan);
  const auto now = Clock::now();
  for (const auto& s : plan.steps) t.arm(s.name, now);
  t.on_start_result("db", json::object{{"pid", 5}}, now);
  t.on_start_result("migrate", json::object{{"pid", 0}, {"waiting_for", {"db (ready)"}}}, now);
  t.on_start_result("api:0", json::object{{"pid", 0}, {"waiting_for", {"x"}}}, now);
  t.on_start_result("api:1", json::object{{"pid", 0}, {"waiting_for", {"x"}}}, now);
  Error e = make_error(Errc::exited_at_once, "Process 'tool' failed to start");
  t.on_start_error("tool", e, now);
  t.on_event(event("exited", "tool", {{"exit_code", 3}, {"reason", "exit code 3"}}), now);
  EXPECT_EQ(t.entries()[4].detail, "Process 'tool' failed to start") << "the first word stays";
  EXPECT_FALSE(t.done());
  t.on_event(event("unready", "db", {{"reason", "no answer on 127.0.0.1:5432 after 60s"}}), now);
  EXPECT_TRUE(t.done()) << "the rest waits for a process that failed";
  EXPECT_EQ(t.failed(), (std::vector<std::string>{"db", "migrate", "api:0", "api:1", "tool"}));
}

TEST(UpTracker, AOneShotDoneWithinTheStartProbeHasCompleted) {
  const AppSpec app = load();
  const UpPlan plan = plan_up(app, {}, UpSelection{{"migrate"}, false});
  UpTracker t(plan);
  t.arm("migrate", Clock::now());
  Error quick = make_error(Errc::exited_at_once, "Process 'migrate' failed to start");
  quick.exit = ExitStatus::exited(0);
  t.on_start_error("migrate", quick, Clock::now());
  EXPECT_EQ(t.entries()[0].state, UpState::completed);
  EXPECT_TRUE(t.done());
  EXPECT_TRUE(t.failed().empty());

  UpTracker u(plan);
  u.arm("migrate", Clock::now());
  quick.exit = ExitStatus::exited(2);
  u.on_start_error("migrate", quick, Clock::now());
  EXPECT_EQ(u.failed(), std::vector<std::string>{"migrate"});
}

}  // namespace
}  // namespace bgo::app
