// SPDX-License-Identifier: MIT
// The file `bgo import` and `bgo save` write a bgo.yaml to: `-o FILE` (default `bgo.yaml` in
// the current folder; `-` for stdout), never replaced without `--force`, written atomically.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "client/command.hpp"

namespace bgo::client {

struct OutputFile {
  std::string given;             // as the user wrote it, for messages ("bgo.yaml", "-")
  std::filesystem::path target;  // absolute and normal; empty for stdout
  std::filesystem::path folder;  // what relative paths in the text are relative to: the
                                 // target's folder, or the current folder for stdout
  bool to_stdout() const { return target.empty(); }
};

// The output `given` names (empty: "bgo.yaml"). When that file exists and not `force`, prints
// "❌ FILE exists; --force replaces it" on stderr and returns nullopt: nothing is written.
std::optional<OutputFile> choose_output(Context& ctx, const std::string& given, bool force);

// Writes `text` to stdout, or to the target through a temp file renamed into place, with the
// permissions the umask gives a new file (a bgo.yaml is no secret of bgo's). On failure prints
// "❌ cannot write FILE: why" and returns false; the target is then as it was.
bool write_output(Context& ctx, const OutputFile& output, const std::string& text);

}  // namespace bgo::client
