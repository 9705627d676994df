// SPDX-License-Identifier: MIT
// CgroupChildren.
#include "daemon/os/cgroup_children.hpp"

#include <algorithm>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "common/proc_stat.hpp"

namespace bgo::daemon {

struct CgroupChildren::Timer {
  explicit Timer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
};

CgroupChildren::CgroupChildren(boost::asio::io_context& io, std::unique_ptr<CgroupTree> tree)
    : io_(io),
      tree_(std::move(tree)),
      watch_(io, [this](int watch) { on_change(watch); }),
      idle_timer_(std::make_unique<Timer>(io)) {}

// The idle cgroups are empty: ~CgroupTree removes them with the rest.
CgroupChildren::~CgroupChildren() = default;

void CgroupChildren::set_listeners(PidFn on_tree_empty, PidFn on_memory_exceeded) {
  on_tree_empty_ = std::move(on_tree_empty);
  on_memory_exceeded_ = std::move(on_memory_exceeded);
}

Result<CgroupLeaf> CgroupChildren::prepare(const std::string& name,
                                           std::optional<uint64_t> memory_max) {
  std::optional<CgroupLeaf> leaf;
  if (auto it = idle_.find(name); it != idle_.end()) {
    CgroupLeaf idle = std::move(it->second.leaf);
    const bool fresh = it->second.fresh;
    idle_.erase(it);
    // Empty when parked; cgroups the last run made below it go (nothing may linger there).
    const auto below = may_have_child_cgroups(idle.folder()) ? child_cgroups(idle.folder())
                                                             : std::vector<std::string>{};
    for (const auto& folder : below) (void)remove_cgroup(idle.folder() + "/" + folder);
    // Parked in this turn (a restart right after the reap), it was read empty a moment ago:
    // reading it again would not close the window up to clone3 any better, only widen it.
    if (!idle.killed() && (fresh || !idle.populated()) &&
        (below.empty() || child_cgroups(idle.folder()).empty())) {
      leaf.emplace(std::move(idle));
    } else {
      discard(idle);
    }
  }
  if (!leaf) {
    auto made = tree_->create(name);
    if (!made) return made.error();
    leaf.emplace(std::move(*made));
  }
  if (tree_->memory()) {  // a reused cgroup may still have the last run's limit
    if (auto limited = leaf->limit_memory(memory_max); !limited) {
      discard(*leaf);
      return limited.error();
    }
  }
  return std::move(*leaf);
}

void CgroupChildren::discard(const CgroupLeaf& leaf) {
  if (!tree_->remove(leaf)) spdlog::warn("cannot remove cgroup {}", leaf.folder());
}

void CgroupChildren::track(pid_t leader, const std::string& name, CgroupLeaf leaf,
                           bool memory_limited, uint64_t cpu_base) {
  // The number of a reaped leader whose cgroup kept processes may come back for a new child:
  // the old entry stays (it is released once empty) but no longer answers for the pid.
  entries_.push_back(std::make_unique<Entry>(leader, name, std::move(leaf)));
  Entry& entry = *entries_.back();
  entry.cpu_base = cpu_base;
  live_[leader] = &entry;
  watch(entry, memory_limited);
}

bool CgroupChildren::adopt(pid_t leader, const std::string& name) {
  auto leaf = tree_->leaf_of(leader);
  if (!leaf) return false;
  const bool limited = leaf->memory_events().has_value() &&
                       read_cgroup_file(leaf->folder(), "memory.max").value_or("max\n") != "max\n";
  // Its CPU counts from the cgroup's making: an earlier run in a reused cgroup cannot be told
  // apart any more.
  track(leader, name, std::move(*leaf), limited, 0);
  return true;
}

void CgroupChildren::watch(Entry& entry, bool memory_limited) {
  // Watched before anything can change that we would miss: a change between the spawn and
  // here is caught by the reads the supervisor does on the reap (group_alive).
  if (auto w = watch_.add(entry.leaf.folder() + "/cgroup.events")) {
    entry.events_watch = *w;
    by_watch_[*w] = &entry;
  } else {
    spdlog::warn("{}", w.error().message);
  }
  if (!memory_limited) return;
  entry.seen = entry.leaf.memory_events().value_or(MemoryEvents{});
  if (auto w = watch_.add(entry.leaf.folder() + "/memory.events")) {
    entry.memory_watch = *w;
    by_watch_[*w] = &entry;
  } else {
    spdlog::warn("{}", w.error().message);
  }
}

bool CgroupChildren::signal(pid_t leader, int sig) const {
  const auto it = live_.find(leader);
  if (it == live_.end()) return false;
  it->second->leaf.signal(sig);
  return true;
}

std::optional<bool> CgroupChildren::populated(pid_t leader) const {
  const auto it = live_.find(leader);
  if (it == live_.end()) return std::nullopt;
  return it->second->leaf.populated();
}

std::optional<UsageText> CgroupChildren::usage(pid_t leader) const {
  const auto it = live_.find(leader);
  if (it == live_.end()) return std::nullopt;
  const Entry& entry = *it->second;
  const uint64_t cpu = entry.leaf.cpu_usec().value_or(0);
  return tree_usage_text(leader, cpu > entry.cpu_base ? cpu - entry.cpu_base : 0,
                         entry.leaf.memory_bytes());
}

void CgroupChildren::on_leader_gone(pid_t leader) {
  const auto it = live_.find(leader);
  if (it == live_.end()) return;
  it->second->leader_gone = true;
  settle(it->second);
}

bool CgroupChildren::answers(const Entry* entry) const {
  const auto it = live_.find(entry->leader);
  return it != live_.end() && it->second == entry;
}

void CgroupChildren::on_change(int watch) {
  const auto it = by_watch_.find(watch);
  if (it == by_watch_.end()) return;
  Entry* entry = it->second;
  const pid_t leader = entry->leader;
  if (watch == entry->memory_watch) {
    const auto now = entry->leaf.memory_events();
    if (!now || !memory_breached(entry->seen, *now)) return;
    entry->seen = *now;
    if (answers(entry) && on_memory_exceeded_) on_memory_exceeded_(leader);
    return;
  }
  // Its leader not reaped yet (it emptied the cgroup by exiting, and its SIGCHLD follows):
  // the reap settles the cgroup, and nobody waits for it to empty before that (only a
  // lingering child does, whose leader is gone). Not read here, which keeps the read off the
  // way from the exit to the restart.
  if (!entry->leader_gone) return;
  if (entry->leaf.populated()) return;
  // The supervisor first (a lingering stop ends), then the cgroup is released if the leader
  // was reaped. The callback may start a new child, so the entry is looked up again after it.
  if (answers(entry) && on_tree_empty_) on_tree_empty_(leader);
  for (const auto& e : entries_) {
    if (e.get() == entry) return settle(entry);
  }
}

void CgroupChildren::settle(Entry* entry) {
  if ((answers(entry) && !entry->leader_gone) || entry->leaf.populated()) return;
  const std::string name = entry->name;
  CgroupLeaf leaf = entry->leaf;
  forget(entry);
  park(name, std::move(leaf));
}

void CgroupChildren::forget(Entry* entry) {
  for (const int w : {entry->events_watch, entry->memory_watch}) {
    if (w < 0) continue;
    by_watch_.erase(w);  // its events are ignored from now on
    unwatch_later(w);
  }
  if (answers(entry)) live_.erase(entry->leader);
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(),
                                [entry](const auto& e) { return e.get() == entry; }),
                 entries_.end());
}

