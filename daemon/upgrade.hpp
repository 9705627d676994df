// SPDX-License-Identifier: MIT
// Live upgrade: bgod re-executes itself in place (same pid), handing its state to the new image.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "daemon/os/handover.hpp"
#include "daemon/os/image_swap.hpp"
#include "daemon/os/systemd.hpp"
#include "daemon/rpc/services.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

class Supervisor;
class EventHub;
struct WatchCarry;
class PosixProcess;

// The sequence (docs/architecture.md, "Live upgrade"): check the new binary (ImageCheck), hold
// the clients (no new connection accepted, no new request read: the listening socket stays
// open, so clients wait in its backlog), wait until every request read has been answered and
// no child is between two phases, answer the upgrade request, let the answers be written, then
// write the hand-over to a memfd, clear close-on-exec on exactly the descriptors it names and
// execve the new binary with `--handover FD`. Any failure before the exec releases the clients
// and answers the error; bgod goes on as before.
class Upgrader {
 public:
  struct Hooks {
    std::function<Handover()> fixed;      // lock, sockets and notify socket: all but the children
    std::function<void(bool held)> hold;  // stop or resume accepting and reading
    std::function<void()> flush_state;    // every queued state file on disk, the writer ended
  };
  // `args`: bgod's arguments (without argv[0] and --handover), given to the new image too.
  // `upgrades`: how many upgrades came before this image. `last_error`: why the last upgrade
  // failed, when this image was exec'd back by the next one (Handover::refused), else empty.
  Upgrader(boost::asio::io_context& io, Supervisor& supervisor, EventHub& hub,
           PosixProcess& processes, const Notifier& notifier, Hooks hooks,
           std::vector<std::string> args, uint64_t upgrades, std::string last_error);
  ~Upgrader();
  Upgrader(const Upgrader&) = delete;
  Upgrader& operator=(const Upgrader&) = delete;

  // Starts an upgrade to `path` (empty: the binary bgod was started from). `done` gets the
  // new binary's version just before the exec, or why the upgrade was refused. `from_request`:
  // asked through the socket, so one request (this one) is still in flight while it waits.
  void request(std::string path, UpgradeDone done, bool from_request);
  // The check's child is bgod's child: its exit comes from the Reaper.
  bool on_exit(pid_t pid, const ExitStatus& status) { return check_.on_exit(pid, status); }
  UpgradeStatus status() const;

 private:
  enum class Step { idle, checking, settling, flushing };
  void on_checked(Result<std::string> version);
  void on_progress();
  void advance();
  void exec_now();
  void fail(const std::string& why);

  boost::asio::io_context& io_;
  Supervisor& supervisor_;
  EventHub& hub_;
  PosixProcess& processes_;
  const Notifier& notifier_;
  Hooks hooks_;
  std::vector<std::string> args_;
  uint64_t upgrades_;
  std::string exe_path_;  // read at startup, before a package manager replaces the file
  UniqueFd self_;         // this image, to come back to (O_PATH)
  ImageCheck check_;
  boost::asio::steady_timer deadline_;
  Step step_ = Step::idle;
  std::string path_;
  std::string version_;
  UpgradeDone done_;
  bool from_request_ = false;
  bool posted_ = false;
  std::string last_error_;
};

// One child's watch and health state for the hand-over (deadlines as ns of CLOCK_MONOTONIC),
// and the watch state of `h` for Supervisor::resume_watch (deadlines back on steady_clock).
HandoverWatch handover_watch(const WatchCarry& w);
std::vector<WatchCarry> carried_watch(const Handover& h);

// In an image started with `--handover FD`: reads the hand-over and makes every descriptor it
// names close-on-exec again. When it cannot be read (another format, garbage), logs why and
// execs the previous image back with the same descriptors and `args`, telling it why in
// $BGOD_HANDOVER_REFUSED (unless this image is that way back already: `returned`); throws when
// it cannot go on. In the image exec'd back (`returned`), the count of upgrades is the one
// before the failed upgrade and `refused` says why it failed.
Handover take_handover(int fd, const std::vector<std::string>& args, bool returned);

}  // namespace bgo::daemon
