// SPDX-License-Identifier: MIT
// The metrics method: the OpenMetrics text of docs/metrics.md, for `bgo metrics`.
#include <boost/json.hpp>

#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/metrics_report.hpp"
#include "daemon/rpc/services.hpp"
#include "proto/openmetrics.hpp"

namespace bgo::daemon {

namespace json = boost::json;

void register_metrics(Dispatcher& d, Services& s) {
  d.add("metrics", [&s](Call&, const Respond& respond) {
    respond(json::object{{"content_type", proto::k_openmetrics_content_type},
                         {"text", metrics_text(s)}});
  });
}

}  // namespace bgo::daemon
