// SPDX-License-Identifier: MIT
// The registered processes through bgod, or from the files (moved out of save.cpp for bgo
// export --running).
#include "client/commands/registered.hpp"

#include <boost/json.hpp>

#include "client/offline.hpp"
#include "client/reply_view.hpp"

namespace bgo::client {

namespace json = boost::json;

std::optional<std::vector<json::object>> RegisteredProcesses::rows() {
  Connection* conn = ctx_.connection();
  if (conn == nullptr) {
    if (ctx_.autostart()) {
      ctx_.require_connection();
      return std::nullopt;
    }
    offline_ = true;
    return read_offline_state(ctx_.paths()).rows;
  }
  auto r = conn->call("list", json::object{});
  if (!r) {
    ctx_.fail(ctx_.red_x() + " " + r.error().message);
    return std::nullopt;
  }
  std::vector<json::object> out;
  for (const auto& row : ReplyView("list", *r).objects("processes")) {
    out.push_back(row.object());
  }
  return out;
}

const json::object* RegisteredProcesses::detail(const std::string& name) {
  if (auto found = details_.find(name); found != details_.end()) {
    return found->second ? &*found->second : nullptr;
  }
  std::optional<json::object>& slot = details_[name];
  if (offline_) {
    slot = read_offline_detail(ctx_.paths(), name);
  } else if (Connection* conn = ctx_.connection(); conn != nullptr) {
    auto r = conn->call("get", json::object{{"name", name}});
    if (r) {
      slot = ReplyView("get", *r).object();
    } else if (r.error().code != Errc::no_such_process) {
      ctx_.fail(ctx_.red_x() + " " + r.error().message);
      failed_ = true;
    }
  }
  return slot ? &*slot : nullptr;
}

std::string row_name(const json::object& row) {
  const json::value* v = row.if_contains("name");
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace bgo::client
