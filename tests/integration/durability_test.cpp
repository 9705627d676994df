// SPDX-License-Identifier: MIT
// A power cut, simulated: bgod is killed (SIGKILL: no shutdown, no last write) right after each
// reply that promises a state, and the state files, read from disk with proto's loader, must
// hold every state a client was told about (docs/architecture.md, "What is durable when").
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>

#include <boost/json.hpp>

#include "common/home_dir.hpp"
#include "proto/state_dir.hpp"
#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/raw_client.hpp"
#include "tests/support/wait_until.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class DurabilityTest : public DaemonTest {
 protected:
  // One request on a fresh connection, bgod started first when none runs; its `result`, or
  // null after a test failure.
  json::value call(const std::string& method, json::object params) {
    if (!pid_alive(daemon_pid())) {
      const RunResult r = bgo({"daemon", "start"});
      EXPECT_EQ(r.code, 0) << r.err;
    }
    RawClient c(home_ / "bgo.sock");
    EXPECT_TRUE(c.ok());
    const json::object request{
        {"jsonrpc", "2.0"}, {"id", 1}, {"method", method}, {"params", std::move(params)}};
    EXPECT_TRUE(c.send(json::serialize(request) + "\n"));
    const std::optional<std::string> line = c.line();
    EXPECT_TRUE(line.has_value()) << method << ": no reply";
    if (!line) return nullptr;
    json::value reply = json::parse(*line);
    const json::value* result = reply.as_object().if_contains("result");
    EXPECT_NE(result, nullptr) << *line;
    return result != nullptr ? *result : json::value(nullptr);
  }

  // Kills bgod at once and waits until it is gone: what it had not written is lost.
  void power_cut() {
    const pid_t daemon = daemon_pid();
    ASSERT_GT(daemon, 0);
    ASSERT_EQ(::kill(daemon, SIGKILL), 0);
    ASSERT_TRUE(wait_until([&] { return !pid_alive(daemon); }, 5s));
  }

  // The state files as a new bgod would load them.
  std::map<std::string, ProcessRecord> on_disk() {
    std::map<std::string, ProcessRecord> out;
    auto dir = open_trusted_dir(home_ / "procs");
    EXPECT_TRUE(dir) << dir.error().message;
    if (!dir) return out;
    auto loaded = proto::load_state_dir(dir->get(), home_ / "procs");
    EXPECT_TRUE(loaded.skipped.empty()) << loaded.skipped.front().error;
    for (auto& r : loaded.records) out[r.name] = r;
    return out;
  }

  json::object start_params(const std::string& name) {
    json::array command;
    for (const auto& a : child({"--tag", name})) command.emplace_back(a);
    return json::object{{"name", name}, {"command", std::move(command)}, {"cwd", "/"}};
  }
};

// Six rounds (14 cuts, a few seconds; about 1 s per round under ASan on a loaded machine);
// BGO_DURABILITY_ROUNDS=N runs more by hand.
TEST_F(DurabilityTest, EveryAcknowledgedStateIsOnDiskRightAfterTheReply) {
  const char* asked = std::getenv("BGO_DURABILITY_ROUNDS");
  const int rounds = asked != nullptr ? static_cast<int>(std::strtol(asked, nullptr, 10)) : 6;
  int cuts = 0;
  for (int round = 0; round < rounds; ++round) {
    const std::string name = "p" + std::to_string(round % 3);

    const json::value started = call("start", start_params(name));
    ASSERT_TRUE(started.is_object());
    const auto pid = static_cast<pid_t>(started.at("pid").as_int64());
    extra_pids_.push_back(pid);
    power_cut();
    ++cuts;
    auto disk = on_disk();
    ASSERT_EQ(disk.count(name), 1U) << "round " << round << ": the started " << name;
    EXPECT_EQ(disk[name].status, RecordStatus::running) << round;
    EXPECT_EQ(disk[name].pid, pid) << round;

    // The next bgod adopts it; the stop is on disk before its answer.
    ASSERT_TRUE(call("stop", json::object{{"name", name}}).is_object());
    power_cut();
    ++cuts;
    EXPECT_FALSE(pid_alive(pid)) << round;
    disk = on_disk();
    ASSERT_EQ(disk.count(name), 1U) << round;
    EXPECT_EQ(disk[name].status, RecordStatus::stopped) << round;
    EXPECT_EQ(disk[name].stop_reason, StopReason::user) << round;

    // Every third round the name is deleted: its file is gone before the answer.
    if (round % 3 == 2) {
      ASSERT_TRUE(call("delete", json::object{{"name", name}}).is_object());
      power_cut();
      ++cuts;
      EXPECT_EQ(on_disk().count(name), 0U) << round;
    }
  }
  if (!HasFailure()) {
    std::cout << "durability: " << cuts << " kill -9 of bgod right after a reply, 0 states lost\n";
  }
}

}  // namespace
}  // namespace bgo::test
