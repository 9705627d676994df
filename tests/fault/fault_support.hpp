// SPDX-License-Identifier: MIT
// The fault suite's shared pieces: short or long mode, the one line of figures each scenario
// prints, a process's tag, and the check of numbered log lines. The processes a scenario had
// bgod start are found by marker through process_probe.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {

// BGO_FAULT_LONG=1 selects the full counts; BGO_FAULT_SCALE (a number, default 1)
// multiplies them, for a medium run. Anything else is the short mode ./test.sh runs.
bool long_mode();
// Repetitions (kills, cycles, rounds): scaled by BGO_FAULT_SCALE in long mode.
long count(long short_count, long long_count);
// Sizes (processes, clients): the long mode's as given, never scaled.
long size(long short_size, long long_size);
std::chrono::milliseconds duration(std::chrono::milliseconds short_time,
                                   std::chrono::milliseconds long_time);

// Prints `FAULT <scenario> mode=<short|long> <text>` on stdout and appends the same line to
// the file named by BGO_FAULT_FIGURES, if set (tools/fault.sh collects them there).
void figures(const std::string& scenario, const std::string& text);

// The word after `--tag` in the command line of `pid`, empty if none.
std::string tag_of(pid_t pid);

// What a log file written by `bgo_test_child --seq N` children says. A run begins at a start
// marker (`[Starting]`, `[watch restart]`) and may be ended by bgod's "killed unrecorded"
// marker (then it may be short); within a run the lines must be "seq 1", "seq 2", …
// with nothing missing or repeated, and with `per_run` > 0 every run but the last must reach it.
struct SeqReport {
  int64_t runs = 0;
  int64_t lines = 0;       // "seq" lines read
  int64_t lost = 0;        // numbers skipped, and lines missing at the end of a finished run
  int64_t duplicated = 0;  // numbers seen again (or going back) within a run
  int64_t other = 0;       // lines that are neither a marker nor "seq K"
  int64_t killed = 0;      // runs ended by "[bgod] killed unrecorded" (a spawn no file knew)
  std::string first_problem;
};
SeqReport check_seq_log(const std::filesystem::path& log, int64_t per_run);

// Resident set (kB) and open descriptors of a live process.
int64_t rss_kb(pid_t pid);
int64_t fd_count(pid_t pid);

// Parses every procs/*.json of `home`; names those that are not a JSON object.
std::set<std::string> unreadable_state_files(const std::filesystem::path& home);

// Pids of the rows of `bgo status --json` (`rows`) that are online.
std::set<pid_t> online_pids(const boost::json::value& rows);

// Marker lines of bgod's containing `what` in the stdout logs under `home`. The default, "[bgod]
// killed unrecorded": runs a bgod spawned just before it was killed, killed by the next bgod;
// "[bgod] exited unrecorded": such runs that exited before the next bgod, whose output it took
// through the spawn journal (docs/reliability.md).
int64_t killed_unrecorded_markers(const std::filesystem::path& home,
                                  std::string_view what = "[bgod] killed unrecorded");

}  // namespace bgo::test::fault
