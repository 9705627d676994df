// SPDX-License-Identifier: MIT
// One child's cgroup v2: signalling, population, usage and memory limits of its whole tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/unique_fd.hpp"
#include "daemon/os/cgroup_text.hpp"

namespace bgo::daemon {

// A cgroup bgod made for one child. Small blocking reads and writes of cgroupfs files; never
// waits for a process. No descriptor is kept open between calls (bgod's descriptors point only
// into its home, pipes and sockets).
class CgroupLeaf {
 public:
  // `folder`: its absolute path; `cgroup`: the same as /proc/<pid>/cgroup names it.
  CgroupLeaf(std::string folder, std::string cgroup)
      : folder_(std::move(folder)), cgroup_(std::move(cgroup)) {}

  const std::string& folder() const { return folder_; }
  const std::string& cgroup() const { return cgroup_; }
  // An O_DIRECTORY descriptor of it, for clone3. Errors: io_error.
  Result<UniqueFd> open() const;

  // True while some process is in it or in a cgroup below it (cgroup.events "populated").
  bool populated() const;
  // Sends `sig` to every process of it and of the cgroups below: SIGKILL through cgroup.kill
  // (atomic, nothing can fork away), any other signal through a pidfd per process, each
  // checked to be a member after the pidfd was opened (no recycled pid is signalled).
  void signal(int sig) const;
  // cgroup.kill was written to it: on some kernels a cgroup killed this way goes on killing
  // what is later forked into it, so it is never given to another run.
  bool killed() const { return killed_; }
  // CPU time of the whole tree since the cgroup was made (cpu.stat usage_usec).
  std::optional<uint64_t> cpu_usec() const;
  // memory.current when the memory controller is on, else the RSS of every member.
  uint64_t memory_bytes() const;
  // memory.high = 90 % of `max` and memory.max = `max`; both "max" (no limit) without one.
  // Errors: io_error naming the file.
  Result<void> limit_memory(std::optional<uint64_t> max) const;
  // memory.events' counters; nullopt when it cannot be read (no memory controller).
  std::optional<MemoryEvents> memory_events() const;

 private:
  std::string folder_;
  std::string cgroup_;
  mutable bool killed_ = false;
};

// The text of file `name` in `folder` (at most `cap` bytes); nullopt on any error.
std::optional<std::string> read_cgroup_file(const std::string& folder, const char* name,
                                            size_t cap = 4096);
// Writes `text` to file `name` in `folder` in one write(); 0 or the errno.
int write_cgroup_file(const std::string& folder, const char* name, std::string_view text);
// The names of the cgroups (sub-folders) in `folder`.
std::vector<std::string> child_cgroups(const std::string& folder);
// False only when `folder` surely has no cgroup below it (cheaper than child_cgroups).
bool may_have_child_cgroups(const std::string& folder);
// Removes cgroup `folder` and every empty cgroup below it (deepest first); false when
// something remains (a process, or an error). A folder already gone counts as removed.
bool remove_cgroup(const std::string& folder);

}  // namespace bgo::daemon
