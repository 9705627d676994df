// SPDX-License-Identifier: MIT
// THE loader of procs/: every state file read under the trust rules, for bgod and the client.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/process_record.hpp"

namespace bgo::proto {

// Larger state files are refused (a real one is a few KiB).
inline constexpr std::size_t k_max_state_file_bytes = std::size_t{1024} * 1024;

struct SkippedState {
  std::string file;   // file name inside procs/, e.g. "web.json"
  std::string error;  // why it was skipped, ready to show
};

struct LoadedStates {
  std::vector<ProcessRecord> records;  // in file-name order; a later duplicate name wins
  std::vector<SkippedState> skipped;   // unreadable, untrusted or invalid files
};

// Reads one state file `file` ("web.json") inside the procs/ directory `procs_dir` (a checked
// descriptor from common/home_dir.hpp open_home()): opened with open_under() (no symlink; a
// regular file owned by us, not writable by group or others), at most
// k_max_state_file_bytes, parsed with parse_state(), and its name must be valid and match the
// file name. `shown` (procs/ as a path) is used in messages. Errors: io_error (detail "absent"
// for a missing file) or the parse error.
Result<ProcessRecord> load_state_file(int procs_dir, std::string_view file,
                                      const std::filesystem::path& shown);

// Every `*.json` in `procs_dir`, each through load_state_file(). Never fails: a file that
// cannot be used is listed in `skipped` with the reason.
LoadedStates load_state_dir(int procs_dir, const std::filesystem::path& shown);

}  // namespace bgo::proto
