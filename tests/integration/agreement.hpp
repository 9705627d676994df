// SPDX-License-Identifier: MIT
// Whether what bgod says, what it wrote and what runs agree: the final check of the tests that
// throw conflicting or concurrent calls at one bgod.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <sys/types.h>

#include <boost/json/fwd.hpp>

namespace bgo::test {

struct Agreement {
  std::string view;                     // names with their pids or "stopped", then live pids
  std::string why;                      // empty when everything agrees
  std::map<std::string, pid_t> online;  // name -> pid of every entry listed online
};

// Compares `rows` (`bgo status --json`), the state files under `home`/procs and `live` (the
// processes bgod spawned for the test): every entry has a state file and every state file an
// entry; an online entry's file says running with its pid, and that pid is live; a stopped
// entry's file says stopped; every live process is an online entry. Callers wait until `view`
// is the same twice in a row with an empty `why`.
Agreement agreement(const boost::json::value& rows, const std::filesystem::path& home,
                    const std::set<pid_t>& live);

}  // namespace bgo::test
