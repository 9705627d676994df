// SPDX-License-Identifier: MIT
// Everything `bgo monit` shows and decides, without a terminal or a socket: keys, events, log
// chunks and replies go in; requests to send and the state to draw come out. The imperative
// shell (session.cpp) owns the connection and the screen; the tests drive this directly.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "client/monit/keymap.hpp"
#include "client/monit/log_buffer.hpp"
#include "client/monit/process_table.hpp"
#include "common/errors.hpp"

namespace bgo::client::monit {

// Why a request was sent, so that its reply finds its way back.
enum class Purpose { list, follow, unfollow, action, detail };

struct Request {
  std::string method;
  boost::json::object params;
  Purpose purpose = Purpose::action;
  std::string name;       // the process it is about ("" for list)
  std::uint64_t tag = 0;  // list: event_seq() when sent; follow: its generation
  std::string doing;      // action: "restart", "start", "stop", ... for the status line
};

enum class LogSource { output, watcher };  // stdout and stderr, or the watcher log
enum class Tone { info, ok, error };

struct StatusLine {
  std::string text;
  Tone tone = Tone::info;
};

struct Confirmation {
  Action action = Action::none;  // remove or flush
  std::string name;
  std::string question;  // "Delete 'web' (running: it is stopped first)? [y/N]"
};

// The detail of one process (`bgo NAME`'s view) in place of the log pane.
struct DetailPane {
  std::string name;
  std::vector<std::string> lines;  // empty while the `get` is on its way
  std::size_t scroll = 0;          // first line shown
};

class Model {
 public:
  // The longest tail read when paging back (bgod caps a tail at 128 KiB anyway).
  static constexpr std::size_t k_max_history_lines = 5000;
  // How long a process whose output outran this screen is not followed.
  static constexpr std::chrono::seconds k_flood_pause{1};

  struct Options {
    LogBuffer::Limits log_limits;
    std::size_t history_lines = 200;       // lines of each stream read when a process is selected
    std::vector<std::string> restart_env;  // `restart`'s env (used only by records without one)
    bool unicode = true;                   // the detail view's glyphs
    // A selection held this long is followed (scrolling through the list follows none).
    std::chrono::milliseconds follow_delay{60};
  };

  Model() : Model(Options{}) {}
  explicit Model(Options options);

  // ---- input ----
  void on_key(Key key, Clock::time_point now);
  // An `event` or `log` notification.
  void on_notification(std::string_view method, const boost::json::object& params,
                       Clock::time_point now, std::chrono::system_clock::time_point wall);
  void on_reply(const Request& request, const Result<boost::json::value>& reply,
                Clock::time_point now);
  // The connection closed: nothing is followed, the screen offers to reconnect.
  void on_disconnected();
  // Connected (again) and subscribed to `version`'s events; the selection is followed anew.
  void on_connected(std::string version);
  // bgod closed the connection although it still answers: this screen fell 8 MiB behind the
  // output it follows (docs/protocol.md, "Slow subscribers"). Connected again (to `version`);
  // the selection is followed again after `k_flood_pause`, with its newest lines.
  void on_cut_off(std::string version, Clock::time_point now);
  // A reconnection failed (`why` goes to the status line); the offer stands.
  void on_reconnect_failed(std::string why) { say(std::move(why), Tone::error); }
  // SIGINT, SIGTERM, SIGHUP or a terminal gone: quit whatever the mode.
  void quit_now() { quit_ = true; }
  // Once per frame, before drawing: ends the log pane's window (LogBuffer::end_window) and
  // keeps a reader who scrolled back on the same lines.
  void end_frame();
  // The heights of the list and the log pane in the last frame (for paging and scrolling).
  void set_pane_heights(std::size_t list_rows, std::size_t log_rows);

  // ---- output ----
  // The `list` to send now (the shell sends one a second).
  Request list_request() const;
  // Requests made since the last call, and the follow of the selection once it has held
  // still for `follow_delay` (with the unfollow of the previous one).
  std::vector<Request> take_requests(Clock::time_point now);
  // When take_requests() will have something without new input (a pending follow).
  std::optional<Clock::time_point> wake_at() const;
  bool quit() const { return quit_; }
  // The user asked to reconnect (read once).
  bool take_reconnect();

  // ---- state to draw ----
  Mode mode() const { return mode_; }
  const ProcessTable& table() const { return table_; }
  const LogBuffer& log() const { return log_; }
  const std::string& followed() const { return followed_; }
  bool following_live() const { return live_; }
  LogSource source() const { return source_; }
  bool timestamps() const { return timestamps_; }
  std::size_t log_scroll() const { return log_scroll_; }  // lines back from the newest
  std::size_t list_top() const { return list_top_; }      // first row of the list shown
  const std::string& log_note() const { return log_note_; }
  const StatusLine& status() const { return status_; }
  const std::optional<Confirmation>& confirmation() const { return confirmation_; }
  const std::optional<DetailPane>& detail() const { return detail_; }
  const std::string& version() const { return version_; }
  bool connected() const { return connected_; }
  bool unicode() const { return options_.unicode; }

 private:
  void on_list_key(const Binding& binding, Clock::time_point now);
  void act(Action action, const Entry& entry);
  void on_action_reply(const Request& request, const Result<boost::json::value>& reply);
  void on_follow_reply(const Request& request, const Result<boost::json::value>& reply);
  void on_detail_reply(const Request& request, const Result<boost::json::value>& reply);
  void on_event(const Event& event, Clock::time_point now);
  void selection_moved(Clock::time_point now);
  void sort_step(int step);
  void say(std::string text, Tone tone) { status_ = StatusLine{std::move(text), tone}; }
  void request_detail(const std::string& name);
  void refollow();

  Options options_;
  ProcessTable table_;
  LogBuffer log_;
  Mode mode_ = Mode::list;
  std::vector<Request> outbox_;
  bool quit_ = false;
  bool reconnect_ = false;
  bool connected_ = false;
  std::string version_;
  StatusLine status_;
  std::optional<Confirmation> confirmation_;
  std::optional<DetailPane> detail_;
  std::string filter_before_;  // restored by Esc while typing a filter

  // The log pane: what this connection follows, and whether its tail has come.
  std::string followed_;
  std::uint64_t follow_generation_ = 0;
  bool live_ = false;
  bool refollow_ = false;  // follow the selection again (another source, more history)
  Clock::time_point selection_changed_at_{};
  Clock::time_point follow_paused_until_{};  // after a cut-off (on_cut_off)
  LogSource source_ = LogSource::output;
  bool timestamps_ = false;
  std::size_t history_lines_;
  bool history_truncated_ = false;  // the log has more than the tail read
  std::string log_note_;            // why the pane is empty ("no output yet", an error)
  std::size_t log_scroll_ = 0;
  std::uint64_t log_added_seen_ = 0;
  std::size_t list_rows_ = 10;
  std::size_t log_rows_ = 10;
  std::size_t list_top_ = 0;
};

}  // namespace bgo::client::monit
