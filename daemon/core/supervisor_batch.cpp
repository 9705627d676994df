// SPDX-License-Identifier: MIT
// Supervisor: loading and adoption at startup, the resurrect policy and the batch operations.
#include <algorithm>

#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

namespace {

Error unknown_name(const std::string& name) {
  return make_error(Errc::no_such_process, "No process named '" + name + "' found");
}

}  // namespace

// The original iterates procs/*.json sorted by file name, which is not quite name order
// ("web-2.json" < "web.json"): clean, resurrect and restart-stopped keep that order.
std::vector<Child*> Supervisor::file_order() {
  std::vector<Child*> out;
  out.reserve(children_.size());
  for (auto& [name, child] : children_) out.push_back(child.get());
  std::sort(out.begin(), out.end(), [](const Child* a, const Child* b) {
    return a->name() + ".json" < b->name() + ".json";
  });
  return out;
}

void Supervisor::load(std::vector<ProcessRecord> records, std::vector<BrokenState> broken) {
  broken_ = std::move(broken);
  for (auto& record : records) {
    const bool was_running =
        record.status == RecordStatus::running && record.pid && *record.pid > 0;
    const auto pid = static_cast<pid_t>(record.pid.value_or(0));
    // Only a process proven to be the one the file recorded is adopted (and ever signalled);
    // starting a second copy is the lesser risk than adopting a stranger.
    const std::optional<uint64_t> ticks =
        was_running ? ports_.processes.identify(record) : std::nullopt;
    Child& child = add(std::move(record));
    child.arm_schedule();
    if (!was_running) continue;
    // It died while no bgod was watching: record what we know.
    if (!ticks || !child.adopt(pid, *ticks)) child.record_died_unwatched();
  }
  end_unrecorded_runs();
}

// A run spawned by a bgod that died before its state file reached the disk: no record names
// it, and the start was never answered (a start is answered once its state is on disk). It is
// killed, as a spawn whose save failed is; the name's record says what the next step is (a
// `running` record of the name's previous run is started again by the resurrect rule).
void Supervisor::end_unrecorded_runs() {
  std::vector<KnownRun> known;
  for (const auto& [name, child] : children_) {
    const ProcessRecord& r = child->record();
    known.push_back(KnownRun{name, r.invocation.value_or(""), r.start_ticks.value_or(0)});
  }
  for (const UnrecordedRun& run : ports_.processes.unrecorded_runs(known)) {
    const Child* child = find(run.name);
    const LogOptions logs =
        child != nullptr && child->record().logs ? *child->record().logs : settings_.default_logs;
    ports_.processes.end_unrecorded(run, logs);
  }
  // The same window, for runs that exited before this bgod looked: only the journal names
  // their pipes. After every recorded run's output, before anything this bgod starts.
  for (const JournaledRun& run : ports_.processes.journaled_runs(known)) {
    const Child* child = find(run.name);
    const LogOptions logs =
        child != nullptr && child->record().logs ? *child->record().logs : settings_.default_logs;
    ports_.processes.recover_journaled(run, logs);
  }
  ports_.processes.recovery_done();
}

bool Supervisor::is_candidate_for_resurrect(const Child& child) const {
  if (child.phase() != Phase::stopped) return false;
  const ProcessRecord& r = child.record();
  switch (r.autostart_policy()) {
    case AutostartPolicy::never:
      return false;
    case AutostartPolicy::unless_stopped:
      return !(r.status == RecordStatus::stopped && r.effective_stop_reason() == StopReason::user);
    case AutostartPolicy::always:
      return true;
  }
  return true;
}

void Supervisor::resurrect_on_boot() {
  for (Child* child : file_order()) {
    if (!is_candidate_for_resurrect(*child)) continue;
    start_from_record(child->name(), {}, [](const Result<StartOutcome>&) {});
  }
}

void Supervisor::start_from_record(const std::string& name, const SharedEnv& env, StartDone done) {
  Child* child = find(name);
  if (child == nullptr) return done(unknown_name(name));
  const ProcessRecord& r = child->record();
  StartParams params;
  params.name = name;
  params.command = r.command;
  params.cwd = r.cwd.value_or("/");
  // The environment recorded at the first start wins (spec §12.2 #9); files written by the
  // Python bgo have none, so they get the environment of whoever asks.
  params.env = r.env ? r.env : env;
  params.autostart = r.autostart_policy();
  params.policy = *r.policy;
  params.project = r.project;
  params.definition = r.definition;
  params.keep_unknown_keys = true;
  start(std::move(params), std::move(done));
}

