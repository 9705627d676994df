// SPDX-License-Identifier: MIT
// read_text_file / read_text_stream: chunked reads up to the limit, so a FIFO or a huge file
// costs at most 64 MiB and one error.
#include "client/app/text_file.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

namespace bgo::app {

std::optional<std::string> read_text_stream(std::istream& in, std::string& error) {
  std::string out;
  std::array<char, 65536> chunk{};
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    out.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
    if (out.size() > k_max_text_file_bytes) {
      error = "larger than 64 MiB";
      return std::nullopt;
    }
  }
  if (in.bad()) {
    error = "read error";
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> read_text_file(const std::filesystem::path& path, std::string& error) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = std::strerror(EISDIR);
    return std::nullopt;
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::strerror(errno != 0 ? errno : ENOENT);
    return std::nullopt;
  }
  return read_text_stream(in, error);
}

}  // namespace bgo::app
