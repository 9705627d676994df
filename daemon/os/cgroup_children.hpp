// SPDX-License-Identifier: MIT
// The cgroups of bgod's contained children, by leader pid: signals, population, usage, memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/errors.hpp"
#include "common/usage_text.hpp"
#include "daemon/os/cgroup_leaf.hpp"
#include "daemon/os/cgroup_text.hpp"
#include "daemon/os/cgroup_tree.hpp"
#include "daemon/os/cgroup_watch.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// Owns the CgroupTree and one entry per contained child, keyed by its leader's pid (which is
// also its process group, the key the supervisor uses for a group). An entry lives until its
// leader was reaped (or, adopted, seen exiting) and its cgroup is empty. The empty cgroup is
// then kept for `k_idle_grace` and given to the next spawn of the same name (a restart): the
// kernel makes the first process of a new cgroup cost a few milliseconds more to fork, which a
// crash loop would pay on every turn. Afterwards, or when bgod exits, it is removed. Runs on
// the loop; the callbacks run there too.
class CgroupChildren {
 public:
  static constexpr std::chrono::seconds k_idle_grace{10};
  using PidFn = std::function<void(pid_t leader)>;
  CgroupChildren(boost::asio::io_context& io, std::unique_ptr<CgroupTree> tree);
  ~CgroupChildren();
  CgroupChildren(const CgroupChildren&) = delete;
  CgroupChildren& operator=(const CgroupChildren&) = delete;

  // `on_tree_empty`: the cgroup of `leader` has no process left (cgroup.events populated 0),
  // which may come before or after the leader's reap. `on_memory_exceeded`: its memory.events
  // counted a new `max` or `oom_kill` (--max-memory reached), at most once per change batch.
  void set_listeners(PidFn on_tree_empty, PidFn on_memory_exceeded);

  const CgroupTree& tree() const { return *tree_; }

  // An empty cgroup for a child named `name` (the idle one of that name, else a new one), its
  // memory limited to `memory_max` bytes when set, unlimited otherwise (the caller checked
  // tree().memory() for a limit). Errors: io_error.
  Result<CgroupLeaf> prepare(const std::string& name, std::optional<uint64_t> memory_max);
  // The spawn into `leaf` failed: it is removed.
  void discard(const CgroupLeaf& leaf);
  // `leader`, a process named `name`, now runs in `leaf`: watched from here on. `cpu_base`: the
  // leaf's cpu_usec() before the spawn (a reused cgroup keeps counting).
  void track(pid_t leader, const std::string& name, CgroupLeaf leaf, bool memory_limited,
             uint64_t cpu_base);
  // An adopted `leader` (an earlier bgod's child): tracked if it runs in one of our cgroups.
  bool adopt(pid_t leader, const std::string& name);

  bool contains(pid_t leader) const { return live_.count(leader) != 0; }
  // Signals every process of `leader`'s cgroup (CgroupLeaf::signal). False if not contained.
  bool signal(pid_t leader, int sig) const;
  // Populated; nullopt if `leader` is not contained.
  std::optional<bool> populated(pid_t leader) const;
  // CPU (since its spawn) and memory of the whole tree, with the leader's uptime; nullopt if
  // `leader` is not contained.
  std::optional<UsageText> usage(pid_t leader) const;
  // The leader was reaped (or, adopted, exited): its cgroup is released once it is empty.
  void on_leader_gone(pid_t leader);

 private:
  struct Entry {
    Entry(pid_t leader_pid, std::string process, CgroupLeaf cgroup)
        : leader(leader_pid), name(std::move(process)), leaf(std::move(cgroup)) {}
    pid_t leader;
    std::string name;
    CgroupLeaf leaf;
    int events_watch = -1;
    int memory_watch = -1;
    bool leader_gone = false;
    uint64_t cpu_base = 0;  // cpu.stat usage_usec at the spawn (a reused cgroup counts on)
    MemoryEvents seen;      // memory.events when last looked at
  };
  struct Idle {
    CgroupLeaf leaf;
    std::chrono::steady_clock::time_point until;
    bool fresh = false;  // parked in the current loop turn, right after it was read empty
  };
  struct Timer;
  void on_change(int watch);
  bool answers(const Entry* entry) const;
  // Releases `entry`'s cgroup and forgets it when its leader is gone and it is empty.
  void settle(Entry* entry);
  void watch(Entry& entry, bool memory_limited);
  void forget(Entry* entry);
  void unwatch_later(int watch);
  void park(const std::string& name, CgroupLeaf leaf);
  void arm_idle_timer();
  void remove_expired_idle();

  boost::asio::io_context& io_;
  std::unique_ptr<CgroupTree> tree_;
  CgroupWatch watch_;
  std::unique_ptr<Timer> idle_timer_;
  bool idle_timer_armed_ = false;
  bool fresh_posted_ = false;  // the end of this turn's freshness is posted
  std::vector<int> unwatch_;   // watches of forgotten entries, removed after this turn
  PidFn on_tree_empty_;
  PidFn on_memory_exceeded_;
  std::map<pid_t, Entry*> live_;  // by leader pid
  // Every entry, also one whose leader pid was reused by a newer child while its old cgroup
  // still had processes (live_ then names the newer one).
  std::vector<std::unique_ptr<Entry>> entries_;
  std::map<int, Entry*> by_watch_;
  std::map<std::string, Idle> idle_;  // by process name: empty cgroups kept for a restart
};

}  // namespace bgo::daemon
