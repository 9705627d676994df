// SPDX-License-Identifier: MIT
// Error names and the assertion handler.
#include "common/errors.hpp"

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace bgo {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::internal:
      return "internal";
    case Errc::invalid_params:
      return "invalid_params";
    case Errc::no_such_process:
      return "no_such_process";
    case Errc::already_running:
      return "already_running";
    case Errc::invalid_state:
      return "invalid_state";
    case Errc::spawn_failed:
      return "spawn_failed";
    case Errc::invalid_name:
      return "invalid_name";
    case Errc::exited_at_once:
      return "exited_at_once";
    case Errc::stop_failed:
      return "stop_failed";
    case Errc::io_error:
      return "io_error";
  }
  return "internal";
}

std::string_view to_string(SpawnFailure failure) {
  switch (failure) {
    case SpawnFailure::not_found:
      return "not_found";
    case SpawnFailure::permission:
      return "permission";
    case SpawnFailure::bad_cwd:
      return "bad_cwd";
    case SpawnFailure::resources:
      return "resources";
    case SpawnFailure::other:
      return "other";
  }
  return "other";
}

std::optional<SpawnFailure> parse_spawn_failure(std::string_view text) {
  for (auto f : {SpawnFailure::not_found, SpawnFailure::permission, SpawnFailure::bad_cwd,
                 SpawnFailure::resources, SpawnFailure::other}) {
    if (to_string(f) == text) return f;
  }
  return std::nullopt;
}

void throw_exception_from_error(const Error& error, const boost::source_location&) {
  throw std::runtime_error(error.message);
}

void assert_fail(const char* expr, const char* message, const char* file, int line) {
  (void)std::fprintf(stderr, "bgo: assertion failed at %s:%d: %s (%s)\n", file, line, message,
                     expr);
  std::abort();
}

}  // namespace bgo
