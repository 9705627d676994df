// SPDX-License-Identifier: MIT
// The bgo command line: direct mode, subcommands, help, exit codes (spec §2, Appendix D #4).
#pragma once

namespace bgo::client {

// Runs one bgo invocation; returns the exit code. A usage error exits 2 (argparse style); any
// other exception (e.g. a reply of an unexpected shape) prints `bgo: error: <what>` and exits 1.
int run_cli(int argc, char** argv);

}  // namespace bgo::client
