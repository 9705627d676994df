// SPDX-License-Identifier: MIT
// ProbePort on bgod's loop: HTTP GET and TCP connect with Asio, exec probes as children.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <sys/types.h>

#include "common/exit_status.hpp"
#include "daemon/core/ports.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

// Runs one probe attempt per run() (docs/health.md, "Probes"). Each attempt has one deadline,
// `spec.timeout`, from its start to its answer:
//   http  resolve, connect, send `GET target`, read the status line and headers; 2xx/3xx is ok.
//         Details: "HTTP 200", "HTTP 503", "connection refused", "timed out", "cannot resolve h".
//   tcp   resolve and connect; ok once connected ("connected").
//   exec  spawn `spec.argv` (no shell) with `spec.env` and `spec.cwd`, stdio on /dev/null, in a
//         session and process group of its own; ok on exit 0 ("exit 0", "exit 1", "signal 9
//         (Killed)"). At the deadline its group gets SIGKILL and the result is "timed out".
// A bad target or a failed spawn is a failed attempt whose detail says why.
// Single-threaded: run(), on_exit() and every `done` happen on the io_context's thread.
class ProbeRunner final : public ProbePort {
 public:
  explicit ProbeRunner(boost::asio::io_context& io);
  // SIGKILLs the group of every exec probe not yet reaped, so none outlives bgod.
  ~ProbeRunner() override;
  ProbeRunner(const ProbeRunner&) = delete;
  ProbeRunner& operator=(const ProbeRunner&) = delete;

  // `done` runs once, later, on the loop (never inside run()), unless the returned handle is
  // destroyed first. Destroying the handle cancels: sockets are closed, a running exec probe is
  // killed (and still reaped through on_exit()). `done` may destroy the handle or start the
  // next attempt.
  [[nodiscard]] std::unique_ptr<ProbeRun> run(const ProbeSpec& spec,
                                              std::function<void(ProbeResult)> done) override;

  // For the Reaper, before the supervisor sees the exit: true when `pid` was an exec probe's
  // (the status is then consumed here), false for any other pid.
  bool on_exit(pid_t pid, const ExitStatus& status);

  // Exec probes spawned and not yet reaped.
  std::size_t exec_children() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bgo::daemon