// inotify_rm_watch is slow (it waits for the kernel to let go of the mark), and a cgroup is
// forgotten on the way from a leader's reap to its restart: the removal comes after it. A
// watch added again meanwhile (the restart reuses the cgroup: inotify gives the same number
// for the same file) belongs to the new run and stays.
void CgroupChildren::unwatch_later(int watch) {
  unwatch_.push_back(watch);
  if (unwatch_.size() > 1) return;  // already posted
  boost::asio::post(io_, [this] {
    for (const int w : std::exchange(unwatch_, {})) {
      if (!by_watch_.contains(w)) watch_.remove(w);
    }
  });
}

void CgroupChildren::park(const std::string& name, CgroupLeaf leaf) {
  if (auto it = idle_.find(name); it != idle_.end()) {
    discard(it->second.leaf);  // one idle cgroup per name is enough
    idle_.erase(it);
  }
  idle_.insert_or_assign(
      name, Idle{std::move(leaf), std::chrono::steady_clock::now() + k_idle_grace, true});
  arm_idle_timer();
  if (fresh_posted_) return;
  fresh_posted_ = true;
  boost::asio::post(io_, [this] {
    fresh_posted_ = false;
    for (auto& entry : idle_) entry.second.fresh = false;
  });
}

void CgroupChildren::arm_idle_timer() {
  if (idle_timer_armed_ || idle_.empty()) return;
  auto first = idle_.begin()->second.until;
  for (const auto& [name, idle] : idle_) first = std::min(first, idle.until);
  idle_timer_armed_ = true;
  idle_timer_->timer.expires_at(first);
  idle_timer_->timer.async_wait([this](const boost::system::error_code& ec) {
    if (ec == boost::asio::error::operation_aborted) return;
    idle_timer_armed_ = false;
    remove_expired_idle();
    arm_idle_timer();
  });
}

void CgroupChildren::remove_expired_idle() {
  const auto now = std::chrono::steady_clock::now();
  for (auto it = idle_.begin(); it != idle_.end();) {
    if (it->second.until > now) {
      ++it;
      continue;
    }
    discard(it->second.leaf);
    it = idle_.erase(it);
  }
}

}  // namespace bgo::daemon
