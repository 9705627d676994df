// SPDX-License-Identifier: MIT
// Fault scenario 6 (issue #17): 50 clients send conflicting start/stop/restart/delete for the
// same 10 names at once, each over its own connection with several requests in flight. Every
// request gets exactly one reply; afterwards bgod's list, the state files and /proc agree.
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/fault/fault_support.hpp"
#include "tests/integration/agreement.hpp"
#include "tests/integration/process_probe.hpp"
#include "tests/integration/raw_client.hpp"

extern char** environ;

namespace bgo::test::fault {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ConflictingClientsTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }

  json::object request(int64_t id, const std::string& method, json::object params) {
    return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
  }
};

TEST_F(ConflictingClientsTest, EveryRequestIsAnsweredOnceAndTheStateAgreesWithProc) {
  constexpr size_t k_clients = 50;
  constexpr size_t k_names = 10;
  const long rounds = count(3, 40);  // request bursts per client
  constexpr int k_in_flight = 4;     // requests sent before reading any reply
  const KillMarkedOnExit cleanup(marker());
  ASSERT_EQ(bgo({"status"}).code, 0);
  const pid_t daemon = daemon_pid();
  json::array env;
  for (const auto& kv : env_with_home(home_)) env.emplace_back(kv);
  const unsigned seed = std::random_device{}();
  const auto began = std::chrono::steady_clock::now();

  std::atomic<int64_t> sent{0};
  std::atomic<int64_t> answered{0};
  std::atomic<int64_t> errors{0};  // answered with an error: conflicts are expected
  std::mutex problems_mutex;
  std::vector<std::string> problems;  // lost, duplicated or stray replies
  in_parallel(k_clients, [&](size_t client) {
    std::mt19937 rng(seed + static_cast<unsigned>(client));
    RawClient conn(home_ / "bgo.sock");
    if (!conn.ok()) {
      const std::lock_guard<std::mutex> lock(problems_mutex);
      problems.push_back("client " + std::to_string(client) + " cannot connect");
      return;
    }
    int64_t next_id = 1;
    for (long round = 0; round < rounds; ++round) {
      std::map<int64_t, int> pending;  // id -> replies seen
      std::string burst;
      for (int i = 0; i < k_in_flight; ++i) {
        const std::string name = "n" + std::to_string(rng() % k_names);
        const int64_t id = next_id++;
        json::object params{{"name", name}};
        std::string method;
        switch (rng() % 4) {
          case 0:
            method = "start";
            params["command"] = json::array{bin("bgo_test_child"), "--tag", marker() + name};
            params["cwd"] = "/";
            params["env"] = env;
            break;
          case 1:
            method = "stop";
            params["timeout_ms"] = 2000;
            break;
          case 2:
            method = "restart";
            break;
          default:
            method = "delete";
            break;
        }
        burst += json::serialize(request(id, method, std::move(params))) + "\n";
        pending[id] = 0;
      }
      sent += k_in_flight;
      if (!conn.send(burst)) {
        const std::lock_guard<std::mutex> lock(problems_mutex);
        problems.push_back("client " + std::to_string(client) + ": send failed");
        return;
      }
      size_t open = pending.size();
      while (open > 0) {
        const json::value reply = conn.next(30s);
        if (reply.is_null()) break;
        const json::object& o = reply.as_object();
        if (o.contains("method")) continue;  // a notification
        const json::value* id = o.if_contains("id");
        auto it = id != nullptr && id->is_int64() ? pending.find(id->as_int64()) : pending.end();
        const std::lock_guard<std::mutex> lock(problems_mutex);
        if (it == pending.end()) {
          problems.push_back("stray reply " + json::serialize(reply));
        } else if (++it->second > 1) {
          problems.push_back("second reply " + json::serialize(reply));
        } else {
          --open;
          ++answered;
          if (o.contains("error")) ++errors;
        }
      }
      if (open > 0) {
        const std::lock_guard<std::mutex> lock(problems_mutex);
        problems.push_back("client " + std::to_string(client) + ": " + std::to_string(open) +
                           " requests never answered");
        return;
      }
    }
  });
  for (const auto& p : problems) ADD_FAILURE() << p << " (seed " << seed << ")";

  // Agreement (agreement.hpp), and each online entry's pid carries the name's tag. Settled when
  // seen twice in a row.
  std::string why;
  std::string previous = "-";
  auto snapshot = [&] {
    Agreement now = agreement(status_json(), home_, marked(marker(), true));
    why = std::move(now.why);
    for (const auto& [name, pid] : now.online) {
      if (tag_of(pid) != marker() + name)
        why += name + ": online as " + std::to_string(pid) + ", untagged; ";
    }
    return now.view;
  };
  const bool settled = wait_until(
      [&] {
        const std::string now = snapshot();
        const bool same = now == previous && why.empty();
        previous = now;
        return same;
      },
      10s);
  EXPECT_TRUE(settled) << why << " (seed " << seed << ", last view: " << previous << ")";
  EXPECT_EQ(sent.load(), answered.load());
  EXPECT_EQ(daemon_pid(), daemon);
  EXPECT_TRUE(pid_alive(daemon));

  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  figures("conflicting_clients",
          "clients=" + std::to_string(k_clients) + " names=" + std::to_string(k_names) +
              " requests=" + std::to_string(sent.load()) + " replies=" +
              std::to_string(answered.load()) + " error_replies=" + std::to_string(errors.load()) +
              " problems=" + std::to_string(problems.size()) + " agreed=" +
              (settled ? "yes" : "no") + " seconds=" + std::to_string(static_cast<int>(seconds)));
}

}  // namespace
}  // namespace bgo::test::fault
