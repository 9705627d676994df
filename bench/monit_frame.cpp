// SPDX-License-Identifier: MIT
// Frame time of `bgo monit` with N processes (issue #20: under 16 ms with 1,000), the cost of
// its one-second `list` refresh, and how fast it absorbs a log flood. Method and results:
// bench/README.md.
//
//   bench_monit_frame [--procs N] [--frames F] [--flood-mb M]
//
// In-process, no bgod: the model is fed what bgod would send (a `list` reply of N rows, built
// as bgod builds them; `log` notification lines of 64 KiB), and each measured frame is what a
// key press costs in `bgo monit`: the selection moves one row (scrolling the list), the model
// ends its frame, render_frame() builds the screen. The same is then drawn by the real ncurses
// view (CursesScreen) into a pseudo-terminal of the frame's size, whose output a thread reads
// and counts, so the figure includes ncurses' diff and the bytes written.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <iostream>
#include <string>
#include <sys/ioctl.h>
#include <termios.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json.hpp>

#include "client/monit/curses_screen.hpp"
#include "client/monit/frame.hpp"
#include "client/monit/model.hpp"
#include "proto/jsonrpc.hpp"

namespace {

namespace json = boost::json;
namespace monit = bgo::client::monit;
using Clock = std::chrono::steady_clock;

struct Stats {
  double median, p90, p99, max;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  return {pct(0.5), pct(0.9), pct(0.99), ms.back()};
}

void print(const std::string& what, const Stats& s) {
  std::printf("%-44s median %7.3f  p90 %7.3f  p99 %7.3f  max %7.3f  (ms)\n", what.c_str(), s.median,
              s.p90, s.p99, s.max);
}

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// A `list` reply line as bgod writes it: N rows with every key of a row (docs/protocol.md),
// a third of them stopped, CPU changing with `tick`.
std::string list_reply(int procs, int tick) {
  json::array rows;
  rows.reserve(static_cast<size_t>(procs));
  for (int i = 0; i < procs; ++i) {
    const bool online = i % 3 != 2;
    char name[32];
    (void)std::snprintf(name, sizeof name, "worker-%04d", i);
    json::object row{
        {"name", name},
        {"pid", 100000 + i},
        {"status", online ? "online" : "stopped"},
        {"cpu", online ? "1.5" : "-"},
        {"mem", online ? "0.3" : "-"},
        {"uptime", online ? "01:02:03" : "-"},
        {"command", json::array{"/usr/bin/python3", "-m", "app.worker", "--queue", name}},
        {"cwd", "/srv/app"},
        {"started_at", "2025-03-01T10:15:42.123456+00:00"},
        {"watch", i % 2 == 0 ? json::value(json::object{{"enabled", true},
                                                        {"interval", 3},
                                                        {"min_uptime", 2},
                                                        {"on_fast_crash", "backoff"},
                                                        {"watcher_pid", nullptr},
                                                        {"watcher_pgid", nullptr},
                                                        {"restarts", i % 5},
                                                        {"last_restart_at", nullptr},
                                                        {"errored", false},
                                                        {"error_reason", nullptr},
                                                        {"last_stderr_tail", nullptr}})
                             : json::value(nullptr)},
        {"stop_reason", online ? json::value(nullptr) : json::value("crashed")},
        {"exit_code", online ? json::value(nullptr) : json::value(1)},
        {"exit_signal", nullptr},
        {"running_pid", online ? json::value(100000 + i) : json::value(nullptr)},
        {"cpu_percent", online ? json::value(((i * 7 + tick * 13) % 400) / 10.0) : json::value()},
        {"memory_bytes", online ? json::value(int64_t{1} << 20 << (i % 8)) : json::value()},
        {"uptime_seconds", online ? json::value(3723 + tick) : json::value()},
        {"restarts", i % 5},
    };
    rows.push_back(std::move(row));
  }
  return bgo::proto::response_line(json::value(1),
                                   json::object{{"processes", std::move(rows)}, {"broken", {}}});
}

void apply_list(monit::Model& model, const std::string& line, Clock::time_point now) {
  const bgo::proto::Reply reply = bgo::proto::parse_reply(line);
  model.on_reply(model.list_request(), reply.result, now);
}

// The model after a minute of lists (full sparklines) with a followed process and its tail.
monit::Model warmed_model(int procs, std::vector<double>& refresh_ms) {
  monit::Model model(monit::Model::Options{{}, 200, {}, true, std::chrono::milliseconds(0)});
  model.on_connected("0.5.0");
  Clock::time_point now{};
  for (int tick = 0; tick < 60; ++tick) {
    const std::string line = list_reply(procs, tick);
    const auto t0 = Clock::now();
    apply_list(model, line, now);
    refresh_ms.push_back(ms_since(t0));
    now += std::chrono::seconds(1);
  }
  const auto requests = model.take_requests(now);
  std::string tail;
  for (int i = 0; i < 200; ++i)
    tail += "2025-03-01 10:15:42 INFO handled request " + std::to_string(i) + "\n";
  for (const auto& r : requests) {
    if (r.method == "follow") {
      model.on_reply(
          r,
          json::value(json::object{
              {"tails", json::array{json::object{{"stream", "stdout"}, {"text", tail}}}}}),
          now);
    }
  }
  return model;
}

// One frame per key: the selection moves down (back up at the end), the frame is built.
Stats scroll_frames(monit::Model& model, int columns, int rows, int frames,
                    monit::CursesScreen* screen) {
  std::vector<double> ms;
  ms.reserve(static_cast<size_t>(frames));
  Clock::time_point now{std::chrono::seconds(60)};
  const size_t shown = model.table().view().size();
  for (int i = 0; i < frames; ++i) {
    const auto t0 = Clock::now();
    const bool down = (static_cast<size_t>(i) / shown) % 2 == 0;
    model.on_key(down ? monit::k_key_down : monit::k_key_up, now);
    model.end_frame();
    const monit::Frame frame = render_frame(model, columns, rows, now);
    if (screen != nullptr) screen->draw(frame);
    model.set_pane_heights(frame.list_rows, frame.log_rows);
    ms.push_back(ms_since(t0));
  }
  return stats(ms);
}

// The pseudo-terminal the ncurses view draws into, drained by a thread.
class Pty {
 public:
  Pty(int columns, int rows) {
    master_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master_ < 0 || ::grantpt(master_) != 0 || ::unlockpt(master_) != 0) return;
    slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY | O_CLOEXEC);
    winsize size{};
    size.ws_col = static_cast<unsigned short>(columns);
    size.ws_row = static_cast<unsigned short>(rows);
    (void)::ioctl(slave_, TIOCSWINSZ, &size);
    reader_ = std::thread([this] {
      char buf[65536];
      for (ssize_t n; (n = ::read(master_, buf, sizeof buf)) > 0;) bytes_ += static_cast<size_t>(n);
    });
  }
  ~Pty() {
    if (slave_ >= 0) ::close(slave_);
    if (reader_.joinable()) reader_.join();  // the read ends when the slave side closes
    if (master_ >= 0) ::close(master_);
  }
  int slave() const { return slave_; }
  size_t bytes() const { return bytes_; }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::atomic<size_t> bytes_{0};
  std::thread reader_;
};

