// SPDX-License-Identifier: MIT
// Reading a whole (small) text file, with a size limit, for bgo.yaml and its env files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <istream>
#include <optional>
#include <string>

namespace bgo::app {

// Files bigger than this are refused (a bgo.yaml of 10,000 processes is about 2 MB).
inline constexpr uint64_t k_max_text_file_bytes = 64ULL * 1024 * 1024;

// The content of `path` (a regular file, a FIFO such as /dev/stdin or `<(...)`), or nullopt
// with `error` set: the system's words ("No such file or directory", "Is a directory") or
// "larger than 64 MiB".
std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& error);
// The same for an open stream (stdin for `-f -`).
std::optional<std::string> read_text_stream(std::istream& in, std::string& error);

}  // namespace bgo::app
