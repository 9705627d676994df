// SPDX-License-Identifier: MIT
// One error vocabulary for syscalls, the supervisor and the RPC layer.
#pragma once

#include <string>
#include <string_view>

#include <boost/system/result.hpp>

namespace bgo {

// Domain errors. Each maps to exactly one JSON-RPC code in proto/error_codes.cpp.
enum class Errc {
  internal,         // a bug or an unexpected system failure
  invalid_params,   // a parameter is missing or has the wrong type or value
  no_such_process,  // no process registered under that name
  already_running,  // start of a name whose process is online
  invalid_state,    // the operation does not apply in the current state
  spawn_failed,     // the program could not be executed
  invalid_name,     // the name breaks the naming rules
  exited_at_once,   // the child exited within the start probe window
  stop_failed,      // the process survived SIGKILL (should never happen)
  io_error,         // a state or log file could not be read or written
};

std::string_view to_string(Errc code);

// An error with a message meant for the user ("Command not found: foo").
struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::string detail;  // machine-readable refinement, e.g. "not_found" for spawn_failed
};

[[noreturn]] void throw_exception_from_error(const Error& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(Errc code, std::string message, std::string detail = {}) {
  return Error{code, std::move(message), std::move(detail)};
}

// Logs and aborts: for broken invariants, never for expected failures.
[[noreturn]] void assert_fail(const char* expr, const char* message, const char* file, int line);

}  // namespace bgo

#define BGO_ASSERT(expr, message) \
  ((expr) ? static_cast<void>(0) : ::bgo::assert_fail(#expr, message, __FILE__, __LINE__))
