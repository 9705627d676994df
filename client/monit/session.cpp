// SPDX-License-Identifier: MIT
// run_session: the loop. Nothing here decides anything the model can decide.
#include "client/monit/session.hpp"

#include <array>
#include <cerrno>
#include <clocale>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <langinfo.h>
#include <map>
#include <poll.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "client/autostart.hpp"
#include "client/monit/curses_screen.hpp"
#include "client/monit/frame.hpp"
#include "client/monit/model.hpp"
#include "common/unique_fd.hpp"

namespace bgo::client::monit {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

constexpr auto k_list_every = std::chrono::seconds(1);  // the one poll: CPU and memory
constexpr auto k_frame_every = milliseconds(33);        // at most 30 frames a second
// Messages from bgod handled before the screen and the keys get a turn again: a process
// flooding its log cannot starve them.
constexpr auto k_drain_budget = milliseconds(20);

// The write end of the self-pipe, for the handler (a plain int: async-signal-safe).
volatile std::sig_atomic_t g_signal_fd = -1;

extern "C" void on_signal(int signo) {
  const int saved = errno;
  const auto byte = static_cast<unsigned char>(signo);
  (void)::write(g_signal_fd, &byte, 1);  // a full pipe already holds a wake-up
  errno = saved;
}

// SIGINT, SIGTERM, SIGHUP and SIGWINCH as bytes on a pipe that poll(2) watches with the rest.
// Installed before ncurses starts, so that ncurses keeps its hands off them (it catches only
// signals left at their default); the destructor puts the old handlers back.
class SignalPipe {
 public:
  SignalPipe() {
    auto pipe = make_pipe();
    if (!pipe) return;
    pipe_ = std::move(*pipe);
    (void)::fcntl(pipe_.write.get(), F_SETFL, O_NONBLOCK);  // the handler must never block
    g_signal_fd = pipe_.write.get();
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      (void)::sigaction(k_signals[i], &action, &saved_[i]);
    }
  }
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;
  ~SignalPipe() {
    if (!pipe_.read) return;
    for (std::size_t i = 0; i < k_signals.size(); ++i) {
      (void)::sigaction(k_signals[i], &saved_[i], nullptr);
    }
    g_signal_fd = -1;
  }
  int fd() const { return pipe_.read.get(); }
  // The signals that came since the last call.
  std::vector<int> take() const {
    std::vector<int> out;
    unsigned char buf[64];
    for (ssize_t n; (n = ::read(pipe_.read.get(), buf, sizeof buf)) > 0;) {
      out.insert(out.end(), buf, buf + n);
    }
    return out;
  }

 private:
  static constexpr std::array k_signals = {SIGINT, SIGTERM, SIGHUP, SIGWINCH};
  Pipe pipe_;
  std::array<struct sigaction, k_signals.size()> saved_{};
};

// hello and subscribe on a new connection; bgod's version, or why not.
Result<std::string> greet(Connection& conn) {
  auto hello = conn.call("hello", json::object{}, std::chrono::seconds(10));
  if (!hello) return hello.error();
  std::string version;
  if (const auto* o = hello->if_object()) {
    if (const auto* v = o->if_contains("version"); v != nullptr && v->is_string()) {
      version = v->get_string();
    }
  }
  auto subscribed = conn.call("subscribe", json::object{}, std::chrono::seconds(10));
  if (!subscribed) return subscribed.error();
  return version;
}

bool utf8_locale() {
  const char* codeset = ::nl_langinfo(CODESET);
  return codeset != nullptr && std::strcmp(codeset, "UTF-8") == 0;
}

class Loop {
 public:
  Loop(Context& ctx, Connection& conn, Model& model, CursesScreen& screen, const SignalPipe& sigs)
      : ctx_(ctx), conn_(&conn), model_(model), screen_(screen), signals_(sigs) {}

  // Until the model says quit; true when bgod was gone at that moment.
  bool run() {
    using Clock = std::chrono::steady_clock;
    Clock::time_point next_list = Clock::now();
    Clock::time_point last_frame{};
    bool listed = false;  // no frame before the first list: no flash of an empty screen
    const Clock::time_point started = Clock::now();
    while (!model_.quit()) {
      Clock::time_point now = Clock::now();
      if (conn_ != nullptr) {
        for (Request& r : model_.take_requests(now)) send(std::move(r));
        if (now >= next_list && !list_pending_) {
          send(model_.list_request());
          next_list = std::max(next_list + k_list_every, now);
        }
      }
      listed = listed || seen_list_ || now - started > milliseconds(300);
      if (dirty_ && listed && now - last_frame >= k_frame_every) {
        draw(now);
        last_frame = now;
      }
      // Sleep until something happens, or the next list, frame or follow is due.
      Clock::time_point until = Clock::time_point::max();
      if (conn_ != nullptr) until = next_list;
      if (auto wake = model_.wake_at()) until = std::min(until, *wake);
      if (dirty_) until = std::min(until, last_frame + k_frame_every);
      wait(until);
    }
    return conn_ == nullptr;
  }

