// SPDX-License-Identifier: MIT
// yaml-cpp with merge keys and located, typed reads.
#include "client/app/import_yaml.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <set>
#include <yaml-cpp/yaml.h>

#include "client/app/import_util.hpp"

namespace bgo::app {

namespace {

constexpr int k_max_depth = 64;

// Applies every `<<` in place. In place keeps each node's mark (for error locations), and is
// right for aliases too: a map shared through an alias has the same keys at each use.
// NOLINTNEXTLINE(misc-no-recursion): bounded by `depth`
void resolve_merges(YAML::Node node, int depth) {
  if (depth > k_max_depth) return;
  if (node.IsSequence()) {
    for (auto item : node) resolve_merges(item, depth + 1);
    return;
  }
  if (!node.IsMap()) return;
  std::vector<YAML::Node> merged;
  std::set<std::string> own;
  bool has_merge = false;
  for (auto entry : node) {
    resolve_merges(entry.second, depth + 1);
    if (!entry.first.IsScalar()) continue;
    if (entry.first.Scalar() == "<<" && entry.first.Tag() != "!") {
      has_merge = true;
      if (entry.second.IsSequence()) {
        for (const auto& m : entry.second) merged.push_back(m);
      } else {
        merged.push_back(entry.second);
      }
    } else {
      own.insert(entry.first.Scalar());
    }
  }
  if (!has_merge) return;
  (void)node.remove("<<");  // true: the key was just seen
  // Keys of the map itself win, then the merged maps in the order given.
  for (const auto& m : merged) {
    if (!m.IsMap()) continue;
    for (const auto& entry : m) {
      if (!entry.first.IsScalar() || !own.insert(entry.first.Scalar()).second) continue;
      node[entry.first.Scalar()] = entry.second;
    }
  }
}

}  // namespace

Result<YAML::Node> load_yaml(const std::string& text, const std::string& file) {
  try {
    YAML::Node root = YAML::Load(text);
    resolve_merges(root, 0);
    return root;
  } catch (const YAML::Exception& e) {
    return {boost::system::in_place_error,
            located_error(file, e.mark.line + 1, e.mark.column + 1, e.msg)};
  }
}

std::optional<std::string> scalar_text(const YAML::Node& node) {
  if (!node.IsDefined() || !node.IsScalar()) return std::nullopt;
  return node.Scalar();
}

Error PcYamlReader::error(const YAML::Node& node, const std::string& message) const {
  return located_error(file_, line(node), column(node), message);
}

int PcYamlReader::line(const YAML::Node& node) const {
  const auto mark = node.Mark();
  return mark.is_null() ? 0 : mark.line + 1;
}

int PcYamlReader::column(const YAML::Node& node) const {
  const auto mark = node.Mark();
  return mark.is_null() ? 0 : mark.column + 1;
}

Result<std::string> PcYamlReader::string(const YAML::Node& node, const std::string& what) const {
  if (node.IsNull()) return std::string();
  if (!node.IsScalar()) return error(node, what + ": expected a string");
  return node.Scalar();
}

Result<double> PcYamlReader::number(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) return error(node, what + ": expected a number");
  const std::string& text = node.Scalar();
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || end == nullptr || *end != '\0' || errno != 0) {
    return error(node, what + ": expected a number, not '" + text + "'");
  }
  return value;
}

Result<int64_t> PcYamlReader::integer(const YAML::Node& node, const std::string& what) const {
  auto value = number(node, what);
  if (!value) return value.error();
  if (*value != static_cast<double>(static_cast<int64_t>(*value)) || *value > 1e15 ||
      *value < -1e15) {
    return error(node, what + ": expected a whole number, not '" + node.Scalar() + "'");
  }
  return static_cast<int64_t>(*value);
}

Result<bool> PcYamlReader::boolean(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) return error(node, what + ": expected true or false");
  std::string text = node.Scalar();
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text == "true" || text == "yes" || text == "on" || text == "y") return true;
  if (text == "false" || text == "no" || text == "off" || text == "n") return false;
  return error(node, what + ": expected true or false, not '" + node.Scalar() + "'");
}

Result<std::vector<std::string>> PcYamlReader::strings(const YAML::Node& node,
                                                       const std::string& what) const {
  std::vector<std::string> out;
  if (node.IsNull()) return out;
  if (node.IsScalar()) return std::vector<std::string>{node.Scalar()};
  if (!node.IsSequence()) return error(node, what + ": expected a list of strings");
  for (const auto& item : node) {
    if (!item.IsScalar()) return error(item, what + ": expected a list of strings");
    out.push_back(item.Scalar());
  }
  return out;
}

}  // namespace bgo::app
