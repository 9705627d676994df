// SPDX-License-Identifier: MIT
// The `after` edges of an application's processes: every name known, no cycle. Pure, for the
// bgo.yaml parser and the importers alike.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "client/app/app_spec.hpp"

namespace bgo::app {

struct GraphProblem {
  std::size_t process = 0;     // index in AppSpec::processes
  std::size_t dependency = 0;  // index in that process's policy.after
  std::string message;         // "depends on 'dbb', which is not ... Did you mean 'db'?",
                               // "dependency cycle: api -> db -> api"
};

// The first problem, in file order: a dependency on a name that is no process of `app` (the
// closest names suggested), or an edge that closes a cycle, named from the process whose
// edge it is. nullopt when the graph is sound. Linear in processes + edges.
std::optional<GraphProblem> check_dependencies(const AppSpec& app);

}  // namespace bgo::app
