// SPDX-License-Identifier: MIT
// Env files (`env_file:` in bgo.yaml): KEY=VALUE lines as docker compose reads them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/app/interpolate.hpp"

namespace bgo::app {

// Variables in file order; a key given twice appears twice (the later one wins when merged).
using EnvList = std::vector<std::pair<std::string, std::string>>;

// Parses the text of the env file `file` (its name is only for errors), in one pass:
// - blank lines and lines whose first non-blank character is `#` are skipped;
// - `KEY=VALUE`, optionally after `export `; KEY is [A-Za-z_][A-Za-z0-9_.-]*, blanks around
//   `=` are allowed; a line with a KEY alone takes KEY from `lookup` (skipped when unset);
// - VALUE unquoted: up to the end of the line or a ` #` comment, blanks trimmed;
//   'single': literal, may span lines; "double": may span lines, `\n` `\r` `\t` `\"` `\\`
//   `\$` are escapes (other backslashes stay); text after a closing quote must be a comment;
// - `${VAR}` (interpolate()) in unquoted and double-quoted values, from the keys earlier in
//   this file, then `lookup`; single-quoted values are not expanded.
// A CR before a line end is ignored. Throws FileErrorException at `file:line:column`.
EnvList parse_env_file(std::string_view text, const std::string& file,
                       const VariableLookup& lookup);

}  // namespace bgo::app
