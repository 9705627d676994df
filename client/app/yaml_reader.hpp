// SPDX-License-Identifier: MIT
// Typed, located reads of a yaml-cpp tree for the bgo.yaml parser. Private to client/app: the
// only header that includes yaml-cpp, included by the readers' .cpp files and nothing else.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include <yaml-cpp/yaml.h>

#include "client/app/app_spec.hpp"
#include "client/app/bgo_file_keys.hpp"
#include "client/app/interpolate.hpp"

namespace bgo::app {

// One value of the file: the key it sits under, its node, and where it is.
struct Field {
  std::string path;  // for messages: "processes.api.ready.timeout" ("" for the document)
  std::string key;   // the last part of `path` ("timeout"), the item's index for list items
  YAML::Node node;
  SourceLocation where;      // of the value, or of its key when the value is empty (null)
  SourceLocation key_where;  // of its key (of the item itself in a list)
};

// Every failure throws FileErrorException located at the field, its message starting with the
// field's path. Scalars are read through interpolate() with the current lookup.
class YamlReader {
 public:
  // `file` names the source in messages; `source` is its text (to place errors inside scalars).
  YamlReader(std::string file, std::string_view source, VariableLookup lookup);

  // Parses `source_` as one YAML document (a syntax error, or several documents, throw).
  Field document() const;
  void set_lookup(VariableLookup lookup) { lookup_ = std::move(lookup); }
  const std::string& file() const { return file_; }

  [[noreturn]] void fail(const Field& field, const std::string& message) const;
  [[noreturn]] void wrong_type(const Field& field, std::string_view expected) const;
  bool is_null(const Field& field) const { return field.node.IsNull(); }
  bool is_map(const Field& field) const { return field.node.IsMap(); }
  bool is_list(const Field& field) const { return field.node.IsSequence(); }

  // The entries of the mapping `field`, in file order, with merge keys (`<<: *anchor`, or a
  // list of them) resolved as YAML 1.1 defines them (keys written in the mapping win, then
  // the merged mappings in order). A key given twice, or one not in `section` (the closest
  // valid keys suggested), throws; `x-` keys are dropped where the section allows them.
  std::vector<Field> entries(const Field& field, const KeySection& section) const;
  // The same for a mapping whose keys are names (processes, env, depends_on): any key.
  std::vector<Field> entries(const Field& field) const;
  // The items of a list; a scalar counts as a list of one.
  std::vector<Field> items(const Field& field) const;

  std::string text(const Field& field) const;  // a scalar, interpolated
  int64_t integer(const Field& field, int64_t min, int64_t max) const;
  bool boolean(const Field& field) const;  // true or false (True, TRUE, ...)
  // parse_duration() text, within [min, max] ("must be between 10ms and 30d").
  std::chrono::milliseconds duration(const Field& field, std::chrono::milliseconds min,
                                     std::chrono::milliseconds max) const;
  uint64_t size(const Field& field) const;  // parse_size() text
  // A command: a list is argv (each item a scalar), a string is split_words(); not empty.
  std::vector<std::string> command(const Field& field) const;

 private:
  SourceLocation at(const YAML::Node& node, const SourceLocation& fallback) const;
  void collect(const Field& field, const KeySection* section, std::vector<Field>& out,
               std::vector<std::string>& seen, int depth) const;

  std::string file_;
  std::string_view source_;
  VariableLookup lookup_;
  mutable int64_t merge_budget_;
};

}  // namespace bgo::app
