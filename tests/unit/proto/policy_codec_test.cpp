// SPDX-License-Identifier: MIT
// The health and order settings as JSON: every value checked with the key named, and the
// state file keeps them (or, when unreadable, keeps them verbatim as unknown keys).
#include "proto/policy_codec.hpp"

#include <csignal>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "proto/state_codec.hpp"

namespace bgo::proto {
namespace {

namespace json = boost::json;

Result<ProcessPolicy> parse(std::string_view text) {
  return parse_policy(json::parse(text).as_object());
}

// The error's parameter and message, for a refused text.
std::pair<std::string, std::string> refusal(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r) << text;
  if (r) return {};
  return {r.error().param.value_or(""), r.error().message};
}

TEST(PolicyCodec, ReadsEverySetting) {
  auto p = parse(R"({
    "ready": {"kind": "http", "target": "http://127.0.0.1:8080/health", "interval_ms": 500,
              "timeout_ms": 30000},
    "live": {"kind": "exec", "target": "curl -f localhost", "command": ["curl", "-f", "localhost"],
             "failures": 5},
    "after": [{"name": "db", "condition": "succeeded"}, "cache"],
    "restart": "on-failure", "success_codes": [0, 3], "stop_signal": "INT",
    "stop_timeout_ms": 1500, "kill_mode": "group", "cron": "0 4 * * *", "max_memory": 268435456})");
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_TRUE(p->ready);
  EXPECT_EQ(p->ready->kind, CheckKind::http);
  EXPECT_EQ(p->ready->interval_ms, 500);
  EXPECT_EQ(p->ready->timeout_ms, 30000);
  ASSERT_TRUE(p->live);
  EXPECT_EQ(p->live->command, (std::vector<std::string>{"curl", "-f", "localhost"}));
  EXPECT_EQ(p->live->failures, 5);
  EXPECT_EQ(p->live->interval_ms, 10000) << "liveness default";
  EXPECT_EQ(p->live->timeout_ms, 5000) << "one attempt: min(interval, 5 s)";
  ASSERT_EQ(p->after.size(), 2U);
  EXPECT_EQ(p->after[0].condition, DependencyCondition::succeeded);
  EXPECT_EQ(p->after[1].name, "cache");
  EXPECT_EQ(p->after[1].condition, DependencyCondition::ready) << "the default condition";
  EXPECT_EQ(p->restart, RestartPolicy::on_failure);
  EXPECT_TRUE(p->is_success(3));
  EXPECT_FALSE(p->is_success(1));
  EXPECT_EQ(p->stop_signal, SIGINT);
  EXPECT_EQ(p->kill_mode, KillMode::group);
  EXPECT_EQ(p->max_memory, 268435456U);
}

TEST(PolicyCodec, NothingSetIsEmptyAndWritesNoKey) {
  auto p = parse(R"({"name": "x", "command": ["a"]})");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->empty());
  json::object o;
  put_policy(o, *p);
  EXPECT_TRUE(o.empty());
  EXPECT_TRUE(ProcessPolicy{}.is_success(0));
}

