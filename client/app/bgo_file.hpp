// SPDX-License-Identifier: MIT
// bgo.yaml (docs/bgo-file.md): found, read and turned into the normalised AppSpec, or refused
// with one `file:line:column: message`.
#pragma once

#include <chrono>
#include <filesystem>
#include <istream>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <boost/system/result.hpp>

#include "client/app/app_spec.hpp"
#include "client/app/file_error.hpp"

namespace bgo::app {

[[noreturn]] inline void throw_exception_from_error(const FileError& error,
                                                    const boost::source_location& /*where*/) {
  throw FileErrorException(error);
}

using AppResult = boost::system::result<AppSpec, FileError>;

struct ParseOptions {
  std::map<std::string, std::string> environment;  // bgo's own: `${VAR}` and empty env values
  std::filesystem::path cwd;                       // the folder of a file read from stdin
  std::chrono::system_clock::time_point now;       // a `cron` must match after it
};

// The file `bgo up` and `bgo config` use without -f: `bgo.yaml`, else `bgo.yml`, in `dir`,
// then in each parent up to `/` (as docker compose looks for compose.yaml). nullopt if none.
std::optional<std::filesystem::path> find_bgo_file(const std::filesystem::path& dir);

// Parses `text`, the content of the file `path` (as the user named it: messages use it; "-"
// for stdin, shown as "<stdin>"). Relative paths inside resolve against the file's folder
// (options.cwd for stdin). Reads the env files the text names and nothing else; starts
// nothing, writes nothing. Errors: the first mistake found, located (docs/bgo-file.md, "Bad
// input"): YAML syntax, unknown key, wrong type, bad value, unreadable env file, unset
// variable, unknown dependency, cycle, two processes of one name.
AppResult parse_bgo_file(std::string_view text, const std::string& path,
                         const ParseOptions& options);

// `-f FILE` semantics: `file` empty searches with find_bgo_file(options.cwd); "-" reads `in`;
// else reads that file (relative to the current directory). Then parse_bgo_file().
AppResult load_bgo_file(const std::string& file, std::istream& in, const ParseOptions& options);

}  // namespace bgo::app
