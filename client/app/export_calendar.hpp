// SPDX-License-Identifier: MIT
// A cron schedule (common/cron.hpp) as systemd.time(7) calendar events, for a timer's
// OnCalendar= lines.
#pragma once

#include <string>
#include <vector>

#include "common/cron.hpp"

namespace bgo::app {

// The OnCalendar= values matching exactly the minutes `schedule` matches, in UTC: one value, or
// two when the schedule restricts both the day of month and the day of week (cron then matches
// either; a calendar event needs both).
std::vector<std::string> calendar_events(const CronSchedule& schedule);

}  // namespace bgo::app
