// SPDX-License-Identifier: MIT
// The bgo command line: direct mode, subcommands, help, exit codes (spec §2, Appendix D #4).
#pragma once

namespace bgo::client {

// Runs one bgo invocation; returns the exit code.
int run_cli(int argc, char** argv);

}  // namespace bgo::client
