// SPDX-License-Identifier: MIT
// check_dependencies(): an iterative depth-first search (a chain of 10,000 processes must not
// exhaust the stack), grey nodes being those on the current path.
#include "client/app/dependency_graph.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "client/did_you_mean.hpp"

namespace bgo::app {

namespace {

enum class Mark { white, grey, black };

}  // namespace

std::optional<GraphProblem> check_dependencies(const AppSpec& app) {
  const auto& processes = app.processes;
  std::unordered_map<std::string, std::size_t> index;
  index.reserve(processes.size());
  for (std::size_t i = 0; i < processes.size(); ++i) index.emplace(processes[i].name, i);
  std::vector<std::vector<std::size_t>> edges(processes.size());
  for (std::size_t i = 0; i < processes.size(); ++i) {
    const auto& after = processes[i].policy.after;
    for (std::size_t d = 0; d < after.size(); ++d) {
      const auto found = index.find(after[d].name);
      if (found == index.end()) {
        // Suggestions: other processes, fewer edits away for short names ('zz' is not 'a').
        std::vector<std::string> names;
        names.reserve(processes.size());
        for (const auto& p : processes) {
          if (p.name != processes[i].name) names.push_back(p.name);
        }
        const std::size_t slack = std::clamp<std::size_t>(after[d].name.size() / 2, 1, 2);
        return GraphProblem{i, d,
                            "depends on '" + after[d].name +
                                "', which is not a process of this file." +
                                client::did_you_mean(client::closest(after[d].name, names, slack))};
      }
      edges[i].push_back(found->second);
    }
  }
  std::vector<Mark> mark(processes.size(), Mark::white);
  std::vector<std::pair<std::size_t, std::size_t>> path;  // (process, next edge to follow)
  for (std::size_t root = 0; root < processes.size(); ++root) {
    if (mark[root] != Mark::white) continue;
    mark[root] = Mark::grey;
    path.emplace_back(root, 0);
    while (!path.empty()) {
      auto& [u, next] = path.back();
      if (next == edges[u].size()) {
        mark[u] = Mark::black;
        path.pop_back();
        continue;
      }
      const std::size_t edge = next++;
      const std::size_t v = edges[u][edge];
      if (mark[v] == Mark::white) {
        mark[v] = Mark::grey;
        path.emplace_back(v, 0);
        continue;
      }
      if (mark[v] == Mark::black) continue;
      // v is on the path: the cycle is v ... u, then back to v; named from u.
      const std::size_t from = u;
      const auto start =
          std::find_if(path.begin(), path.end(), [v](const auto& step) { return step.first == v; });
      std::string cycle = processes[from].name;
      for (auto it = start; it + 1 != path.end(); ++it) cycle += " -> " + processes[it->first].name;
      cycle += " -> " + processes[from].name;
      return GraphProblem{from, edge, "dependency cycle: " + cycle};
    }
  }
  return std::nullopt;
}

}  // namespace bgo::app
