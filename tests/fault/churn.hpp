// SPDX-License-Identifier: MIT
// The churn the kill -9 and live-upgrade scenarios run bgod under: writers printing numbered
// lines at full speed, writers of finite runs, crash loops, and clients racing start, stop,
// restart and delete over a set of names.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/fault/fault_support.hpp"

namespace bgo::test::fault {

struct ChurnSizes {
  long writers = 0;          // w*: bursts of numbered lines, forever, watched
  long exiting_writers = 0;  // x*: `seq_per_run` lines, exit after 300 ms, watched
  long loopers = 0;          // k*: exit 3 after 150 ms, watched
  long churners = 0;         // c*: the names the clients race over
  long clients = 0;
  int64_t seq_per_run = 2000;
};

// True for a failure of the call itself (connection refused, closed or silent), as opposed to
// an answer bgod gave (a conflict, an unknown name).
bool is_transport_failure(const RunResult& r);

class Churn {
 public:
  // `run` runs `bgo ARGS` (with a time limit); `start` starts a name with bgo_test_child and
  // the given arguments and `bgo start` options, failing the test if it cannot.
  using Run = std::function<RunResult(const std::vector<std::string>& args)>;
  using Start = std::function<void(const std::string& name, const std::vector<std::string>& args,
                                   const std::vector<std::string>& opts)>;
  Churn(ChurnSizes sizes, std::string marker, Run run, Start start);
  ~Churn();  // stops the clients
  Churn(const Churn&) = delete;
  Churn& operator=(const Churn&) = delete;

  // The `--tag` every process of `name` carries: the marker and the name.
  std::string tag(const std::string& name) const { return marker_ + name; }
  // Starts the writers, the finite writers and the crash loops.
  void start_fixed();
  // Starts the clients (seeded with `seed`), and stops and joins them.
  void start_clients(unsigned seed);
  void stop_clients();

  const std::vector<std::string>& fixed() const { return fixed_; }
  int64_t calls() const { return calls_; }
  int64_t failed_calls() const { return failed_; }
  int64_t transport_failures() const { return transport_; }
  // Calls that hung or crashed the client (exit code above 1), and the first transport failure.
  const std::vector<std::string>& odd() const { return odd_; }
  const std::string& first_transport_failure() const { return first_transport_; }
  // Restarts of writer `name` the clients asked for, and those that were answered with success.
  int64_t writer_restarts_asked(const std::string& name) const;
  int64_t writer_restarts_done(const std::string& name) const;

  // The numbered lines of the writers' logs (no run has a fixed length), and of the finite
  // writers' logs (each run but the last must reach seq_per_run).
  SeqReport writer_logs(const std::filesystem::path& home) const;
  SeqReport exiting_logs(const std::filesystem::path& home) const;

 private:
  void client(unsigned seed);

  ChurnSizes sizes_;
  std::string marker_;
  Run run_;
  Start start_;
  std::vector<std::string> fixed_;
  std::vector<std::thread> clients_;
  std::atomic<bool> done_{false};
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> transport_{0};
  mutable std::mutex mutex_;  // guards what follows
  std::vector<std::string> odd_;
  std::string first_transport_;
  std::map<std::string, int64_t> restarts_asked_;
  std::map<std::string, int64_t> restarts_done_;
};

}  // namespace bgo::test::fault
