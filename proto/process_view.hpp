// SPDX-License-Identifier: MIT
// The row (`status --json`, spec §6.7) and detail objects built from a record; used by bgod
// and by the client when it reads the files itself (no daemon, Appendix D #13).
#pragma once

#include <boost/json/object.hpp>

#include "common/paths.hpp"
#include "common/process_record.hpp"
#include "common/usage_text.hpp"

namespace bgo::proto {

// Exactly the original's keys, in order: name pid status cpu mem uptime command cwd
// started_at watch.
boost::json::object row_json(const ProcessRecord& record, bool online, const UsageText& usage);

// A row plus pgid (absent when the file had none), autostart, logs {stdout, stderr, watcher}
// ({path, size} or null), stop_reason, exit_code, exit_signal.
boost::json::object detail_json(const ProcessRecord& record, bool online, const UsageText& usage,
                                const Paths& paths);

}  // namespace bgo::proto
