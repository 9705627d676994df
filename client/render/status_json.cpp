// SPDX-License-Identifier: MIT
// `bgo status --json` output.
#include "client/render/status_json.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "client/render/row_format.hpp"
#include "proto/python_json.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

std::string_view name_of(const json::object& row) {
  const json::value* name = row.if_contains("name");
  return name != nullptr && name->is_string() ? std::string_view(name->get_string()) : "";
}

// status_row(full), cut to `name` and `fields` when there are some.
json::object shown_row(const json::object& full, const std::vector<std::string>* fields) {
  json::object row = status_row(full);
  if (fields == nullptr) return row;
  json::object out;
  for (const auto& kv : row) {
    if (kv.key() == "name" ||
        std::find(fields->begin(), fields->end(), kv.key()) != fields->end()) {
      out.emplace(kv.key(), kv.value());
    }
  }
  return out;
}

}  // namespace

json::object status_row(const json::object& full) {
  json::object row;
  // The original's ten keys, then the C++ bgo's (issue #13): the same list --format takes.
  const auto& keys = row_fields();
  row.reserve(keys.size());
  for (const std::string_view key : keys) {
    const json::value* v = full.if_contains(key);
    row[key] = v != nullptr ? *v : json::value(nullptr);
  }
  // Issue #14's keys only when bgod sent them: a bgod without them gives the rows of before.
  for (const std::string_view key : health_row_fields()) {
    if (const json::value* v = full.if_contains(key)) row[key] = *v;
  }
  // Issue #15's, likewise: only the rows of a project's processes have them.
  for (const std::string_view key : project_row_fields()) {
    if (const json::value* v = full.if_contains(key)) row[key] = *v;
  }
  return row;
}

std::string status_json(const std::vector<json::object>& rows,
                        const std::vector<std::string>* fields) {
  std::vector<const json::object*> sorted;
  sorted.reserve(rows.size());
  for (const auto& r : rows) sorted.push_back(&r);
  // Byte order of UTF-8 is code-point order, as Python sorts str.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return name_of(*a) < name_of(*b); });
  json::array out;
  out.reserve(sorted.size());
  for (const auto* r : sorted) out.emplace_back(shown_row(*r, fields));
  return proto::python_json_dumps(out, 2) + "\n";
}

std::string status_json(const json::object& row, const std::vector<std::string>* fields) {
  return proto::python_json_dumps(shown_row(row, fields), 2) + "\n";
}

std::string status_json_error(std::string_view name) {
  return proto::python_json_compact(
             json::object{{"error", "no process named '" + std::string(name) + "'"}}) +
         "\n";
}

}  // namespace bgo::client
