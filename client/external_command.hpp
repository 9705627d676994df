// SPDX-License-Identifier: MIT
// Runs a helper program (systemctl) to completion with a deadline, capturing its output.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace bgo::client {

struct ToolResult {
  int code = 127;   // exit code; 127 when it could not be launched, 124 on timeout,
                    // 128 + N when killed by signal N
  std::string out;  // its stdout
  std::string err;  // its stderr (or why it could not run)
  bool ok() const { return code == 0; }
  // stderr, else stdout, trimmed: the text to quote in a message.
  std::string message() const;
};

// Runs `argv` (argv[0] looked up on PATH) with stdin on /dev/null, default signal dispositions
// and this process's environment. Blocks until it exits; after `timeout` it is killed (SIGKILL)
// and reaped. Only for the CLI: bgod never runs programs this way.
ToolResult run_tool(const std::vector<std::string>& argv,
                    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace bgo::client
