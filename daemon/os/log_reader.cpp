// SPDX-License-Identifier: MIT
// LogReader.
#include "daemon/os/log_reader.hpp"

#include <sys/stat.h>

namespace bgo::daemon {

std::string LogReader::path(std::string_view name, LogStream stream) const {
  return paths_.log_file(name, stream).string();
}

std::optional<TailResult> LogReader::tail(std::string_view name, LogStream stream, long lines,
                                          const TailOptions& options) {
  return tail_log(paths_.log_file(name, stream), lines, options);
}

bool LogReader::has_output(std::string_view name, LogStream stream) {
  struct stat st {};
  return ::lstat(paths_.log_file(name, stream).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
         st.st_size > 0;
}

}  // namespace bgo::daemon
