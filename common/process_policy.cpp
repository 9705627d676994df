// SPDX-License-Identifier: MIT
#include "common/process_policy.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace bgo {

namespace {

template <class E, size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table,
                        std::string_view text) {
  for (const auto& [value, spelling] : table) {
    if (spelling == text) return value;
  }
  return std::nullopt;
}

template <class E, size_t N>
std::string_view spell(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [v, spelling] : table) {
    if (v == value) return spelling;
  }
  return table.front().second;
}

constexpr std::array<std::pair<CheckKind, std::string_view>, 5> k_check_kinds{{
    {CheckKind::notify, "notify"},
    {CheckKind::log, "log"},
    {CheckKind::http, "http"},
    {CheckKind::tcp, "tcp"},
    {CheckKind::exec, "exec"},
}};
constexpr std::array<std::pair<DependencyCondition, std::string_view>, 4> k_conditions{{
    {DependencyCondition::started, "started"},
    {DependencyCondition::ready, "ready"},
    {DependencyCondition::completed, "completed"},
    {DependencyCondition::succeeded, "succeeded"},
}};
constexpr std::array<std::pair<RestartPolicy, std::string_view>, 3> k_restart{{
    {RestartPolicy::always, "always"},
    {RestartPolicy::on_failure, "on-failure"},
    {RestartPolicy::never, "never"},
}};
constexpr std::array<std::pair<KillMode, std::string_view>, 2> k_kill_modes{{
    {KillMode::tree, "tree"},
    {KillMode::group, "group"},
}};

}  // namespace

std::string_view to_string(CheckKind kind) { return spell(k_check_kinds, kind); }
std::optional<CheckKind> parse_check_kind(std::string_view text) {
  return lookup(k_check_kinds, text);
}
std::string_view to_string(DependencyCondition condition) { return spell(k_conditions, condition); }
std::optional<DependencyCondition> parse_dependency_condition(std::string_view text) {
  return lookup(k_conditions, text);
}
std::string_view to_string(RestartPolicy policy) { return spell(k_restart, policy); }
std::optional<RestartPolicy> parse_restart_policy(std::string_view text) {
  return lookup(k_restart, text);
}
std::string_view to_string(KillMode mode) { return spell(k_kill_modes, mode); }
std::optional<KillMode> parse_kill_mode(std::string_view text) {
  return lookup(k_kill_modes, text);
}

bool ProcessPolicy::is_success(int64_t code) const {
  if (!success_codes) return code == 0;
  return std::find(success_codes->begin(), success_codes->end(), code) != success_codes->end();
}

}  // namespace bgo
