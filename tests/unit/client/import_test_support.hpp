// SPDX-License-Identifier: MIT
// Helpers for the importer tests: fixture paths, finding a process or a report.
#pragma once

#include <algorithm>
#include <string>

#include "client/app/app_spec.hpp"

namespace bgo::app::test {

inline std::string fixture(const std::string& relative) {
  return std::string(BGO_SOURCE_DIR) + "/tests/fixtures/import/" + relative;
}

inline const ProcessSpec* find_process(const AppSpec& app, const std::string& name) {
  const auto it = std::find_if(app.processes.begin(), app.processes.end(),
                               [&](const ProcessSpec& p) { return p.name == name; });
  return it == app.processes.end() ? nullptr : &*it;
}

// The reason given for `key` of `process` ("" for a file-level key), or "" when not reported.
inline std::string reported(const AppSpec& app, const std::string& process,
                            const std::string& key) {
  for (const auto& n : app.not_imported) {
    if (n.process == process && n.key == key) return n.why.empty() ? "?" : n.why;
  }
  return {};
}

}  // namespace bgo::app::test
