// SPDX-License-Identifier: MIT
// Wall-clock timestamps in the text forms the original bgo writes and reads.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace bgo {

// UTC ISO 8601 as Python's `datetime.now(timezone.utc).isoformat()`:
// `2025-03-01T10:15:42.123456+00:00`, the `.ffffff` part omitted when the microseconds are
// exactly 0. `tp` is truncated (towards the past) to whole microseconds. Used for
// `started_at`, `stopped_at`, `last_restart_at` and the log markers (spec §1.4, §1.7).
[[nodiscard]] std::string iso_utc(std::chrono::system_clock::time_point tp);

// UTC ISO 8601 with whole seconds: `2025-03-01T10:15:42+00:00` (watcher log lines, §1.8).
[[nodiscard]] std::string iso_utc_seconds(std::chrono::system_clock::time_point tp);

// Local time as `ps -o lstart=` prints it, `%a %b %e %H:%M:%S %Y` in the C locale, e.g.
// `Sat Mar  1 10:15:42 2025` (the `pid_start` key, Appendix D #3). Uses the process's TZ
// via localtime_r(); returns an empty string if the time cannot be represented.
[[nodiscard]] std::string lstart_text(std::chrono::system_clock::time_point tp);

// Parses `YYYY-MM-DD[T| ]HH:MM[:SS[.f…]][Z|±HH:MM[:SS]|±HHMM]`, i.e. every form the functions
// above produce and what Python's `isoformat()` writes. A time without an offset (naive) is
// taken as UTC. Fractions may have 1 to 9 digits and are kept to the microsecond (truncated).
// Returns nullopt for anything else, including out-of-range fields and trailing text.
[[nodiscard]] std::optional<std::chrono::system_clock::time_point> parse_iso(std::string_view text);

}  // namespace bgo
