// SPDX-License-Identifier: MIT
// Reading the YAML files bgo imports (pm2's ecosystem.yaml, process-compose.yaml) with yaml-cpp:
// merge keys resolved, typed reads that say where a value is wrong.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <yaml-cpp/node/node.h>

#include "common/errors.hpp"

namespace bgo::app {

// Parses `text` (the content of `file`). Anchors and aliases are yaml-cpp's; `<<` merge keys
// (YAML 1.1, which yaml-cpp leaves as plain keys) are applied: keys of the merged map(s) that
// the map does not set itself. Errors: `file:line:column: message` for a syntax error.
Result<YAML::Node> load_yaml(const std::string& text, const std::string& file);

// Typed reads of one value; each error is `file:line:column: what: expected ...`.
class PcYamlReader {
 public:
  explicit PcYamlReader(std::string file) : file_(std::move(file)) {}

  Error error(const YAML::Node& node, const std::string& message) const;
  int line(const YAML::Node& node) const;
  int column(const YAML::Node& node) const;
  const std::string& file() const { return file_; }

  Result<std::string> string(const YAML::Node& node, const std::string& what) const;
  Result<int64_t> integer(const YAML::Node& node, const std::string& what) const;
  Result<double> number(const YAML::Node& node, const std::string& what) const;
  Result<bool> boolean(const YAML::Node& node, const std::string& what) const;
  // A sequence of scalars, or one scalar as a one-element list.
  Result<std::vector<std::string>> strings(const YAML::Node& node, const std::string& what) const;

 private:
  std::string file_;
};

// The scalar text of `node`, or nullopt when it is not a scalar.
std::optional<std::string> scalar_text(const YAML::Node& node);

}  // namespace bgo::app
