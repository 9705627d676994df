// SPDX-License-Identifier: MIT
// One copy of each distinct environment, shared by every record that has it.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/process_record.hpp"

namespace bgo::daemon {

// Processes started by one `start --from` or `up` carry the same environment (about 40
// strings, 3 KiB with their allocations); each record holding its own copy made it the largest
// part of bgod's memory per process (issue #18). The table hands out one immutable SharedEnv
// per distinct content and holds it weakly: the last record that drops it frees it.
// Loop thread only.
class EnvTable {
 public:
  // The shared environment equal to `vars`, made from it when none is alive.
  [[nodiscard]] SharedEnv intern(std::vector<std::string> vars);
  // The shared one equal to `*env` (null stays null).
  [[nodiscard]] SharedEnv intern(const SharedEnv& env);
  // Distinct environments alive (for tests).
  [[nodiscard]] std::size_t size();

 private:
  [[nodiscard]] SharedEnv find(std::size_t hash, const std::vector<std::string>& vars) const;
  void insert(std::size_t hash, const SharedEnv& env);
  void drop_expired();

  std::unordered_multimap<std::size_t, std::weak_ptr<const std::vector<std::string>>> entries_;
  std::size_t purge_at_ = 64;  // entries before the next sweep of expired ones
};

}  // namespace bgo::daemon