 private:
  void wait(std::chrono::steady_clock::time_point until) {
    using Clock = std::chrono::steady_clock;
    int timeout = -1;
    if (until != Clock::time_point::max()) {
      const auto left = std::chrono::ceil<milliseconds>(until - Clock::now()).count();
      timeout = static_cast<int>(std::clamp<int64_t>(left, 0, 60'000));
    }
    std::array<pollfd, 3> fds{{{STDIN_FILENO, POLLIN, 0},
                               {signals_.fd(), POLLIN, 0},
                               {conn_ != nullptr ? conn_->fd() : -1, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), timeout) <= 0) return;  // timeout, or EINTR
    const Clock::time_point now = Clock::now();
    if ((fds[1].revents & POLLIN) != 0) on_signals();
    if ((fds[0].revents & (POLLHUP | POLLERR)) != 0) {
      // The terminal is gone (its window closed): nobody to show anything to.
      quit_now_ = true;
    } else if ((fds[0].revents & POLLIN) != 0) {
      while (auto key = screen_.read_key()) {
        model_.on_key(*key, now);
        dirty_ = true;
      }
    }
    if (quit_now_) model_.quit_now();
    if (conn_ != nullptr && (fds[2].revents & (POLLIN | POLLHUP | POLLERR)) != 0) drain();
    if (model_.take_reconnect()) reconnect();
  }

  void draw(std::chrono::steady_clock::time_point now) {
    model_.end_frame();
    const Frame frame = render_frame(model_, screen_.columns(), screen_.rows(), now);
    screen_.draw(frame);
    model_.set_pane_heights(frame.list_rows, frame.log_rows);
    dirty_ = false;
  }

  void on_signals() {
    for (const int signo : signals_.take()) {
      if (signo == SIGWINCH) {
        screen_.resize();
        dirty_ = true;
      } else {
        quit_now_ = true;  // SIGINT (Ctrl-C), SIGTERM, SIGHUP: leave cleanly
      }
    }
  }

  void send(Request request) {
    const auto id = conn_->send(request.method, json::value(request.params));
    if (!id) {
      lost();
      return;
    }
    if (request.purpose == Purpose::list) list_pending_ = true;
    pending_.emplace(*id, std::move(request));
  }

  // What bgod sent, in order, for at most k_drain_budget.
  void drain() {
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
      bool closed = false;
      auto message = conn_->next_message(milliseconds(0), closed);
      if (closed) {
        lost();
        return;
      }
      if (!message) return;
      const auto now = std::chrono::steady_clock::now();
      dirty_ = true;
      if (message->is_notification) {
        if (message->params.is_object()) {
          model_.on_notification(message->method, message->params.get_object(), now,
                                 std::chrono::system_clock::now());
        }
      } else if (message->id.is_int64()) {
        const auto it = pending_.find(message->id.as_int64());
        if (it != pending_.end()) {
          const Request request = std::move(it->second);
          pending_.erase(it);
          if (request.purpose == Purpose::list) {
            list_pending_ = false;
            seen_list_ = true;
          }
          Result<json::value> reply =
              message->ok ? Result<json::value>(std::move(message->result))
                          : Result<json::value>(boost::system::in_place_error,
                                                proto::from_rpc_error(message->error));
          model_.on_reply(request, reply, now);
        }
      }
      if (now - start > k_drain_budget) return;
    }
  }

  void lost() {
    conn_ = nullptr;
    own_.reset();
    pending_.clear();
    list_pending_ = false;
    dirty_ = true;
    // bgod also closes a connection that falls 8 MiB behind its notifications: a process
    // writing faster than this screen reads. If bgod still answers, that is what happened, and
    // the screen carries on at once (the model pauses that process's log for a moment).
    if (auto again = Connection::connect(ctx_.paths().socket().string())) {
      if (auto version = greet(*again)) {
        own_.emplace(std::move(*again));
        conn_ = &*own_;
        model_.on_cut_off(*version, std::chrono::steady_clock::now());
        return;
      }
    }
    model_.on_disconnected();
  }

  void reconnect() {
    // Starting bgod may take a few seconds: the screen says so first.
    draw(std::chrono::steady_clock::now());
    dirty_ = true;
    auto conn = connect_or_start(ctx_.paths(), ctx_.autostart() ? Autostart::yes : Autostart::no);
    if (!conn) {
      model_.on_reconnect_failed(conn.error().message);
      return;
    }
    own_.emplace(std::move(*conn));
    auto version = greet(*own_);
    if (!version) {
      own_.reset();
      model_.on_reconnect_failed(version.error().message);
      return;
    }
    conn_ = &*own_;
    model_.on_connected(*version);
  }

  Context& ctx_;
  Connection* conn_;
  std::optional<Connection> own_;  // the connection made by a reconnect
  Model& model_;
  CursesScreen& screen_;
  const SignalPipe& signals_;
  std::map<int64_t, Request> pending_;  // sent, not answered yet, by id
  bool list_pending_ = false;
  bool seen_list_ = false;
  bool dirty_ = true;
  bool quit_now_ = false;
};

}  // namespace

int run_session(Context& ctx) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto version = greet(*conn);
  if (!version) {
    ctx.fail(ctx.red_x() + " " + version.error().message);
    return 1;
  }
  (void)std::setlocale(LC_CTYPE, "");  // ncursesw draws UTF-8 only in a UTF-8 locale
  Model::Options options;
  options.restart_env = client_env();
  options.unicode = utf8_locale();
  Model model(std::move(options));
  model.on_connected(*version);

  const SignalPipe signals;
  if (signals.fd() < 0) {
    ctx.fail(ctx.red_x() + " bgo monit: cannot create a pipe");
    return 1;
  }
  auto screen = CursesScreen::open(ctx.out().color);
  if (!screen) {
    ctx.fail(ctx.red_x() + " " + screen.error().message);
    return 1;
  }
  Loop loop(ctx, *conn, model, **screen, signals);
  const bool gone = loop.run();
  screen->reset();  // the terminal is given back before anything is printed
  if (gone) {
    ctx.fail(ctx.red_x() + " bgo monit: bgod went away");
    return 1;
  }
  return 0;
}

}  // namespace bgo::client::monit
