// SPDX-License-Identifier: MIT
// bgod's cgroup v2 subtree: found and prepared at startup, one cgroup per child inside it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/errors.hpp"
#include "daemon/os/cgroup_leaf.hpp"

namespace bgo::daemon {

// The folder that holds the children's cgroups (docs/health.md, "Containment"). Startup and
// exit do a few blocking cgroupfs operations; the rest are single mkdir/rmdir calls.
class CgroupTree {
 public:
  struct Detected {
    std::unique_ptr<CgroupTree> tree;  // null: children run in process groups
    std::string reason;                // why there is no tree (for bgod.log and daemon.status)
  };
  // Finds bgod's cgroup v2 (/proc/self/cgroup, /proc/self/mountinfo) and, when it may create
  // cgroups there and the kernel has clone3(CLONE_INTO_CGROUP) and cgroup.kill (Linux 5.14),
  // prepares the folder per cgroup_text.hpp's plan_cgroup_layout(): a delegated cgroup gets
  // bgod moved into its `bgod` leaf first. Enables the memory controller for the children
  // when the folder has it. Removes empty cgroups an earlier bgod of `home` left behind.
  // `setting` is $BGO_CGROUP: "off" keeps process groups.
  static Detected detect(std::string_view home, std::string_view setting);
  // Removes the empty cgroups of children, and the folder itself when bgod made it and it is
  // empty; those of children still running (--keep-children) stay for the next bgod.
  ~CgroupTree();
  CgroupTree(const CgroupTree&) = delete;
  CgroupTree& operator=(const CgroupTree&) = delete;

  const std::string& folder() const { return folder_; }
  // The children's cgroups have memory.max, memory.events and memory.current.
  bool memory() const { return memory_; }

  // A new, empty cgroup for a process named `name` (any valid name; cgroup_leaf_name()).
  // Errors: io_error naming the folder.
  Result<CgroupLeaf> create(std::string_view name);
  // The child cgroup `pid` runs in when it is one of this folder's (a process an earlier bgod
  // of this home started); nullopt otherwise.
  std::optional<CgroupLeaf> leaf_of(pid_t pid) const;
  // Removes `leaf` (and empty cgroups below it); false while it still has processes.
  bool remove(const CgroupLeaf& leaf) const;

 private:
  CgroupTree(std::string folder, std::string cgroup, std::string self_leaf, bool own_folder);
  void enable_memory();
  void sweep() const;

  std::string folder_;     // absolute path
  std::string cgroup_;     // the same as /proc/<pid>/cgroup shows it
  std::string self_leaf_;  // the name of bgod's own leaf in it, or empty
  bool own_folder_;        // made by bgod: removed when it exits empty
  bool memory_ = false;
  uint64_t next_seq_ = 1;
};

}  // namespace bgo::daemon
