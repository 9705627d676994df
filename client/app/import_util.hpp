// SPDX-License-Identifier: MIT
// Helpers the importers share: reading text files as their tools do, .env files, commands
// given as shell text, instance expansion, the not-imported list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/app/app_spec.hpp"
#include "client/app/import.hpp"
#include "common/errors.hpp"

namespace bgo::app {

// A file's text without a UTF-8 byte-order mark and with CRLF (and lone CR) line ends made
// LF. Refused above 16 MiB. Errors: io_error naming the file and the system's reason.
Result<std::string> read_text_file(const std::string& path);

// "file:line:column: message" (column left out when 0, line too when 0).
Error located_error(const std::string& file, int line, int column, const std::string& message);

// The environment of `options` (or this process's).
std::map<std::string, std::string> import_environment(const ImportOptions& options);

// foreman's .env rules: `KEY=VALUE` lines (KEY of [A-Za-z0-9_]); 'single' quotes kept
// literally, "double" ones unescaped (\n a newline, \X an X); other lines ignored.
std::map<std::string, std::string> parse_foreman_env(std::string_view text);

// The dotenv rules of godotenv (process-compose's env files): optional `export `, `#` comments,
// KEY=VALUE or KEY: VALUE, quotes ('' literal, "" with \n \t \" \\ escapes and ${VAR}
// expansion from earlier keys), inline ` #` comments after unquoted values.
std::map<std::string, std::string> parse_dotenv(std::string_view text);

// True when `/bin/sh` is needed to run `command` as written: it has a character a shell
// interprets beyond quoting (`$ & | ; < > ( ) * ? [ ] { } ~ # ` and backquote, a newline) or
// starts with an assignment or a shell keyword.
bool needs_shell(std::string_view command);

// The argv a tool that runs `command` through `shell -c` would run: `command` split into words
// when no shell is needed (the same program then runs directly), else {shell, "-c", command}.
std::vector<std::string> shell_command(const std::string& command, const std::string& shell);

// The absolute, lexically normal form of `path` taken from `base` when relative.
std::string absolute_from(const std::string& base, const std::string& path);
// The folder of the absolute file path `file`.
std::string folder_of(const std::string& file);

// Appends `spec` to `app`, or `count` copies named NAME:0 .. NAME:count-1 with BGO_INSTANCE
// set to the index and, when `port_offset`, PORT (which `spec.env` must hold) plus the index.
void add_instances(AppSpec& app, const ProcessSpec& spec, int count, bool port_offset);

// After every process is added: a dependency on a name that add_instances expanded becomes one
// on each instance. Errors: invalid_params for a dependency on an unknown process.
Result<void> resolve_dependencies(AppSpec& app);

void report(AppSpec& app, std::string process, std::string key, std::string why);

// Text of a number for messages and env values: "3", "1.5".
std::string number_text(double value);

}  // namespace bgo::app