TEST(PolicyCodec, EachBadValueIsRefusedNamingTheKeyAndTheValue) {
  auto [param, message] = refusal(R"({"stop_signal": "SIGFOO"})");
  EXPECT_EQ(param, "stop_signal");
  EXPECT_NE(message.find("SIGFOO"), std::string::npos) << message;
  std::tie(param, message) = refusal(R"({"ready": {"kind": "log", "target": "("}})");
  EXPECT_EQ(param, "ready");
  EXPECT_NE(message.find("invalid regex '('"), std::string::npos) << message;
  std::tie(param, message) = refusal(R"({"ready": {"kind": "http", "target": "localhost"}})");
  EXPECT_EQ(param, "ready");
  std::tie(param, message) = refusal(R"({"ready": {"kind": "tcp", "target": "host"}})");
  EXPECT_EQ(param, "ready");
  std::tie(param, message) = refusal(R"({"live": {"kind": "log", "target": "x"}})");
  EXPECT_EQ(param, "live") << "liveness has no log check";
  std::tie(param, message) = refusal(R"({"watchdog_ms": 1000})");
  EXPECT_EQ(param, "watchdog_ms");
  EXPECT_NE(message.find("--ready-notify"), std::string::npos) << message;
  std::tie(param, message) = refusal(R"({"cron": "61 * * * *"})");
  EXPECT_EQ(param, "cron");
  EXPECT_NE(message.find("61 * * * *"), std::string::npos) << message;
  std::tie(param, message) = refusal(R"({"after": [{"name": "db", "condition": "up"}]})");
  EXPECT_EQ(param, "after");
  std::tie(param, message) = refusal(R"({"after": ["db", "db"]})");
  EXPECT_EQ(param, "after");
  std::tie(param, message) = refusal(R"({"restart": "sometimes"})");
  EXPECT_EQ(param, "restart");
  std::tie(param, message) = refusal(R"({"success_codes": [256]})");
  EXPECT_EQ(param, "success_codes");
  std::tie(param, message) = refusal(R"({"kill_mode": "all"})");
  EXPECT_EQ(param, "kill_mode");
  std::tie(param, message) = refusal(R"({"max_memory": 10})");
  EXPECT_EQ(param, "max_memory");
  std::tie(param, message) = refusal(R"({"stop_timeout_ms": -1})");
  EXPECT_EQ(param, "stop_timeout_ms");
}

TEST(PolicyCodec, TheStateFileKeepsTheSettingsAfterTheOthers) {
  auto p = parse(R"({"ready": {"kind": "notify"}, "watchdog_ms": 3000, "stop_signal": 2,
                     "after": [{"name": "db", "condition": "started"}]})");
  ASSERT_TRUE(p);
  ProcessRecord r;
  r.name = "api";
  r.command = {"/bin/api"};
  r.policy = *p;
  const std::string text = serialize_state(r);
  EXPECT_LT(text.find("\"status\""), text.find("\"ready\"")) << "after the original's keys";
  EXPECT_NE(text.find("\"stop_signal\": \"SIGINT\""), std::string::npos) << text;
  auto back = parse_state(text, "api");
  ASSERT_TRUE(back);
  ASSERT_TRUE(back->policy->ready);
  EXPECT_EQ(back->policy->ready->kind, CheckKind::notify);
  EXPECT_EQ(back->policy->watchdog_ms, 3000);
  EXPECT_EQ(back->policy->after.at(0).condition, DependencyCondition::started);
  EXPECT_EQ(serialize_state(*back), text);
}

TEST(PolicyCodec, TheProjectAndDefinitionComeLastAndRoundTrip) {
  ProcessRecord r;
  r.name = "api";
  r.command = {"/bin/api"};
  r.policy.edit().stop_timeout_ms = 3000;
  r.project = "shop";
  r.definition = "9f2c";
  const std::string text = serialize_state(r);
  EXPECT_LT(text.find("\"stop_timeout_ms\""), text.find("\"project\"")) << text;
  auto back = parse_state(text, "api");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->project, std::optional<std::string>("shop"));
  EXPECT_EQ(back->definition, std::optional<std::string>("9f2c"));
  EXPECT_TRUE(back->extra.empty()) << "known keys, not unknown ones";
  EXPECT_EQ(serialize_state(*back), text);
  r.project.reset();
  r.definition.reset();
  EXPECT_EQ(serialize_state(r).find("project"), std::string::npos);
}

TEST(PolicyCodec, AnUnreadableSettingInAFileIsKeptVerbatimAndIgnored) {
  const std::string text =
      R"({"name": "x", "command": ["/bin/x"], "status": "stopped", "stop_signal": "SIGNOPE"})";
  auto r = parse_state(text, "x");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->policy.empty());
  EXPECT_NE(serialize_state(*r).find("\"stop_signal\": \"SIGNOPE\""), std::string::npos);
}

}  // namespace
}  // namespace bgo::proto
