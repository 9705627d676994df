// SPDX-License-Identifier: MIT
// EnvTable: content hash -> weak references; expired entries are swept as the table grows.
#include "daemon/core/env_table.hpp"

#include <functional>
#include <memory>
#include <string_view>
#include <utility>

namespace bgo::daemon {

namespace {

std::size_t hash_of(const std::vector<std::string>& vars) {
  std::size_t h = vars.size();
  for (const auto& v : vars) {
    // boost::hash_combine's mixing, without Boost in the core.
    h ^= std::hash<std::string_view>{}(v) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  }
  return h;
}

}  // namespace

SharedEnv EnvTable::intern(std::vector<std::string> vars) {
  const std::size_t h = hash_of(vars);
  if (SharedEnv alive = find(h, vars)) return alive;
  SharedEnv made = make_env(std::move(vars));
  insert(h, made);
  return made;
}

SharedEnv EnvTable::intern(const SharedEnv& env) {
  if (!env) return env;
  const std::size_t h = hash_of(*env);
  if (SharedEnv alive = find(h, *env)) return alive;
  insert(h, env);
  return env;
}

SharedEnv EnvTable::find(std::size_t hash, const std::vector<std::string>& vars) const {
  auto [first, last] = entries_.equal_range(hash);
  for (auto it = first; it != last; ++it) {
    if (auto alive = it->second.lock(); alive && *alive == vars) return alive;
  }
  return nullptr;
}

void EnvTable::insert(std::size_t hash, const SharedEnv& env) {
  entries_.emplace(hash, env);
  if (entries_.size() >= purge_at_) drop_expired();
}

std::size_t EnvTable::size() {
  drop_expired();
  return entries_.size();
}

// Amortised: sweeps when the table has doubled since the last sweep, so each intern costs O(1)
// on average and the table never holds more than twice the live environments (plus 64).
void EnvTable::drop_expired() {
  std::erase_if(entries_, [](const auto& entry) { return entry.second.expired(); });
  purge_at_ = 2 * entries_.size() + 64;
}

}  // namespace bgo::daemon