std::vector<std::string> Supervisor::clean(KeepLogs keep_logs) {
  std::vector<std::string> removed;
  for (Child* child : file_order()) {
    if (child->idle() && child->phase() != Phase::waiting) removed.push_back(child->name());
  }
  for (const auto& name : removed) forget(name, keep_logs == KeepLogs::yes);
  return removed;
}

void Supervisor::run_batch(std::vector<std::string> targets, const std::vector<std::string>& env,
                           std::vector<std::string> skipped, BatchDone done) {
  struct Pending {
    BatchOutcome outcome;
    size_t remaining = 0;
    BatchDone done;
  };
  auto pending = std::make_shared<Pending>();
  pending->outcome.skipped = std::move(skipped);
  pending->remaining = targets.size();
  pending->done = std::move(done);
  if (targets.empty()) return pending->done(std::move(pending->outcome));
  for (const auto& name : targets) pending->outcome.items.push_back(BatchItem{name, {}});
  // All start at once: each answers after its own start probe, so n processes take one probe.
  const SharedEnv shared = make_env(env);
  for (size_t i = 0; i < targets.size(); ++i) {
    start_from_record(targets[i], shared, [pending, i](Result<StartOutcome> r) {
      pending->outcome.items[i].result = std::move(r);
      if (--pending->remaining == 0) pending->done(std::move(pending->outcome));
    });
  }
}

void Supervisor::start_many(std::vector<Result<StartParams>> items, std::vector<std::string> names,
                            BatchDone done) {
  BGO_ASSERT(items.size() == names.size(), "start_many: one name per item");
  struct Pending {
    BatchOutcome outcome;
    size_t remaining = 0;
    BatchDone done;
  };
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  pending->outcome.items.reserve(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    pending->outcome.items.push_back(BatchItem{std::move(names[i]), {}});
    if (items[i]) {
      ++pending->remaining;
    } else {
      pending->outcome.items[i].result = items[i].error();
    }
  }
  if (pending->remaining == 0) return pending->done(std::move(pending->outcome));
  // Each start answers after its own probe, armed as it spawns: n processes take one probe.
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i]) continue;
    start(std::move(*items[i]), [pending, i](Result<StartOutcome> r) {
      pending->outcome.items[i].result = std::move(r);
      if (--pending->remaining == 0) pending->done(std::move(pending->outcome));
    });
  }
}

void Supervisor::resurrect(const std::vector<std::string>& env, BatchDone done) {
  std::vector<std::string> targets;
  for (Child* child : file_order()) {
    if (is_candidate_for_resurrect(*child)) targets.push_back(child->name());
  }
  run_batch(std::move(targets), env, {}, std::move(done));
}

std::vector<std::string> Supervisor::candidates(CandidateOrder order) const {
  std::vector<const Child*> list;
  for (const auto& [name, child] : children_) {
    if (child->idle() && child->phase() != Phase::waiting) list.push_back(child.get());
  }
  std::stable_sort(list.begin(), list.end(), [](const Child* a, const Child* b) {
    return a->name() + ".json" < b->name() + ".json";
  });
  if (order == CandidateOrder::recent) {
    auto key = [](const Child* c) {
      return c->record().stopped_at.value_or(c->record().started_at.value_or(""));
    };
    std::stable_sort(list.begin(), list.end(),
                     [&](const Child* a, const Child* b) { return key(a) > key(b); });
  }
  std::vector<std::string> names;
  names.reserve(list.size());
  for (const Child* c : list) names.push_back(c->name());
  return names;
}

void Supervisor::restart_many(const std::vector<std::string>& names, CandidateOrder order,
                              const std::vector<std::string>& env, BatchDone done) {
  const std::vector<std::string> all = candidates(order);
  if (names.empty()) return run_batch(all, env, {}, std::move(done));
  std::vector<std::string> unknown;
  std::vector<std::string> skipped;
  std::vector<std::string> targets;
  for (const auto& name : names) {
    if (find(name) == nullptr && std::find(unknown.begin(), unknown.end(), name) == unknown.end()) {
      unknown.push_back(name);
    }
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& n : unknown) list += (list.empty() ? "" : ", ") + n;
    Error e = make_error(Errc::no_such_process, "Unknown process(es): " + list);
    e.names = std::move(unknown);
    return done(e);
  }
  for (const auto& name : names) {
    // A name given twice is restarted once (the original tried twice, §12.2 #24).
    const bool is_candidate = std::find(all.begin(), all.end(), name) != all.end();
    auto& bucket = is_candidate ? targets : skipped;
    if (std::find(bucket.begin(), bucket.end(), name) == bucket.end()) bucket.push_back(name);
  }
  run_batch(std::move(targets), env, std::move(skipped), std::move(done));
}

}  // namespace bgo::daemon
