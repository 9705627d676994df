// SPDX-License-Identifier: MIT
// Churn: the processes and clients the kill -9 and live-upgrade scenarios run under.
#include "tests/fault/churn.hpp"

#include <cstdlib>
#include <iostream>
#include <random>

namespace bgo::test::fault {

bool is_transport_failure(const RunResult& r) {
  if (r.code == 0) return false;
  return r.timed_out || contains(r.err, "closed the connection") ||
         contains(r.err, "cannot talk to bgod") || contains(r.err, "did not answer") ||
         contains(r.err, "cannot connect") || contains(r.err, "bgod is not running");
}

Churn::Churn(ChurnSizes sizes, std::string marker, Run run, Start start)
    : sizes_(sizes), marker_(std::move(marker)), run_(std::move(run)), start_(std::move(start)) {}

Churn::~Churn() { stop_clients(); }

void Churn::start_fixed() {
  // Writers print bursts of numbered lines at full speed; restarted by watch if they die.
  for (long i = 0; i < sizes_.writers; ++i) {
    const std::string name = "w" + std::to_string(i);
    fixed_.push_back(name);
    start_(name, {"--tag", tag(name), "--seq-burst", "500", "100"},
           {"-w", "--min-uptime", "0", "--max-log-size", "0"});
  }
  // Writers of finite runs that leave and are started again at once by watch.
  for (long i = 0; i < sizes_.exiting_writers; ++i) {
    const std::string name = "x" + std::to_string(i);
    fixed_.push_back(name);
    start_(name,
           {"--tag", tag(name), "--seq", std::to_string(sizes_.seq_per_run), "--after", "300"},
           {"-w", "--min-uptime", "0", "--max-log-size", "0"});
  }
  // Crash loops: exit 3 after 150 ms, restarted by watch.
  for (long i = 0; i < sizes_.loopers; ++i) {
    const std::string name = "k" + std::to_string(i);
    fixed_.push_back(name);
    start_(name, {"--tag", tag(name), "--after", "150", "--exit", "3"},
           {"-w", "--min-uptime", "0"});
  }
}

void Churn::start_clients(unsigned seed) {
  for (long c = 0; c < sizes_.clients; ++c) {
    clients_.emplace_back([this, seed, c] { client(seed + static_cast<unsigned>(c)); });
  }
}

void Churn::stop_clients() {
  done_ = true;
  for (auto& t : clients_) t.join();
  clients_.clear();
}

// Races start/stop/restart/delete over the churn names, and now and then restarts a writer
// (its run ends, drained, and a new one begins), until stop_clients().
void Churn::client(unsigned seed) {
  std::mt19937 rng(seed);
  while (!done_) {
    std::string name = "c" + std::to_string(rng() % sizes_.churners);
    std::vector<std::string> args;
    if (sizes_.writers > 0 && rng() % 10 == 0) {
      name = "w" + std::to_string(rng() % sizes_.writers);
      args = {"restart", name};
    } else {
      switch (rng() % 5) {
        case 0:
        case 1:
          args = {"start", name,      "--",     bin("bgo_test_child"),
                  "--tag", tag(name), "--tick", std::to_string(20 + rng() % 80)};
          break;
        case 2:
          args = {"stop", name};
          break;
        case 3:
          args = {"restart", name};
          break;
        default:
          args = {"delete", "-y", name};
          break;
      }
    }
    const RunResult r = run_(args);
    ++calls_;
    const bool writer = name[0] == 'w';
    const std::lock_guard<std::mutex> lock(mutex_);
    if (writer) {
      ++restarts_asked_[name];
      if (r.code == 0) ++restarts_done_[name];
    }
    if (r.code == 0) continue;
    ++failed_;
    if (std::getenv("BGO_FAULT_DEBUG") != nullptr)
      std::cerr << args[0] << " " << name << ": " << r.err;
    if (is_transport_failure(r)) {
      ++transport_;
      if (first_transport_.empty()) first_transport_ = args[0] + " " + name + ": " + r.err;
    }
    if (r.timed_out || r.code > 1) {
      odd_.push_back(args[0] + " " + name + ": code " + std::to_string(r.code) + " " + r.err);
    }
  }
}

int64_t Churn::writer_restarts_asked(const std::string& name) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = restarts_asked_.find(name);
  return it == restarts_asked_.end() ? 0 : it->second;
}

int64_t Churn::writer_restarts_done(const std::string& name) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = restarts_done_.find(name);
  return it == restarts_done_.end() ? 0 : it->second;
}

namespace {

void add(SeqReport& total, const SeqReport& one) {
  total.runs += one.runs;
  total.lines += one.lines;
  total.lost += one.lost;
  total.duplicated += one.duplicated;
  total.other += one.other;
  if (total.first_problem.empty()) total.first_problem = one.first_problem;
}

}  // namespace

SeqReport Churn::writer_logs(const std::filesystem::path& home) const {
  SeqReport total;
  for (long i = 0; i < sizes_.writers; ++i) {
    add(total, check_seq_log(home / "logs" / ("w" + std::to_string(i) + ".out.log"), 0));
  }
  return total;
}

SeqReport Churn::exiting_logs(const std::filesystem::path& home) const {
  SeqReport total;
  for (long i = 0; i < sizes_.exiting_writers; ++i) {
    add(total,
        check_seq_log(home / "logs" / ("x" + std::to_string(i) + ".out.log"), sizes_.seq_per_run));
  }
  return total;
}

}  // namespace bgo::test::fault
