// SPDX-License-Identifier: MIT
// YamlReader: yaml-cpp's tree read with locations; merge keys done here (yaml-cpp 0.7 keeps
// `<<` as an ordinary key).
#include "client/app/yaml_reader.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "client/app/file_error.hpp"
#include "client/did_you_mean.hpp"
#include "common/duration.hpp"
#include "common/size.hpp"
#include "common/words.hpp"

namespace bgo::app {

namespace {

// Work allowed for merge keys in one file, in entries (a merge costs 16): merged mappings that
// merge others can multiply (a "billion laughs" of anchors); past this the file is refused
// rather than expanded. 10,000 processes merging a default block of 10 keys use a fifth of it.
constexpr int64_t k_merge_budget = 1'000'000;
constexpr int64_t k_merge_cost = 16;
constexpr int k_max_merge_depth = 16;

std::string join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string_view kind_of(const YAML::Node& node) {
  if (node.IsMap()) return "a mapping";
  if (node.IsSequence()) return "a list";
  if (node.IsScalar()) return "a string";
  return "empty";
}

bool is_merge_key(const YAML::Node& key) { return key.Tag() == "?" && key.Scalar() == "<<"; }

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// The valid keys `name` was probably meant to be: within two edits, else those it is a prefix
// of or that are a prefix of it (`depends` -> `depends_on`), at least 3 characters shared.
std::vector<std::string> suggestions(const std::string& name,
                                     std::span<const std::string_view> keys) {
  const std::vector<std::string> all(keys.begin(), keys.end());
  auto near = client::closest(name, all, 2);
  if (!near.empty()) return near;
  for (const auto& key : all) {
    const std::size_t shared = std::min(key.size(), name.size());
    if (shared >= 3 && (key.starts_with(name) || name.starts_with(key))) near.push_back(key);
  }
  return near;
}

}  // namespace

YamlReader::YamlReader(std::string file, std::string_view source, VariableLookup lookup)
    : file_(std::move(file)),
      source_(source),
      lookup_(std::move(lookup)),
      merge_budget_(k_merge_budget) {}

Field YamlReader::document() const {
  const SourceLocation start{file_, 1, 1};
  std::vector<YAML::Node> documents;
  try {
    documents = YAML::LoadAll(std::string(source_));
  } catch (const YAML::Exception& e) {
    const SourceLocation where =
        e.mark.line < 0 ? start : SourceLocation{file_, e.mark.line + 1, e.mark.column + 1};
    fail_at(where, "invalid YAML: " + e.msg);
  }
  if (documents.size() > 1) {
    fail_at(at(documents[1], start), "several YAML documents: a bgo file holds one");
  }
  return Field{"", "", documents.empty() ? YAML::Node() : documents.front(), start, start};
}

SourceLocation YamlReader::at(const YAML::Node& node, const SourceLocation& fallback) const {
  // yaml-cpp gives an empty value the mark of whatever follows it: use its key's instead.
  if (!node.IsDefined() || node.IsNull()) return fallback;
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return fallback;
  return {file_, mark.line + 1, mark.column + 1};
}

void YamlReader::fail(const Field& field, const std::string& message) const {
  fail_at(field.where, field.path.empty() ? message : field.path + ": " + message);
}

void YamlReader::wrong_type(const Field& field, std::string_view expected) const {
  fail(field, "must be " + std::string(expected) + ", not " + std::string(kind_of(field.node)));
}

std::vector<Field> YamlReader::entries(const Field& field, const KeySection& section) const {
  std::vector<Field> out;
  std::vector<std::string> seen;
  collect(field, &section, out, seen, 0);
  return out;
}

std::vector<Field> YamlReader::entries(const Field& field) const {
  std::vector<Field> out;
  std::vector<std::string> seen;
  collect(field, nullptr, out, seen, 0);
  return out;
}

// Appends the entries of mapping `field` that `seen` (keys already taken by the caller) does
// not hold. Keys written in this mapping come first in priority, then each merged mapping's;
// the order of `out` is the file's, a merge's entries standing where its `<<` is.
// Recursion: one level per merge, at most k_max_merge_depth.
void YamlReader::collect(  // NOLINT(misc-no-recursion)
    const Field& field, const KeySection* section, std::vector<Field>& out,
    std::vector<std::string>& seen, int depth) const {
  if (!field.node.IsMap()) wrong_type(field, "a mapping");
  if (depth > k_max_merge_depth) fail(field, "merge keys ('<<') nested more than 16 deep");
  if (merge_budget_ < 0) fail(field, "merge keys ('<<') expand to too many entries");
  std::unordered_map<std::string, SourceLocation> own;  // keys written here, first place
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` points into a temporary
    const SourceLocation where = at(key, field.where);
    if (!key.IsScalar()) {
      fail_at(where, (field.path.empty() ? "" : field.path + ": ") + "keys must be plain strings");
    }
    if (is_merge_key(key)) continue;
    const auto [first, inserted] = own.emplace(key.Scalar(), where);
    if (!inserted) {
      fail_at(where, "duplicate key " + in_quotes(key.Scalar()) + " in " +
                         (field.path.empty() ? std::string("the file") : field.path) +
                         " (first at line " + std::to_string(first->second.line) + ")");
    }
  }
  const std::unordered_set<std::string> taken(seen.begin(), seen.end());
  for (auto it = field.node.begin(); it != field.node.end(); ++it) {
    const YAML::Node key = it->first;  // a copy: `it->` points into a temporary
    const SourceLocation key_at = at(key, field.where);
    if (is_merge_key(key)) {
      const YAML::Node value = it->second;
      std::vector<YAML::Node> sources;
      if (value.IsSequence()) {
        for (const auto& source : value) sources.push_back(source);
      } else {
        sources.push_back(value);
      }
      for (const auto& source : sources) {
        const Field merged{field.path, "<<", source, at(source, key_at), key_at};
        if (!source.IsMap())
          fail(merged, "'<<' merges mappings (a mapping's *anchor or a list of them)");
        std::vector<std::string> skip = seen;
        for (const auto& [name, _] : own) skip.push_back(name);
        for (const auto& f : out) skip.push_back(f.key);
        const std::size_t before = out.size();
        collect(merged, section, out, skip, depth + 1);
        merge_budget_ -= static_cast<int64_t>(out.size() - before) + k_merge_cost;
        if (merge_budget_ < 0) fail(merged, "merge keys ('<<') expand to too many entries");
      }
      continue;
    }
    const std::string& name = key.Scalar();
    if (taken.count(name) != 0) continue;
    if (section != nullptr) {
      if (section->extensions && name.starts_with("x-")) continue;
      bool known = false;
      for (const auto k : section->keys) known = known || k == name;
      if (!known) {
        std::string message = "unknown key " + in_quotes(name) +
                              (field.path.empty() ? " at the top level" : " in " + field.path) +
                              "." + client::did_you_mean(suggestions(name, section->keys));
        if (message.back() == '.') {
          std::string list;
          for (const auto k : section->keys) list += (list.empty() ? "" : ", ") + std::string(k);
          message += " Valid keys: " + list + ".";
        }
        fail_at(key_at, message);
      }
    }
    out.push_back(Field{join(field.path, name), name, it->second, at(it->second, key_at), key_at});
  }
}

std::vector<Field> YamlReader::items(const Field& field) const {
  if (field.node.IsScalar()) return {field};
  if (!field.node.IsSequence()) wrong_type(field, "a list or a string");
  std::vector<Field> out;
  std::size_t index = 0;
  for (const auto& item : field.node) {
    const std::string key = std::to_string(index++);
    const SourceLocation where = at(item, field.where);
    out.push_back(Field{field.path + "[" + key + "]", key, item, where, where});
  }
  return out;
}

std::string YamlReader::text(const Field& field) const {
  if (!field.node.IsScalar()) wrong_type(field, "a string");
  const std::string& raw = field.node.Scalar();
  try {
    return interpolate(raw, lookup_);
  } catch (const InterpolationError& e) {
    // Point at the faulty '$' when the scalar is written as is on one line (plain or quoted
    // without escapes); otherwise at the scalar.
    SourceLocation where = field.where;
    const auto pos = static_cast<std::size_t>(field.node.Mark().pos);
    const bool quoted_as_is = pos < source_.size() && (source_[pos] == '"' || source_[pos] == '\'');
    const std::size_t body = quoted_as_is ? pos + 1 : pos;
    if (body <= source_.size() && source_.substr(body, raw.size()) == raw &&
        raw.find('\n') == std::string::npos) {
      where.column += static_cast<int>(e.offset() + (body - pos));
    }
    fail_at(where, (field.path.empty() ? "" : field.path + ": ") + e.what());
  }
}

int64_t YamlReader::integer(const Field& field, int64_t min, int64_t max) const {
  const std::string value = text(field);
  std::string_view digits(value);
  const bool negative = digits.starts_with('-');
  if (negative) digits.remove_prefix(1);
  int64_t n = 0;
  bool ok = !digits.empty() && digits.size() <= 18;
  for (const char c : digits) {
    ok = ok && c >= '0' && c <= '9';
    if (ok) n = n * 10 + (c - '0');
  }
  if (negative) n = -n;
  if (!ok || n < min || n > max) {
    fail(field, "must be a whole number from " + std::to_string(min) + " to " +
                    std::to_string(max) + " (got " + in_quotes(value) + ")");
  }
  return n;
}

bool YamlReader::boolean(const Field& field) const {
  const std::string value = text(field);
  if (value == "true" || value == "True" || value == "TRUE") return true;
  if (value == "false" || value == "False" || value == "FALSE") return false;
  fail(field, "must be true or false (got " + in_quotes(value) + ")");
}

std::chrono::milliseconds YamlReader::duration(const Field& field, std::chrono::milliseconds min,
                                               std::chrono::milliseconds max) const {
  const std::string value = text(field);
  auto parsed = parse_duration(value);
  if (!parsed) fail(field, parsed.error().message);
  if (*parsed < min || *parsed > max) {
    fail(field, "must be from " + format_duration(min) + " to " + format_duration(max) + " (got " +
                    in_quotes(value) + ")");
  }
  return *parsed;
}

uint64_t YamlReader::size(const Field& field) const {
  const std::string value = text(field);
  const auto bytes = parse_size(value);
  if (!bytes)
    fail(field, "invalid size " + in_quotes(value) + " (a number of bytes, 512K, 10M, 1G)");
  return *bytes;
}

std::vector<std::string> YamlReader::command(const Field& field) const {
  std::vector<std::string> argv;
  if (field.node.IsSequence()) {
    for (const auto& item : items(field)) argv.push_back(text(item));
    if (argv.empty()) fail(field, "must not be an empty list");
    return argv;
  }
  if (!field.node.IsScalar()) wrong_type(field, "a list or a string");
  auto words = split_words(text(field));
  if (!words) fail(field, words.error().message);
  return std::move(*words);
}

}  // namespace bgo::app
