// SPDX-License-Identifier: MIT
// Instance groups and the shared environment.
#include "client/app/process_groups.hpp"

#include <exception>
#include <iterator>

namespace bgo::app {

namespace {

std::string base_of(const std::string& name, int& index) {
  const size_t colon = name.rfind(':');
  index = -1;
  if (colon == std::string::npos || colon + 1 >= name.size()) return name;
  const std::string digits = name.substr(colon + 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 6) {
    return name;
  }
  index = std::stoi(digits);
  return name.substr(0, colon);
}

// `b` is instance `i` of the group whose instance 0 is `a`.
bool same_but_instance(const ProcessSpec& a, const ProcessSpec& b, int i, bool& port_offset) {
  auto env_a = a.env;
  auto env_b = b.env;
  const auto inst = env_b.find("BGO_INSTANCE");
  if (inst == env_b.end() || inst->second != std::to_string(i)) return false;
  env_a.erase("BGO_INSTANCE");
  env_b.erase("BGO_INSTANCE");
  const auto pa = env_a.find("PORT");
  const auto pb = env_b.find("PORT");
  if (pa != env_a.end() && pb != env_b.end() && pa->second != pb->second) {
    try {
      if (std::stoll(pb->second) != std::stoll(pa->second) + i) return false;
    } catch (const std::exception&) {
      return false;
    }
    port_offset = true;
    env_b.erase("PORT");
    env_a.erase("PORT");
  } else if (i == 1) {
    port_offset = false;
  }
  const bool policy_same = a.policy.ready.has_value() == b.policy.ready.has_value() &&
                           a.policy.live.has_value() == b.policy.live.has_value() &&
                           a.policy.restart == b.policy.restart && a.policy.cron == b.policy.cron &&
                           a.policy.stop_signal == b.policy.stop_signal &&
                           a.policy.stop_timeout_ms == b.policy.stop_timeout_ms &&
                           a.policy.after.size() == b.policy.after.size();
  return policy_same && env_a == env_b && a.command == b.command && a.cwd == b.cwd &&
         a.watch == b.watch && a.min_uptime == b.min_uptime;
}

}  // namespace

std::vector<ProcessGroup> group_instances(const AppSpec& app) {
  std::vector<ProcessGroup> groups;
  const auto& ps = app.processes;
  for (size_t i = 0; i < ps.size();) {
    int index = 0;
    const std::string base = base_of(ps[i].name, index);
    if (index == 0) {
      size_t j = i + 1;
      bool port_offset = false;
      bool consistent = true;
      while (j < ps.size()) {
        int next = 0;
        if (base_of(ps[j].name, next) != base || next != static_cast<int>(j - i)) break;
        bool offset = false;
        if (!same_but_instance(ps[i], ps[j], next, offset)) {
          consistent = false;
          break;
        }
        if (next == 1) port_offset = offset;
        if (offset != port_offset) consistent = false;
        ++j;
      }
      if (consistent && j - i >= 2) {
        groups.push_back({&ps[i], base, static_cast<int>(j - i), port_offset});
        i = j;
        continue;
      }
    }
    groups.push_back({&ps[i], ps[i].name, 1, false});
    ++i;
  }
  return groups;
}

std::map<std::string, std::string> group_of_instances(const std::vector<ProcessGroup>& groups) {
  std::map<std::string, std::string> out;
  for (const auto& g : groups) {
    if (g.instances < 2) continue;
    for (int i = 0; i < g.instances; ++i) out[g.name + ":" + std::to_string(i)] = g.name;
  }
  return out;
}

std::map<std::string, std::string> shared_env(const std::vector<ProcessGroup>& groups) {
  std::map<std::string, std::string> shared;
  if (groups.size() < 2) return shared;
  shared = groups.front().first->env;
  for (const auto& g : groups) {
    for (auto it = shared.begin(); it != shared.end();) {
      const auto found = g.first->env.find(it->first);
      const bool keep = found != g.first->env.end() && found->second == it->second &&
                        !(it->first == "PORT" && g.port_offset) && it->first != "BGO_INSTANCE";
      it = keep ? std::next(it) : shared.erase(it);
    }
  }
  return shared;
}

}  // namespace bgo::app