// The same scroll drawn by CursesScreen on a pty of that size (stdin and stdout moved there
// for the time, as `bgo monit` draws on its own).
void curses_frames(monit::Model& model, int columns, int rows, int frames) {
  Pty pty(columns, rows);
  if (pty.slave() < 0) {
    std::cerr << "no pseudo-terminal: skipping the ncurses figures\n";
    return;
  }
  (void)std::fflush(stdout);  // nothing to do about a failure in a bench
  const int saved_in = ::dup(STDIN_FILENO), saved_out = ::dup(STDOUT_FILENO);
  (void)::dup2(pty.slave(), STDIN_FILENO);
  (void)::dup2(pty.slave(), STDOUT_FILENO);
  ::setenv("TERM", "xterm-256color", 1);
  Stats s{};
  size_t bytes = 0;
  {
    auto screen = monit::CursesScreen::open(true);
    if (screen) {
      (void)scroll_frames(model, columns, rows, 50, screen->get());  // first paint, warm-up
      const size_t before = pty.bytes();
      s = scroll_frames(model, columns, rows, frames, screen->get());
      bytes = pty.bytes() - before;
    }
  }
  (void)std::fflush(stdout);
  (void)::dup2(saved_in, STDIN_FILENO);
  (void)::dup2(saved_out, STDOUT_FILENO);
  ::close(saved_in);
  ::close(saved_out);
  print("  + ncurses draw to a pty, " + std::to_string(columns) + "x" + std::to_string(rows), s);
  std::printf("%-44s %.0f bytes to the terminal per frame\n", "", double(bytes) / frames);
}

