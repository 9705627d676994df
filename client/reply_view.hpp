// SPDX-License-Identifier: MIT
// Checked access to bgod's replies: a reply of an unexpected shape is a ProtocolError naming
// the method and the key, never an abort.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

namespace bgo::client {

// A reply (or notification) from bgod that lacks a key or has one of the wrong type.
// what(): "unexpected reply from bgod to 'METHOD': 'KEY' is missing" (or "is not a string",
// ...; "the reply is not an object" for the whole reply).
class ProtocolError : public std::runtime_error {
 public:
  ProtocolError(std::string_view method, std::string_view key, std::string_view problem);
  const std::string& method() const { return method_; }
  const std::string& key() const { return key_; }

 private:
  std::string method_;
  std::string key_;
};

// A view of one JSON object in the reply to `method`. Every accessor checks presence and type
// and throws ProtocolError otherwise; the key is named by its path ("tails[].stream"). The
// viewed value must outlive the view.
class ReplyView {
 public:
  // Throws ProtocolError when `value` is not an object.
  ReplyView(std::string_view method, const boost::json::value& value, std::string path = {});
  // A view of an object already taken out of a reply (no check needed).
  ReplyView(std::string_view method, const boost::json::object& object, std::string path = {});
  // A view must not outlive what it views: no temporaries.
  ReplyView(std::string_view method, boost::json::value&& value, std::string path = {}) = delete;
  ReplyView(std::string_view method, boost::json::object&& object, std::string path = {}) = delete;

  const boost::json::object& object() const { return *object_; }
  // The value of `key`, of any type (null included).
  const boost::json::value& at(std::string_view key) const;
  // nullptr when `key` is absent.
  const boost::json::value* find(std::string_view key) const { return object_->if_contains(key); }

  std::string str(std::string_view key) const;
  // A string, or nullopt when the key is absent or null.
  std::optional<std::string> opt_str(std::string_view key) const;
  int64_t int64(std::string_view key) const;
  bool boolean(std::string_view key) const;
  const boost::json::array& array(std::string_view key) const;
  ReplyView child(std::string_view key) const;
  // The elements of array `key`: each an object, or each a string.
  std::vector<ReplyView> objects(std::string_view key) const;
  std::vector<std::string> strings(std::string_view key) const;

 private:
  [[noreturn]] void fail(std::string_view key, std::string_view expected) const;
  std::string path_of(std::string_view key) const;

  std::string method_;
  std::string path_;
  const boost::json::object* object_ = nullptr;
};

}  // namespace bgo::client
