// SPDX-License-Identifier: MIT
// Home resolution and directory creation.
#include "common/paths.hpp"

#include <cerrno>
#include <cstdlib>
#include <pwd.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

#include "common/home_dir.hpp"
#include "common/name.hpp"
#include "common/unique_fd.hpp"

namespace bgo {

std::string_view to_string(LogStream stream) {
  switch (stream) {
    case LogStream::out:
      return "stdout";
    case LogStream::err:
      return "stderr";
    case LogStream::watcher:
      return "watcher";
  }
  return "stdout";
}

Result<Paths> Paths::resolve() {
  if (const char* env = std::getenv("BGO_HOME"); env != nullptr && *env != '\0') {
    std::filesystem::path home(env);
    if (!home.is_absolute()) {
      return make_error(Errc::invalid_params,
                        "BGO_HOME must be an absolute path (got '" + std::string(env) + "')");
    }
    return Paths(home.lexically_normal());
  }
  std::string user_home;
  if (const char* env = std::getenv("HOME"); env != nullptr && *env != '\0') {
    user_home = env;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    user_home = pw->pw_dir;
  } else {
    return make_error(Errc::io_error, "cannot determine the home directory (set HOME or BGO_HOME)");
  }
  return Paths(std::filesystem::path(user_home) / ".bgo");
}

std::filesystem::path Paths::state_file(std::string_view name) const {
  BGO_ASSERT(is_valid_name(name), "state path for an invalid name");
  return procs_dir() / (std::string(name) + ".json");
}

std::filesystem::path Paths::log_file(std::string_view name, LogStream stream) const {
  BGO_ASSERT(is_valid_name(name), "log path for an invalid name");
  const char* suffix = stream == LogStream::out   ? ".out.log"
                       : stream == LogStream::err ? ".err.log"
                                                  : ".watcher.log";
  return logs_dir() / (std::string(name) + suffix);
}

Result<void> Paths::ensure_dirs() const {
  auto dirs = open_home(*this, CreateDirs::yes);
  if (!dirs) return dirs.error();
  return {};
}

}  // namespace bgo
