// SPDX-License-Identifier: MIT
// One error vocabulary for syscalls, the supervisor and the RPC layer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/system/result.hpp>

#include "common/exit_status.hpp"

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

// Why a program could not be started (refines Errc::spawn_failed).
// `resources`: bgod or the system is out of file descriptors or processes (docs/protocol.md).
enum class SpawnFailure { not_found, permission, bad_cwd, resources, other };
std::string_view to_string(SpawnFailure failure);
std::optional<SpawnFailure> parse_spawn_failure(std::string_view text);

// An error with a message meant for the user ("Command not found: foo"). The typed members
// refine it for code that decides on it; each is meaningful for one `code` only, and the
// JSON-RPC codec (proto/jsonrpc.cpp) is the one place that spells them on the wire.
struct Error {
  Errc code = Errc::internal;
  std::string message;
  std::optional<std::string> param;   // invalid_params: the parameter at fault
  std::optional<int64_t> pid;         // already_running: the pid of the running process
  std::optional<SpawnFailure> spawn;  // spawn_failed: the cause
  std::optional<ExitStatus> exit;     // exited_at_once: how it ended
  std::vector<std::string> names;     // no_such_process for several names: the unknown ones
  std::optional<bool> was_running;    // restart: whether the process ran before the start failed
  std::error_code cause;              // the system error behind it, when there is one
};

[[noreturn]] void throw_exception_from_error(const Error& error,
                                             const boost::source_location& location);

template <class T>
using Result = boost::system::result<T, Error>;

inline Error make_error(Errc code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

// invalid_params about `param`.
inline Error param_error(std::string param, std::string message) {
  Error e = make_error(Errc::invalid_params, std::move(message));
  e.param = std::move(param);
  return e;
}

// An error caused by the system error `errno_value` (kept in `cause`).
inline Error errno_error(Errc code, std::string message, int errno_value) {
  Error e = make_error(code, std::move(message));
  e.cause = std::error_code(errno_value, std::generic_category());
  return e;
}

// True when `error` was caused by a missing file (ENOENT).
inline bool is_missing(const Error& error) {
  return error.cause == std::errc::no_such_file_or_directory;
}

// Logs and aborts: for broken invariants, never for expected failures.
[[noreturn]] void assert_fail(const char* expr, const char* message, const char* file, int line);

}  // namespace bgo

#define BGO_ASSERT(expr, message) \
  ((expr) ? static_cast<void>(0) : ::bgo::assert_fail(#expr, message, __FILE__, __LINE__))
