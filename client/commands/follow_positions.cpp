// SPDX-License-Identifier: MIT
// FollowPositions.
#include "client/commands/follow_positions.hpp"

#include <optional>

#include <boost/json.hpp>

namespace bgo::client {

namespace json = boost::json;

namespace {

const json::string* string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? &v->get_string() : nullptr;
}

std::optional<std::uint64_t> offset_at(const json::object& o) {
  const json::value* v = o.if_contains("offset");
  if (v == nullptr) return std::nullopt;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  return std::nullopt;
}

}  // namespace

std::optional<std::pair<FollowPositions::Key, FollowPositions::At>> FollowPositions::entry_of(
    const json::object& o) {
  const auto* name = string_at(o, "name");
  const auto* stream = string_at(o, "stream");
  const auto* file = string_at(o, "file");
  const auto offset = offset_at(o);
  if (name == nullptr || stream == nullptr || file == nullptr || !offset) return std::nullopt;
  return std::pair{Key{std::string(*name), std::string(*stream)}, At{std::string(*file), *offset}};
}

void FollowPositions::on_result(const json::value& result) {
  const json::value* list =
      result.is_object() ? result.as_object().if_contains("positions") : nullptr;
  if (list == nullptr || !list->is_array()) return;
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) continue;
    if (auto entry = entry_of(item.as_object())) {
      at_.try_emplace(std::move(entry->first), std::move(entry->second));
    }
  }
}

void FollowPositions::on_log(const json::value& params) {
  if (!params.is_object()) return;
  if (auto entry = entry_of(params.as_object())) {
    at_[std::move(entry->first)] = std::move(entry->second);
  }
}

json::array FollowPositions::resume() const {
  json::array out;
  for (const auto& [key, at] : at_) {
    out.push_back(json::object{
        {"name", key.first}, {"stream", key.second}, {"file", at.file}, {"offset", at.offset}});
  }
  return out;
}

std::vector<std::string> FollowPositions::losses(const json::value& result) {
  std::vector<std::string> out;
  const json::value* list =
      result.is_object() ? result.as_object().if_contains("resumed") : nullptr;
  if (list == nullptr || !list->is_array()) return out;
  for (const auto& item : list->as_array()) {
    if (!item.is_object()) continue;
    const auto& o = item.as_object();
    const auto* name = string_at(o, "name");
    const auto* stream = string_at(o, "stream");
    if (name == nullptr || stream == nullptr) continue;
    const std::string what = std::string(*name) + " " + std::string(*stream);
    if (const auto* reset = string_at(o, "reset")) {
      out.push_back("the log of " + what + " was " + std::string(*reset) +
                    " meanwhile: output may be missing; going on from the start of its file");
    }
    const json::value* skipped = o.if_contains("skipped");
    if (skipped != nullptr && skipped->is_number() && skipped->to_number<double>() > 0) {
      out.push_back(json::serialize(*skipped) + " bytes of " + what +
                    " were left out (more than a catch-up holds); see `bgo logs`");
    }
  }
  return out;
}

}  // namespace bgo::client
