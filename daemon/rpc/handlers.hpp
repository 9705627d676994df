// SPDX-License-Identifier: MIT
// The method groups; register_handlers (services.hpp) calls each.
#pragma once

namespace bgo::daemon {

class Dispatcher;
struct Services;

void register_lifecycle(Dispatcher& d, Services& s);
void register_queries(Dispatcher& d, Services& s);
void register_logs(Dispatcher& d, Services& s);
void register_admin(Dispatcher& d, Services& s);
void register_metrics(Dispatcher& d, Services& s);

}  // namespace bgo::daemon
