// SPDX-License-Identifier: MIT
// is_assignment / read_env_file / merge_env.
#include "client/commands/env_vars.hpp"

#include <algorithm>
#include <fstream>

namespace bgo::client {

bool is_assignment(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  const std::string_view key = text.substr(0, eq);
  if (key.front() >= '0' && key.front() <= '9') return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::optional<std::vector<std::string>> read_env_file(const std::string& path, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return std::nullopt;
  }
  std::vector<std::string> out;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::string_view text(line);
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    if (text.empty() || text.front() == '#') continue;
    if (text.starts_with("export ")) text.remove_prefix(7);
    if (!is_assignment(text)) {
      error = path + ":" + std::to_string(number) + ": expected KEY=VALUE";
      return std::nullopt;
    }
    const auto eq = text.find('=');
    std::string_view value = text.substr(eq + 1);
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    out.push_back(std::string(text.substr(0, eq + 1)) + std::string(value));
  }
  return out;
}

std::vector<std::string> merge_env(std::vector<std::string> base,
                                   const std::vector<std::string>& overrides) {
  for (const auto& kv : overrides) {
    const std::string key = kv.substr(0, kv.find('=') + 1);
    const auto same = std::find_if(base.begin(), base.end(),
                                   [&](const std::string& b) { return b.starts_with(key); });
    if (same != base.end()) {
      *same = kv;
    } else {
      base.push_back(kv);
    }
  }
  return base;
}

}  // namespace bgo::client
