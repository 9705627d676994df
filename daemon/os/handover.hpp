// SPDX-License-Identifier: MIT
// The live-upgrade hand-over: what one bgod image passes to the next across execve, in a memfd.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/errors.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

// The format this source writes and the only one it reads. Raise it whenever a field changes
// meaning or a new one is required; `bgod --handover-check N` answers whether N is readable.
// 1: bgod 0.5.0. 2: `watch` (fast-crash streaks and backoff deadlines); later, optional in
// 2: the restart throttle's recent restarts, health checks, notify sockets.
inline constexpr uint32_t k_handover_version = 2;
// The format this binary writes and reads: what every run-time use asks (never the constant).
// Defined alone in handover_version.cpp, as k_handover_version, so that a test build can link
// another definition with the same daemon library: tests/helpers/bgod_older_format.cpp, a
// bgod that reads format 1 only, for the end-to-end test of the way back after the exec.
uint32_t handover_version();

// A running child handed over: it stays bgod's own child (same pid across exec), so its exit
// is reaped with its real status. `out_fd`/`err_fd` are the read ends of its output pipes.
struct HandoverChild {
  std::string name;
  pid_t pid = 0;
  uint64_t start_ticks = 0;
  int out_fd = -1;
  int err_fd = -1;
};

// A running child's health checks (core HealthCarry): times in ns of CLOCK_MONOTONIC, -1 for
// none. Optional in the format (an image that does not write it has the child taken as
// adopted: ready, no watchdog), so format 2 still.
struct HandoverHealth {
  bool ready = true;
  int64_t ready_deadline_ns = -1;  // required when !ready
  int64_t next_probe_ns = -1;
  int64_t watchdog_ns = -1;
  int64_t live_failures = 0;
  std::optional<bool> live_ok;
  std::string detail;  // written as valid UTF-8 (invalid bytes replaced)
};

// A watched child's fast-crash streak and, in backoff, its restart's deadline: nanoseconds of
// CLOCK_MONOTONIC (steady_clock), which reads the same in the next image of the same process.
struct HandoverWatch {
  std::string name;
  int streak = 0;
  int64_t restart_at_ns = -1;  // -1: no restart pending
  int64_t last_uptime_ms = 0;
  // The restart throttle's recent restarts, ms of CLOCK_MONOTONIC. Optional in the format (an
  // image that does not know it starts the throttle afresh), so format 2 still.
  std::vector<int64_t> recent_restarts_ms;
  std::optional<HandoverHealth> health;
};

// A child's sd_notify socket, open and bound at `path` (in $BGO_HOME/notify/, which the child's
// NOTIFY_SOCKET names): the next image reads it on, so no datagram is lost. Optional in the
// format (an image that does not write the list closes the sockets; the next removes their
// files), so format 2 still.
struct HandoverNotify {
  std::string name;  // the process
  std::string path;
  int fd = -1;
};

// Everything bgod's state files do not hold. Descriptors are numbers valid in the new image
// (execve keeps them, since their close-on-exec flag was cleared); -1 when absent.
struct Handover {
  uint32_t version = handover_version();
  int old_exe_fd = -1;    // the previous image (O_PATH): exec'd back if this one cannot go on
  uint64_t upgrades = 0;  // live upgrades since bgod started, this one included
  int lock_fd = -1;       // holds flock(bgod.lock)
  int listen_fd = -1;     // the control socket, listening
  bool listen_from_systemd = false;  // socket activation: never unlinked on exit
  std::string notify_socket;         // $NOTIFY_SOCKET taken at the first start
  int keeper_fd = -1;                // the pipe keeper's socket, and its pid
  pid_t keeper_pid = 0;
  int metrics_fd = -1;  // --metrics-listen's listening socket, and its URL
  std::string metrics_url;
  std::vector<HandoverChild> children;
  std::vector<HandoverWatch> watch;
  std::vector<HandoverNotify> notify_sockets;
  // Not in the format: in the image exec'd back, why the next one refused (take_handover).
  std::string refused;
};

// Every descriptor `h` names, for clearing and restoring close-on-exec.
std::vector<int> handover_fds(const Handover& h);

// The bytes of the format: one header line "bgod-handover VERSION OLD_EXE_FD\n" (fixed across
// versions, so any image can find the way back) and a JSON object.
std::string encode_handover(const Handover& h);
// Errors (invalid_params, message for bgod.log): not a hand-over, a version other than
// handover_version() ("hand-over format 3 is not supported (this bgod reads 2)"), malformed.
Result<Handover> decode_handover(std::string_view bytes);
// The previous image's descriptor from the header alone; -1 when even that is unreadable.
int handover_old_exe_fd(std::string_view bytes);

// Writes `h` to a new memfd (close-on-exec until the caller clears it, offset 0), sealed
// against any write, truncation or growth.
Result<UniqueFd> write_handover_memfd(const Handover& h);
// Reads the whole of `fd` (a memfd from write_handover_memfd) from offset 0.
Result<std::string> read_handover_bytes(int fd);

// Sets FD_CLOEXEC on every descriptor from 3 up (close_range, else /proc/self/fd), so that an
// exec keeps exactly the ones cleared afterwards: Asio's accepted sockets, for one, are not
// close-on-exec. False on failure.
bool set_cloexec_from_3();
// Sets or clears FD_CLOEXEC on each of `fds` (negative entries skipped). False on failure.
bool set_cloexec(const std::vector<int>& fds, bool on);

}  // namespace bgo::daemon
