// SPDX-License-Identifier: MIT
// In-memory ports for Supervisor unit tests: processes that exist only as recorded spawns,
// state files in a map, logs as lists of lines, events in a vector.
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

#include "daemon/core/ports.hpp"
#include "daemon/os/write_queue.hpp"

namespace bgo::test {

// Records spawns and hands out fake pids (1000, 1001, …). Nothing is executed; the test
// reports exits with Supervisor::on_exit / on_output_closed.
class FakeProcessPort final : public daemon::ProcessPort {
 public:
  Result<daemon::Spawned> spawn(const daemon::SpawnRequest& request) override {
    spawns.push_back(request);
    if (fail_next_spawn_) {
      const std::string detail = *std::exchange(fail_next_spawn_, std::nullopt);
      Error e = make_error(Errc::spawn_failed, "Failed to start: fake " + detail);
      e.spawn = parse_spawn_failure(detail).value_or(SpawnFailure::other);
      return e;
    }
    const pid_t pid = next_pid_++;
    live.insert(pid);
    return daemon::Spawned{pid, static_cast<uint64_t>(pid) * 10, 0, 0, {}};
  }

  Result<std::vector<std::string>> resolve(const std::vector<std::string>& command,
                                           const std::vector<std::string>& /*env*/,
                                           const std::string& /*cwd*/) override {
    return command;
  }

  void signal_group(pid_t pid, int sig) override { signals.emplace_back(pid, sig); }

  bool adopt(pid_t pid, uint64_t start_ticks, const std::string& /*name*/,
             const LogOptions& /*logs*/) override {
    return live.count(pid) != 0 && start_ticks == static_cast<uint64_t>(pid) * 10;
  }

  // A live upgrade's child: still bgod's own (not adopted after a crash).
  bool handed_over(pid_t pid) const override { return handed.count(pid) != 0; }

  UsageText usage(pid_t /*pid*/) override {
    ++usage_reads;
    return {};
  }
  int usage_reads = 0;  // calls of usage(): what bgod would read from /proc

  // A live pid is the recorded process when the record's start_ticks (or, for a file of the
  // Python bgo, its pid_start) matches the fake's pid * 10; a 0.2 file when `same_command`.
  // `identities[pid]`, when set, overrides (nullopt = gone or recycled).
  std::optional<uint64_t> identify(const ProcessRecord& r) override {
    if (!r.pid) return std::nullopt;
    if (auto it = identities.find(static_cast<pid_t>(*r.pid)); it != identities.end()) {
      return it->second;
    }
    if (live.count(static_cast<pid_t>(*r.pid)) == 0) return std::nullopt;
    const auto ticks = static_cast<uint64_t>(*r.pid) * 10;
    const bool same = r.start_ticks ? *r.start_ticks == ticks
                      : r.pid_start ? *r.pid_start == lstart(ticks)
                                    : same_command;
    return same ? std::optional<uint64_t>(ticks) : std::nullopt;
  }

  bool group_alive(pid_t pgid) override { return lingering_groups.count(pgid) != 0; }

  std::string lstart(uint64_t start_ticks) override {
    return "lstart-" + std::to_string(start_ticks);
  }

  // The next spawn fails with Errc::spawn_failed and this detail ("not_found", …).
  void fail_next_spawn(std::string detail) { fail_next_spawn_ = std::move(detail); }

  // The pid of the last successful spawn (0 if none).
  pid_t last_pid() const { return next_pid_ == k_first_pid ? 0 : next_pid_ - 1; }
  size_t spawn_count() const { return spawns.size(); }

  std::vector<daemon::SpawnRequest> spawns;    // every attempt, failed ones included
  std::vector<std::pair<pid_t, int>> signals;  // (group leader, signal)
  std::set<pid_t> live;                        // pids handed out (tests erase at exit)
  std::set<pid_t> lingering_groups;            // groups with members left after the leader
  std::set<pid_t> handed;                      // handed over by a live upgrade (set by tests)
  bool same_command = false;                   // identify(): a 0.2 file's process matches
  std::map<pid_t, std::optional<uint64_t>> identities;  // identify() answers, per pid

 private:
  static constexpr pid_t k_first_pid = 1000;
  pid_t next_pid_ = k_first_pid;
  std::optional<std::string> fail_next_spawn_;
};

// The last saved record per name.
class FakeStore final : public daemon::StorePort {
 public:
  // Each save or removal is "on disk" at once, unless `deferred`: then it waits in `queued`
  // until complete() writes what is queued, as the real store's writer thread would.
  daemon::StoreTicket save(const ProcessRecord& record) override {
    ++save_count;
    return enqueue(record.name, record);
  }
  daemon::StoreTicket remove(std::string_view name) override {
    return enqueue(std::string(name), std::nullopt);
  }
  void when_durable(daemon::StoreTicket ticket, std::function<void(Result<void>)> done) override {
    tickets.wait(ticket, std::move(done));
  }
  daemon::StoreTicket newest() const override { return newest_; }

