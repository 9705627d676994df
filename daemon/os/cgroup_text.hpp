// SPDX-License-Identifier: MIT
// Pure cgroup v2 rules: finding the mount and bgod's cgroup, where children's cgroups go, their
// names, and the parsing of the kernel's flat-keyed files. No file is read here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace bgo::daemon {

// A cgroup2 mount from /proc/self/mountinfo.
struct CgroupMount {
  std::string mount_point;  // "/sys/fs/cgroup", or "/sys/fs/cgroup/unified" on a hybrid system
  std::string root;         // the cgroup shown at the mount point, usually "/"
};

// The cgroup v2 path of a process from /proc/<pid>/cgroup (the "0::/path" line); nullopt
// without one (a v1-only system) or when it is unusable (" (deleted)", outside its namespace).
std::optional<std::string> parse_proc_cgroup(std::string_view text);

// The first cgroup2 mount in `mountinfo` (the text of /proc/self/mountinfo) whose root holds
// `cgroup` (a path as parse_proc_cgroup() returns it); nullopt when there is none.
std::optional<CgroupMount> find_cgroup2_mount(std::string_view mountinfo, std::string_view cgroup);

// The folder of `cgroup` under `mount`; nullopt when it lies outside the mount's root.
std::optional<std::string> cgroup_folder(const CgroupMount& mount, std::string_view cgroup);

// The reverse: the cgroup (as /proc/<pid>/cgroup names it) of `folder`, a folder at or below
// `mount`'s mount point; nullopt otherwise.
std::optional<std::string> folder_cgroup(const CgroupMount& mount, std::string_view folder);

// True iff cgroup `path` is `parent` or lies below it ("/a/b" is under "/a", "/ab" is not).
bool cgroup_contains(std::string_view parent, std::string_view path);

// Where bgod puts its children's cgroups (docs/health.md, "Containment").
struct CgroupLayout {
  std::string base;       // the folder that holds one cgroup per child
  std::string self_leaf;  // where bgod moves itself first; empty: it stays where it is
  bool own_base = false;  // bgod made `base` and removes it when it exits and it is empty
};

// Chooses the layout for a bgod whose cgroup folder is `own` (`own_is_top`: the top of the
// hierarchy it can see, e.g. the root cgroup; `alone`: bgod is its only process).
// - top: a folder of its own, `own/bgo-<uid>-<hash of home>` (several bgods may share the top);
// - alone (a delegated unit, Delegate=yes): bgod moves into `own/bgod` (a cgroup with children
//   may hold no process once controllers are enabled) and children go next to it;
// - shared with other processes: a folder of its own under `own`, as at the top.
CgroupLayout plan_cgroup_layout(std::string_view own, bool own_is_top, bool alone, uid_t uid,
                                std::string_view home);

// "bgo-<uid>-<16 hex digits of a hash of `home`>": stable across bgod restarts on one home, so
// the next bgod finds the cgroups of the processes it adopts; distinct between homes.
std::string cgroup_base_name(uid_t uid, std::string_view home);

// The folder name of the `seq`th cgroup of process `name`: `name` with every byte outside
// [A-Za-z0-9_-] written as %XX, then "." and `seq`. Never "." or "..", never the name of a
// kernel file (those hold no digit after a dot), at most 200 bytes.
std::string cgroup_leaf_name(std::string_view name, uint64_t seq);

// The value of `key` in a flat-keyed file ("key value" lines: cgroup.events, memory.events,
// cpu.stat); nullopt when the key is missing or its value is not a number.
std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key);

// True iff `name` is one of the space-separated words of `list` (cgroup.controllers).
bool has_cgroup_controller(std::string_view list, std::string_view name);

// The counters of memory.events that mean --max-memory was reached.
struct MemoryEvents {
  uint64_t max = 0;       // usage hit memory.max
  uint64_t oom_kill = 0;  // a process of the cgroup was killed by the OOM killer
};
MemoryEvents parse_memory_events(std::string_view text);
// A breach happened between two reads of memory.events.
bool memory_breached(const MemoryEvents& before, const MemoryEvents& now);

// memory.high for a memory.max of `max`: 90 %, so the kernel throttles and reclaims first.
uint64_t memory_high_for(uint64_t max);

}  // namespace bgo::daemon
