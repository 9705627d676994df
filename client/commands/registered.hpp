// SPDX-License-Identifier: MIT
// bgod's view of the registered processes (`list` rows, `get` replies), or the recorded one
// when no bgod runs and none may be started (BGO_NO_AUTOSTART), as `bgo status` reads it. For
// `bgo save` and `bgo export --running`, which turn it back into an application.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client/command.hpp"

namespace bgo::client {

class RegisteredProcesses {
 public:
  explicit RegisteredProcesses(Context& ctx) : ctx_(ctx) {}

  // The rows of `list`; nullopt after printing why.
  std::optional<std::vector<boost::json::object>> rows();

  // The `get` reply of `name`, fetched once; nullptr when it is not registered or bgod failed
  // (then `failed()`, and the reason was printed).
  const boost::json::object* detail(const std::string& name);

  bool failed() const { return failed_; }

 private:
  Context& ctx_;
  bool offline_ = false;
  bool failed_ = false;
  std::map<std::string, std::optional<boost::json::object>> details_;
};

// The `name` of a `list` row ("" when it has none).
std::string row_name(const boost::json::object& row);

}  // namespace bgo::client
