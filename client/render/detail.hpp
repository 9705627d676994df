// SPDX-License-Identifier: MIT
// The single-process detail view of `bgo status <name>` / `bgo <name>` (spec §6.6).
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "client/render/style.hpp"

namespace bgo::client {

// Renders `detail`: a §6.7 row plus `pgid` (int, null, or absent), `autostart` (string) and
// `logs` ({"stdout", "stderr", "watcher"}, each null or {"path": string, "size": int}).
// A missing key prints "N/A" and a JSON null prints "None" (Python's rendering). CPU, MEM and
// Uptime appear only when online; a log line only when its entry is non-null. The Watch
// section appears for a non-empty watch object; its Watcher line reads "bgod" when
// `daemon_running` and the block is enabled and not errored, else "not running". Issue #14: the
// status reads "starting" (online, not ready) or "waiting"; the health state lines follow the
// last exit and the "Health and order:" section precedes the Watch section (client/render/
// health.hpp). Every line ends with '\n'.
std::string render_detail(const boost::json::object& detail, const Style& style,
                          bool daemon_running);

}  // namespace bgo::client
