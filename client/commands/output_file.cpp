// SPDX-License-Identifier: MIT
// choose_output / write_output.
#include "client/commands/output_file.hpp"

#include <iostream>
#include <sys/stat.h>

#include "common/atomic_file.hpp"

namespace bgo::client {

std::optional<OutputFile> choose_output(Context& ctx, const std::string& given, bool force) {
  OutputFile out;
  out.given = given.empty() ? "bgo.yaml" : given;
  if (out.given == "-") {
    out.folder = std::filesystem::current_path();
    return out;
  }
  out.target = std::filesystem::absolute(out.given).lexically_normal();
  out.folder = out.target.parent_path();
  std::error_code ec;
  if (std::filesystem::exists(out.target, ec) && !force) {
    ctx.fail(ctx.red_x() + " " + out.given + " exists; --force replaces it");
    return std::nullopt;
  }
  return out;
}

bool write_output(Context& ctx, const OutputFile& output, const std::string& text) {
  if (output.to_stdout()) {
    std::cout << text << std::flush;
    return true;
  }
  if (auto written = write_file_atomically(output.target, text); !written) {
    ctx.fail(ctx.red_x() + " cannot write " + output.given + ": " + written.error().message);
    return false;
  }
  // The temp file was 0600; a bgo.yaml is no secret of bgo's: the umask decides, as for any file.
  const mode_t mask = ::umask(0);
  (void)::umask(mask);  // restores the mask read above; cannot fail
  std::error_code ec;
  std::filesystem::permissions(output.target, static_cast<std::filesystem::perms>(0666 & ~mask),
                               ec);
  return true;
}

}  // namespace bgo::client