  // Writes the first `count` queued changes (a full disk fails the saves) and tells their
  // waiters.
  void complete(size_t count = SIZE_MAX) {
    daemon::DurableTickets::Failures failed;
    count = std::min(count, queued.size());
    if (count == 0) return;
    std::vector<Queued> batch(std::make_move_iterator(queued.begin()),
                              std::make_move_iterator(queued.begin() + static_cast<long>(count)));
    queued.erase(queued.begin(), queued.begin() + static_cast<long>(count));
    for (auto& q : batch) {
      if (q.record && full) {
        failed.emplace_back(q.ticket,
                            errno_error(Errc::io_error, "No space left on device", ENOSPC));
      } else if (q.record) {
        records[q.name] = *q.record;
      } else {
        records.erase(q.name);
        removed.push_back(q.name);
      }
    }
    tickets.settle(batch.back().ticket, failed);
  }
  const ProcessRecord& at(const std::string& name) const { return records.at(name); }
  bool has(const std::string& name) const { return records.count(name) != 0; }

  struct Queued {
    daemon::StoreTicket ticket = 0;
    std::string name;
    std::optional<ProcessRecord> record;  // nullopt: a removal
  };
  std::map<std::string, ProcessRecord> records;  // what is "on disk"
  std::vector<std::string> removed;
  std::vector<Queued> queued;  // handed over, not yet written (deferred)
  daemon::DurableTickets tickets;
  int save_count = 0;
  bool full = false;      // every save fails as on a full disk
  bool deferred = false;  // writes wait for complete()

 private:
  daemon::StoreTicket enqueue(std::string name, std::optional<ProcessRecord> record) {
    queued.push_back(Queued{++newest_, std::move(name), std::move(record)});
    if (!deferred) complete();
    return newest_;
  }
  daemon::StoreTicket newest_ = 0;
};

// Log markers and watcher-log messages (without the timestamp the real sink adds).
class FakeLogs final : public daemon::LogPort {
 public:
  void append_marker(std::string_view name, std::string_view marker) override {
    markers[std::string(name)].emplace_back(marker);
  }
  void watcher_line(std::string_view name, std::string_view message) override {
    watcher[std::string(name)].emplace_back(message);
  }
  std::string stderr_tail(std::string_view /*name*/) override { return stderr_tail_text; }
  void remove_logs(std::string_view name) override {
    markers.erase(std::string(name));
    watcher.erase(std::string(name));
    removed.emplace_back(name);
  }

  // The watcher log of `name` (empty when none).
  std::vector<std::string> lines(const std::string& name) const {
    auto it = watcher.find(name);
    return it == watcher.end() ? std::vector<std::string>{} : it->second;
  }
  // True if some watcher-log line of `name` starts with `prefix`.
  bool has_line(const std::string& name, std::string_view prefix) const {
    const auto all = lines(name);
    return std::any_of(all.begin(), all.end(),
                       [&](const std::string& l) { return l.rfind(prefix, 0) == 0; });
  }

  std::map<std::string, std::vector<std::string>> markers;
  std::map<std::string, std::vector<std::string>> watcher;
  std::vector<std::string> removed;
  std::string stderr_tail_text;
};

class FakeEvents final : public daemon::EventSink {
 public:
  void on_process_event(const daemon::ProcessEvent& event) override { events.push_back(event); }

  // The kinds in order, e.g. {"spawned", "exited", "restart_scheduled", "spawned"}.
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.emplace_back(to_string(e.kind));
    return out;
  }
  size_t count(std::string_view kind) const {
    return static_cast<size_t>(std::count_if(
        events.begin(), events.end(), [&](const auto& e) { return to_string(e.kind) == kind; }));
  }
  void clear() { events.clear(); }

  std::vector<daemon::ProcessEvent> events;
};

// Probe attempts the test answers by hand: run() records the attempt, answer() completes the
// oldest pending one.
class FakeProbes final : public daemon::ProbePort {
 public:
  struct Attempt {
    daemon::ProbeSpec spec;
    std::function<void(daemon::ProbeResult)> done;
    bool cancelled = false;
  };
  class Run final : public daemon::ProbeRun {
   public:
    explicit Run(std::shared_ptr<Attempt> a) : attempt_(std::move(a)) {}
    ~Run() override { attempt_->cancelled = true; }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

   private:
    std::shared_ptr<Attempt> attempt_;
  };

  std::unique_ptr<daemon::ProbeRun> run(const daemon::ProbeSpec& spec,
                                        std::function<void(daemon::ProbeResult)> done) override {
    auto a = std::make_shared<Attempt>(Attempt{spec, std::move(done), false});
    attempts.push_back(a);
    return std::make_unique<Run>(a);
  }

  // Pending (not answered, not cancelled) attempts.
  size_t pending() const {
    return static_cast<size_t>(std::count_if(
        attempts.begin(), attempts.end(), [](const auto& a) { return !a->cancelled && a->done; }));
  }
  // Answers the oldest pending attempt; false when none is pending.
  bool answer(bool ok, std::string detail = {}) {
    for (auto& a : attempts) {
      if (a->cancelled || !a->done) continue;
      auto done = std::exchange(a->done, nullptr);
      done(daemon::ProbeResult{ok, std::move(detail)});
      return true;
    }
    return false;
  }

  std::vector<std::shared_ptr<Attempt>> attempts;
};

class FakeNotify final : public daemon::NotifyPort {
 public:
  Result<std::string> open(std::string_view name) override {
    opened.emplace_back(name);
    open_now.emplace(name);
    return "/run/notify/" + std::string(name);
  }
  void close(std::string_view name) override {
    closed.emplace_back(name);
    open_now.erase(std::string(name));
  }
  bool is_open(std::string_view name) const override {
    return open_now.count(std::string(name)) != 0;
  }
  std::vector<std::string> opened;
  std::vector<std::string> closed;
  std::set<std::string> open_now;  // opened and not closed since, or handed over (set by tests)
};

}  // namespace bgo::test