// 64 KiB `log` notifications of 100-byte lines for the followed process, as lines from bgod,
// parsed as the connection parses them; a frame every `per_frame` chunks.
void flood(monit::Model& model, double megabytes) {
  const std::string followed = model.followed();
  std::string data;
  while (data.size() + 100 <= 65536) {
    std::string line = "seq " + std::to_string(data.size()) + " ";
    line.append(99 - line.size(), 'x');
    data += line + "\n";
  }
  const std::string notification = bgo::proto::notification_line(
      "log", json::object{{"name", followed}, {"stream", "stdout"}, {"data", data}});
  const auto chunks = static_cast<size_t>(megabytes * 1e6 / static_cast<double>(data.size()));
  // 100 MB/s at 30 frames a second: a frame every ~51 chunks.
  const auto per_frame = static_cast<size_t>(100e6 / 30 / static_cast<double>(data.size()));
  std::vector<double> frame_ms;
  const auto t0 = Clock::now();
  Clock::time_point now{std::chrono::seconds(60)};
  const auto wall = std::chrono::system_clock::now();
  for (size_t i = 0; i < chunks; ++i) {
    const bgo::proto::Reply n = bgo::proto::parse_reply(notification);
    model.on_notification(n.method, n.params.get_object(), now, wall);
    if ((i + 1) % per_frame == 0) {
      const auto f0 = Clock::now();
      model.end_frame();
      (void)render_frame(model, 200, 50, now);
      frame_ms.push_back(ms_since(f0));
    }
  }
  const double seconds = ms_since(t0) / 1000;
  const double mb = static_cast<double>(chunks * data.size()) / 1e6;
  std::printf(
      "log flood: %.0f MB in %.2f s (one thread) = %.0f MB/s absorbed (%zu lines skipped)\n", mb,
      seconds, mb / seconds, static_cast<size_t>(model.log().skipped()));
  print("  frame during the flood, 200x50", stats(frame_ms));
}

}  // namespace

int main(int argc, char** argv) {
  int procs = 1000;
  int frames = 2000;
  double flood_mb = 1000;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--procs" && i + 1 < argc) {
      procs = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--frames" && i + 1 < argc) {
      frames = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--flood-mb" && i + 1 < argc) {
      flood_mb = std::strtod(argv[++i], nullptr);
    } else {
      std::cerr << "usage: " << argv[0] << " [--procs N] [--frames F] [--flood-mb M]\n";
      return 2;
    }
  }
  std::vector<double> refresh_ms;
  monit::Model model = warmed_model(procs, refresh_ms);
  std::printf("bgo monit frames: %d processes, %d frames per figure, 60 samples each\n", procs,
              frames);
  print("list refresh (parse + apply " + std::to_string(procs) + " rows)", stats(refresh_ms));
  for (const auto& [columns, rows] : {std::pair{80, 24}, std::pair{200, 50}, std::pair{250, 70}}) {
    print("frame (key + model + render), " + std::to_string(columns) + "x" + std::to_string(rows),
          scroll_frames(model, columns, rows, frames, nullptr));
  }
  model.on_key('C', Clock::time_point{});  // sorted by CPU: the order changes with each list
  {
    std::vector<double> ms;
    Clock::time_point now{std::chrono::seconds(61)};
    for (int tick = 60; tick < 60 + std::max(frames / 20, 20); ++tick) {
      const std::string line = list_reply(procs, tick);
      const auto t0 = Clock::now();
      apply_list(model, line, now);
      model.end_frame();
      (void)render_frame(model, 200, 50, now);
      ms.push_back(ms_since(t0));
    }
    print("list + frame sorted by CPU, 200x50", stats(ms));
  }
  model.on_key('N', Clock::time_point{});
  curses_frames(model, 80, 24, frames);
  curses_frames(model, 200, 50, frames);
  flood(model, flood_mb);
  return 0;
}
