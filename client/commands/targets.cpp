// SPDX-License-Identifier: MIT
// resolve_targets / for_each_target / check_new_name.
#include "client/commands/targets.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "client/reply_view.hpp"

namespace bgo::client {

namespace json = boost::json;

std::optional<std::vector<std::string>> resolve_targets(Context& ctx,
                                                        const std::vector<std::string>& names,
                                                        AllMeans all) {
  if (std::find(names.begin(), names.end(), k_all) == names.end()) {
    for (const auto& n : names) {
      if (!check_name(ctx, n)) return std::nullopt;
    }
    return names;
  }
  auto r = ctx.call("list", json::object{});
  if (!r) return std::nullopt;
  std::vector<std::string> out;
  const auto rows = ReplyView("list", *r).objects("processes");
  for (const auto& row : rows) {
    if (all == AllMeans::online && row.str("status") != "online") continue;
    out.push_back(row.str("name"));
  }
  std::sort(out.begin(), out.end());
  if (rows.empty()) ctx.say("No processes registered.");
  if (!rows.empty() && out.empty()) ctx.say("No process is running.");
  return out;
}

int for_each_target(const std::vector<std::string>& targets,
                    const std::function<int(const std::string&)>& one) {
  int code = 0;
  for (const auto& name : targets) {
    if (one(name) != 0) code = 1;
  }
  return code;
}

bool check_new_name(Context& ctx, const std::string& name) {
  if (name != k_all) return true;
  ctx.fail(ctx.red_x() + " 'all' is reserved: it means every process in stop, restart, delete, " +
           "watch, unwatch and flush; choose another name");
  return false;
}

}  // namespace bgo::client
