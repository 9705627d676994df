// SPDX-License-Identifier: MIT
// Direct mode, `bgo <name|command> …`: argument shapes to a start or a detail view.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace bgo::client {

// True if `program` is an executable found on PATH (`which` semantics). Injected so the
// parsing below stays pure; production passes a real PATH search.
using OnPath = std::function<bool(std::string_view program)>;

inline constexpr std::string_view k_direct_usage = "Usage: bgo <n> -- <command> [args...]";
inline constexpr std::string_view k_direct_usage_watch =
    "Usage: bgo [-w] <n> -- <command> [args...]";

// Spec §2.2 [L]: `tok` contains `/`, or is an executable on PATH (`on_path`, not asked for an
// empty token), or ends (case-insensitively) in .py .sh .js .ts .rb .pl .exe .bin.
// So `my.app` and `myapp` are not commands; `script.py` and `./x` are.
[[nodiscard]] bool looks_like_command(std::string_view tok, const OnPath& on_path);

// Spec §2.2: the basename of `command[0]` (after the last `/`), then the suffixes .py .sh .js
// .ts .rb .pl .exe each removed once, in that order, if the current text ends with it
// (case-sensitive): `./server.sh` → `server`, `x.sh.py` → `x`, `a.py.sh` → `a.py`, `.py` → ``.
// The result may be empty or otherwise invalid; the caller validates it. Empty `command` → ``.
[[nodiscard]] std::string derive_name(const std::vector<std::string>& command);

struct DirectParse {
  enum class Kind {
    detail_or_unknown,   // one token: validate `name`, show its detail view or "Unknown …"
    start,               // start `name` running `command`, watched if `watch`
    usage_error,         // print `usage_message`
    parser_fallthrough,  // one token starting with `-`: hand everything to the normal parser
  };
  Kind kind = Kind::usage_error;
  std::string name;
  std::vector<std::string> command;
  bool watch = false;
  std::string usage_message;
};

// Spec §2.2 [L] for the arguments after `bgo` (`args`, the first not a known command).
// A: exactly one token other than `-w`/`--watch` → `parser_fallthrough` if it starts with
//    `-`, else `detail_or_unknown` with `name` = the token (never starts anything).
// B: strip bgo's `-w`/`--watch` (all of them before the first `--`; without `--`, only a
//    leading run), then: nothing left → `k_direct_usage`; with `--`, name = the first token
//    unless `--` is first, command = all after the first `--`, tokens in between ignored,
//    no/empty name or empty command → `k_direct_usage_watch`; without `--`, name = token 1
//    and command = the rest when token 1 does not look like a command and token 2 does,
//    else command = all and name = derive_name(command). The name is not validated here.
// Empty `args` → usage_error with `k_direct_usage`.
[[nodiscard]] DirectParse parse_direct(const std::vector<std::string>& args, const OnPath& on_path);

// True if `first_arg` selects normal parsing instead of direct mode (spec §2.1 step 3 [L]
// set, plus bgo's own `daemon flush startup unstartup help --version -V show describe jlist`).
[[nodiscard]] bool is_known_command(std::string_view first_arg);

}  // namespace bgo::client
