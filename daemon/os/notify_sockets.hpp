// SPDX-License-Identifier: MIT
// NotifyPort: one sd_notify(3) datagram socket per child that asks, in $BGO_HOME/notify/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/home_dir.hpp"
#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/os/handover.hpp"

namespace boost::asio {
class io_context;
}

namespace bgo::daemon {

using NotifyFields = std::vector<std::pair<std::string, std::string>>;

// The "KEY=VALUE" lines of one sd_notify datagram, in order ("READY=1\nSTATUS=up\n" gives
// {READY,1}, {STATUS,up}). The value is everything after the first '='. Lines that are empty,
// have no '=' or a key that is not [A-Z0-9_]+ are skipped.
NotifyFields parse_notify_message(std::string_view datagram);

// The sockets live in paths.notify_dir(): a folder owned by bgod's uid that only it may enter
// (created 0700; group and other bits are removed from an existing one; one that is a symlink,
// another uid's or writable by others is refused, as procs/ and logs/ are). Each is named by a
// counter ("1.sock"), so its path stays far below sun_path's 108 bytes whatever the process is
// called. SO_PASSCRED is on and a datagram whose sender's uid is not bgod's is dropped; file
// descriptors sent along (sd_notify_barrier's, FDSTORE=1) are closed at once, which is also the
// answer to `BARRIER=1` (not passed on). A datagram is at most k_max_datagram bytes (systemd's
// limit); a longer one is dropped.
// Single-threaded: everything, the callback included, runs on the io_context's thread.
class NotifySockets final : public NotifyPort {
 public:
  // `fields` of each accepted datagram of the socket opened for `name` (never empty). It may
  // call close(), open() or anything else of this object.
  using MessageFn = std::function<void(const std::string& name, NotifyFields fields)>;
  static constexpr std::size_t k_max_datagram = 4096;

  // Removes the socket files an earlier bgod left in the folder when it exists (call it with
  // bgod.lock held); otherwise the folder is created by the first open(). `handed`: the
  // sockets a live upgrade's previous image handed over (each fd owned from now on): each is
  // read on at its path, and never removed as stale; one that is not a socket bound at its
  // path in the folder is closed with a warning. Datagrams that queued meanwhile are read
  // once the loop runs. New sockets are numbered on past the highest handed one.
  NotifySockets(boost::asio::io_context& io, Paths paths, MessageFn on_message,
                std::vector<HandoverNotify> handed = {});
  // Closes and removes every socket.
  ~NotifySockets() override;
  NotifySockets(const NotifySockets&) = delete;
  NotifySockets& operator=(const NotifySockets&) = delete;

  // The socket's path, for the child's NOTIFY_SOCKET; the same path while it stays open.
  // Errors: io_error naming the folder (refused, cannot be created) or the socket (too long a
  // path, bind failure).
  [[nodiscard]] Result<std::string> open(std::string_view name) override;
  // Closes `name`'s socket and removes its file; no-op when it has none.
  void close(std::string_view name) override;
  [[nodiscard]] bool is_open(std::string_view name) const override {
    return entries_.find(name) != entries_.end();
  }
  // Every open socket, for a live upgrade's hand-over (descriptors stay owned here).
  std::vector<HandoverNotify> handover() const;

 private:
  struct Entry;
  Result<void> ensure_dir(CreateDirs create);
  void remove_stale();
  void adopt(HandoverNotify handed);
  void arm(const std::shared_ptr<Entry>& entry);
  void drain(const std::shared_ptr<Entry>& entry);

  boost::asio::io_context& io_;
  Paths paths_;
  MessageFn on_message_;
  UniqueFd dir_;  // notify/, once opened and checked
  uint64_t counter_ = 0;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_;
};

}  // namespace bgo::daemon
