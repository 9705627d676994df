// SPDX-License-Identifier: MIT
// The open sessions: fans process events and followed log output out to them, and picks the
// one to evict when the connection cap is reached.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/log_position.hpp"
#include "common/paths.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

class Session;

class EventHub final : public EventSink {
 public:
  void add(const std::shared_ptr<Session>& session);
  void remove(Session* session);
  // `event` notifications to every subscribed session.
  void on_process_event(const ProcessEvent& event) override;
  // `log` notifications to every session following `name`. A multi-byte UTF-8 sequence cut
  // at the end of `data` is held back until the next chunk of the same stream completes it.
  // `end` is the log file's end just after `data`: sessions that asked for positions get the
  // file and the offset after what their notification holds (`end` less what is held back).
  void on_output(const std::string& name, LogStream stream, std::string_view data,
                 const LogPosition& end);
  // Bytes at the end of `name`'s `stream` log held back (above) for the next notification:
  // a follower resumed up to the end less these gets them with that notification.
  size_t held_back(const std::string& name, LogStream stream) const;
  // Forgets what is held back for `name`: called when a first follower of it comes (bytes held
  // while nobody followed any more are in the file, and its catch-up or tail has them).
  void forget_held_back(const std::string& name);
  // Whether some open session follows `name` (LogSink copies output through bgod only then).
  bool followed(const std::string& name) const;
  size_t connections() const { return sessions_.size(); }
  // `event` notifications queued to subscribers since bgod started (one per subscriber).
  uint64_t events_sent() const { return events_sent_; }
  // The session to close to make room for a new one: the longest-idle session that neither
  // waits for a response nor is subscribed/following; failing that the longest-idle
  // subscriber; failing that the longest-idle of all. Null when there are no open sessions.
  std::shared_ptr<Session> pick_victim() const;
  void close_all();

  // Live upgrade (daemon/upgrade.hpp). hold_all() holds or releases every session's reading
  // (Session::hold), also for sessions added later; `on_progress` runs after any request was
  // answered, any write completed, any session closed and any process event, so the upgrade
  // learns without polling when nothing is owed any more.
  void hold_all(bool held);
  // Just before the exec, once every request read has been answered: a `daemon.upgrading`
  // notification to every session, queued behind its answers. It tells the client that the
  // connection is about to close and that any request it sent and has no answer to was not
  // started (held sessions read none), so it may send it again on a new connection.
  void announce_upgrade();
  void set_progress_listener(std::function<void()> on_progress) {
    progress_ = std::move(on_progress);
  }
  // Runs after a session is removed: what it held (a 64 KiB read buffer among others) is free
  // now, and bgod gives freed memory back once a burst is over (os/memory_trim.hpp).
  void set_close_listener(std::function<void()> on_close) { closed_ = std::move(on_close); }
  size_t in_flight() const;     // requests read and not yet answered, over all sessions
  size_t queued_bytes() const;  // bytes waiting to be written, over all sessions

 private:
  std::unordered_set<std::shared_ptr<Session>> sessions_;
  uint64_t events_sent_ = 0;
  bool held_ = false;
  std::function<void()> progress_;
  std::function<void()> closed_;
  // Held-back bytes of an incomplete UTF-8 sequence, by "<name>\0<stream>".
  std::map<std::string, std::string, std::less<>> partial_;
};

// One `log` notification line; with `end`, the position after `text` too (`file`, `offset`).
std::string log_line(const std::string& name, LogStream stream, std::string_view text,
                     const std::optional<LogPosition>& end);

}  // namespace bgo::daemon
