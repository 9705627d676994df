// SPDX-License-Identifier: MIT
// ReplyView and ProtocolError.
#include "client/reply_view.hpp"

#include <boost/json.hpp>

namespace bgo::client {

namespace json = boost::json;

ProtocolError::ProtocolError(std::string_view method, std::string_view key,
                             std::string_view problem)
    : std::runtime_error("unexpected reply from bgod to '" + std::string(method) + "': " +
                         (key.empty() ? std::string("the reply") : "'" + std::string(key) + "'") +
                         " " + std::string(problem)),
      method_(method),
      key_(key) {}

ReplyView::ReplyView(std::string_view method, const json::value& value, std::string path)
    : method_(method), path_(std::move(path)) {
  if (!value.is_object()) throw ProtocolError(method_, path_, "is not an object");
  object_ = &value.get_object();
}

ReplyView::ReplyView(std::string_view method, const json::object& object, std::string path)
    : method_(method), path_(std::move(path)), object_(&object) {}

std::string ReplyView::path_of(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

void ReplyView::fail(std::string_view key, std::string_view expected) const {
  throw ProtocolError(method_, path_of(key), "is not " + std::string(expected));
}

const json::value& ReplyView::at(std::string_view key) const {
  const json::value* v = object_->if_contains(key);
  if (v == nullptr) throw ProtocolError(method_, path_of(key), "is missing");
  return *v;
}

std::string ReplyView::str(std::string_view key) const {
  const json::value& v = at(key);
  if (!v.is_string()) fail(key, "a string");
  return std::string(v.get_string());
}

std::optional<std::string> ReplyView::opt_str(std::string_view key) const {
  const json::value* v = find(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) fail(key, "a string");
  return std::string(v->get_string());
}

int64_t ReplyView::int64(std::string_view key) const {
  const json::value& v = at(key);
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64() && v.get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v.get_uint64());
  }
  fail(key, "an integer");
}

bool ReplyView::boolean(std::string_view key) const {
  const json::value& v = at(key);
  if (!v.is_bool()) fail(key, "a boolean");
  return v.get_bool();
}

const json::array& ReplyView::array(std::string_view key) const {
  const json::value& v = at(key);
  if (!v.is_array()) fail(key, "an array");
  return v.get_array();
}

ReplyView ReplyView::child(std::string_view key) const {
  const json::value& v = at(key);
  if (!v.is_object()) fail(key, "an object");
  return {method_, v, path_of(key)};
}

std::vector<ReplyView> ReplyView::objects(std::string_view key) const {
  std::vector<ReplyView> out;
  const std::string element = path_of(key) + "[]";
  for (const json::value& v : array(key)) {
    if (!v.is_object()) throw ProtocolError(method_, element, "is not an object");
    out.emplace_back(method_, v, element);
  }
  return out;
}

std::vector<std::string> ReplyView::strings(std::string_view key) const {
  std::vector<std::string> out;
  for (const json::value& v : array(key)) {
    if (!v.is_string()) throw ProtocolError(method_, path_of(key) + "[]", "is not a string");
    out.emplace_back(v.get_string());
  }
  return out;
}

}  // namespace bgo::client
