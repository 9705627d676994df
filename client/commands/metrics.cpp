// SPDX-License-Identifier: MIT
// `bgo metrics`: bgod's metrics page (docs/metrics.md) as it is, the OpenMetrics text.
#include <iostream>

#include <boost/json.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/reply_view.hpp"

namespace bgo::client {

namespace json = boost::json;

int cmd_metrics(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "metrics",
      "Print bgod's metrics in the OpenMetrics text format, as Prometheus scrapes them from "
      "bgod --metrics-listen (see docs/metrics.md)");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  auto r = ctx.call("metrics", json::object{});
  if (!r) return 1;
  // Written as bgod sent it: the text ends in "# EOF\n", and a scraper-like reader of the
  // output must see exactly that.
  std::cout << ReplyView("metrics", *r).str("text") << std::flush;
  return 0;
}

}  // namespace bgo::client
