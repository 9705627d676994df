// SPDX-License-Identifier: MIT
// What the benches share: running `bgo` with a private home, reading a process's CPU and
// memory from /proc, and printing a distribution on one line.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/types.h>
#include <vector>

namespace bgo::bench {

using Clock = std::chrono::steady_clock;

// This process's environment without any BGO_* variable (nor the names in `drop`, each a
// "NAME=" prefix), then BGO_HOME=`home` (unless empty), then `extra`.
std::vector<std::string> bench_env(const std::string& home,
                                   const std::vector<std::string>& extra = {},
                                   const std::vector<std::string>& drop = {});

// Where a command's stdout and stderr go: inherited, or /dev/null.
enum class Output { shown, quiet_stdout, quiet };

// Runs `args` (args[0] a path) with `env` and waits for it: its exit code, or -1 when it
// could not run or was killed by a signal. With `captured`, its stdout is read into it (and
// `output` only decides stderr).
int run_command(const std::vector<std::string>& args, const std::vector<std::string>& env,
                Output output = Output::quiet_stdout, std::string* captured = nullptr);

// A file's whole text ("" when it cannot be read).
std::string read_text(const std::filesystem::path& path);
// utime + stime of `pid` in clock ticks (/proc/PID/stat fields 14 and 15); 0 when unknown.
long cpu_ticks(pid_t pid);
// VmRSS of `pid` in KiB; 0 when unknown.
long rss_kib(pid_t pid);

double to_ms(Clock::duration d);
// One line: "WHAT n=… median … p90 … p99 … min … max …" of `ms` (or "no samples").
void report(const char* what, std::vector<double> ms);

}  // namespace bgo::bench
