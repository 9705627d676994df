// SPDX-License-Identifier: MIT
// bgo monit (bgo top): the checks before the full-screen view (client/monit/).
#include <cstdlib>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/monit/session.hpp"

namespace bgo::client {

int cmd_monit(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "monit",
      "A live full-screen view of every process: state, CPU and memory with their last minute, "
      "the selected process's output, and keys to restart, stop, start, delete, watch and "
      "flush it (? shows them). NO_COLOR turns colours off.");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  // A terminal that cannot move its cursor would fill with escape codes: say so instead.
  const char* term = std::getenv("TERM");  // NOLINT(concurrency-mt-unsafe): one thread
  if (term == nullptr || *term == '\0' || std::string_view(term) == "dumb") {
    ctx.fail(ctx.red_x() + " bgo monit needs a terminal that can move its cursor (TERM=" +
             (term != nullptr ? std::string(term) : std::string()) +
             "); bgo status -w works anywhere");
    return 1;
  }
  if (!ctx.stdin_tty() || !ctx.stdout_tty()) {
    ctx.fail(ctx.red_x() +
             " bgo monit needs a terminal on stdin and stdout; bgo status -w works anywhere");
    return 1;
  }
  return monit::run_session(ctx);
}

}  // namespace bgo::client
