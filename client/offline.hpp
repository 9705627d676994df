// SPDX-License-Identifier: MIT
// The recorded state read straight from the files, for read-only commands when no bgod runs
// and BGO_NO_AUTOSTART is set (spec Appendix D #13).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "common/paths.hpp"

namespace bgo::client {

struct OfflineState {
  std::vector<boost::json::object> rows;  // sorted by name
  std::vector<std::string> broken;        // "<file>: <error>"
};
OfflineState read_offline_state(const Paths& paths);
std::optional<boost::json::object> read_offline_detail(const Paths& paths, const std::string& name);

}  // namespace bgo::client
