// SPDX-License-Identifier: MIT
// The method table: every group of methods, registered explicitly (no static registration).
#include "daemon/rpc/handlers.hpp"

#include "daemon/rpc/services.hpp"

namespace bgo::daemon {

void register_handlers(Dispatcher& dispatcher, Services& services) {
  register_lifecycle(dispatcher, services);
  register_queries(dispatcher, services);
  register_logs(dispatcher, services);
  register_admin(dispatcher, services);
  register_metrics(dispatcher, services);
}

}  // namespace bgo::daemon
