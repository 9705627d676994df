// SPDX-License-Identifier: MIT
// The real `bgo monit` with N processes, in a pseudo-terminal: its CPU while nothing happens
// (issue #20: ideally nothing between events and the one-second refresh) and how long after
// bgod's `spawned` event a new process shows on the screen (issue #20: within 100 ms). Method
// and results: bench/README.md.
//
//   bench_monit_live [--procs N] [--seconds S] [--events E] [--bin-dir DIR]
//
// Starts a private bgod (fresh BGO_HOME), registers N `bgo_test_child` processes that sleep,
// runs `bgo monit` under forkpty(3) at 200x50 with a thread reading everything it writes, and
// once its first frame lists all N: (1) reads its utime + stime and voluntary context switches
// (/proc) before and after S idle seconds, and counts the bytes it wrote meanwhile; (2) E times,
// starts a process over the bench's own subscribed connection, stamps the `spawned` event as it
// is read, and stamps the moment the process's name appears in monit's output (names sort
// first, so the new row is in view), then deletes it.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <pty.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"

namespace bench = bgo::bench;

namespace {

using Clock = std::chrono::steady_clock;

// utime + stime (ticks) and voluntary context switches (each one a wake-up) of `pid`.
std::pair<long, long> cpu_and_wakeups(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  long ticks = 0;
  if (close != std::string::npos) {
    std::vector<std::string> fields;
    std::string field;
    for (char c : text.substr(close + 2)) {
      if (c == ' ') {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    // Fields 14 and 15 of the whole line (utime, stime) are 11 and 12 after the state.
    if (fields.size() > 12) {
      ticks = std::strtol(fields[11].c_str(), nullptr, 10) +
              std::strtol(fields[12].c_str(), nullptr, 10);
    }
  }
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  long switches = 0;
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("voluntary_ctxt_switches:")) {
      switches = std::strtol(line.c_str() + 24, nullptr, 10);
    }
  }
  return {ticks, switches};
}

// Everything `bgo monit` writes, read by a thread, each read stamped with the time it came.
class Screen {
 public:
  explicit Screen(int master) : master_(master), reader_([this] { read_loop(); }) {}
  ~Screen() {
    reader_.join();  // ends when monit has exited and the pty hangs up
  }
  // Bytes read so far (a position for wait_for).
  std::size_t bytes() {
    std::lock_guard lock(mutex_);
    return output_.size();
  }
  // When `text` was written at or after position `from`, waiting at most `limit` for it.
  std::optional<Clock::time_point> wait_for(const std::string& text, std::size_t from,
                                            std::chrono::seconds limit) {
    std::unique_lock lock(mutex_);
    const auto deadline = Clock::now() + limit;
    for (;;) {
      const std::size_t at = output_.find(text, from);
      if (at != std::string::npos) {
        // The read that brought the text's last byte.
        const auto read = std::lower_bound(reads_.begin(), reads_.end(), at + text.size(),
                                           [](const std::pair<std::size_t, Clock::time_point>& r,
                                              std::size_t end) { return r.first < end; });
        return read != reads_.end() ? read->second : reads_.back().second;
      }
      if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    }
  }

 private:
  void read_loop() {
    char buf[65536];
    for (ssize_t n; (n = ::read(master_, buf, sizeof buf)) > 0;) {
      const auto now = Clock::now();
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<std::size_t>(n));
      reads_.emplace_back(output_.size(), now);  // (end of the read, when)
      changed_.notify_all();
    }
  }

  int master_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;  // all of it: a few MB for a whole run
  std::vector<std::pair<std::size_t, Clock::time_point>> reads_;
  std::thread reader_;
};

// A raw, subscribed connection to bgod: requests written, lines read one by one.
class Rpc {
 public:
  explicit Rpc(const std::string& socket_path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fd_ = -1;
  }
  ~Rpc() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  void send(const std::string& line) { (void)!::write(fd_, line.data(), line.size()); }
  // The next line bgod sends.
  std::string line() {
    for (;;) {
      if (const auto nl = buffer_.find('\n'); nl != std::string::npos) {
        std::string out = buffer_.substr(0, nl);
        buffer_.erase(0, nl + 1);
        return out;
      }
      char buf[65536];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return {};
      buffer_.append(buf, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
};

struct Stats {
  double median, p90, max;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  const auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  return {pct(0.5), pct(0.9), ms.back()};
}

}  // namespace

int main(int argc, char** argv) {
  int procs = 1000;
  int seconds = 30;
  int events = 20;
  std::string bin_dir = BGO_BIN_DIR;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--procs" && i + 1 < argc) {
      procs = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--events" && i + 1 < argc) {
      events = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--bin-dir" && i + 1 < argc) {
      bin_dir = argv[++i];
    } else {
      std::cerr << "usage: " << argv[0]
                << " [--procs N] [--seconds S] [--events E] [--bin-dir DIR]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/bgo-bench-monit-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::string home = std::string(tmpl) + "/home";
  std::vector<std::string> env =
      bench::bench_env(home, {"TERM=xterm-256color", "LANG=C.UTF-8"},
                       {"COLUMNS=", "LINES=", "TERM=", "LANG=", "LC_ALL="});
  auto run = [&env](const std::vector<std::string>& args) {
    return bench::run_command(args, env, bench::Output::quiet);
  };
  const std::string bgo = bin_dir + "/bgo";
  const std::string child = bin_dir + "/bgo_test_child";
  if (run({bgo, "daemon", "start"}) != 0) {
    std::cerr << "cannot start bgod\n";
    return 1;
  }
  const auto t0 = Clock::now();
  for (int base = 0; base < procs; base += 50) {
    std::vector<std::thread> starts;
    for (int i = base; i < std::min(procs, base + 50); ++i) {
      starts.emplace_back([&, i] {
        (void)run({bgo, "start", "p" + std::to_string(10000 + i), "--", child});
      });
    }
    for (auto& t : starts) t.join();
  }
  std::printf("bgo monit live: %d processes registered in %.1f s\n", procs,
              std::chrono::duration<double>(Clock::now() - t0).count());

  winsize size{};
  size.ws_col = 200;
  size.ws_row = 50;
  // Built before the fork: the child only execs.
  std::vector<char*> envp;
  envp.reserve(env.size() + 1);
  for (auto& s : env) envp.push_back(s.data());
  envp.push_back(nullptr);
  int master = -1;
  const pid_t monit = ::forkpty(&master, nullptr, nullptr, &size);
  if (monit == 0) {
    char* args[] = {const_cast<char*>(bgo.c_str()), const_cast<char*>("monit"), nullptr};
    ::execve(args[0], args, envp.data());
    ::_exit(127);
  }
  {
    Screen screen(master);
    if (!screen.wait_for(std::to_string(procs) + " processes", 0, std::chrono::seconds(30))) {
      std::cerr << "bgo monit did not show the processes\n";
    }
    std::this_thread::sleep_for(std::chrono::seconds(3));  // the first follow, the first frames

    const auto [cpu0, wake0] = cpu_and_wakeups(monit);
    const std::size_t bytes0 = screen.bytes();
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    const auto [cpu1, wake1] = cpu_and_wakeups(monit);
    const std::size_t bytes1 = screen.bytes();
    const auto hz = static_cast<double>(::sysconf(_SC_CLK_TCK));
    std::printf(
        "idle %d s: %ld ticks of CPU (%.2f %% of one core), %.1f wake-ups/s, %.0f bytes/s "
        "to the terminal\n",
        seconds, cpu1 - cpu0, 100.0 * static_cast<double>(cpu1 - cpu0) / hz / seconds,
        static_cast<double>(wake1 - wake0) / seconds,
        static_cast<double>(bytes1 - bytes0) / seconds);

    Rpc rpc(home + "/bgo.sock");
    if (rpc.ok()) {
      rpc.send(R"({"jsonrpc":"2.0","id":1,"method":"subscribe"})"
               "\n");
      (void)rpc.line();
      std::vector<double> ms;
      for (int k = 0; k < events; ++k) {
        char name[32];
        (void)std::snprintf(name, sizeof name, "a-new-%03d", k);
        const std::size_t mark = screen.bytes();  // monit may draw it before the bench reads
        rpc.send(std::string(R"({"jsonrpc":"2.0","id":2,"method":"start","params":{"name":")") +
                 name + R"(","command":[")" + child +
                 R"("],"cwd":"/tmp"}})"
                 "\n");
        std::optional<Clock::time_point> event;
        for (std::string line = rpc.line(); !line.empty(); line = rpc.line()) {
          if (line.find(R"("kind":"spawned")") != std::string::npos &&
              line.find(name) != std::string::npos) {
            event = Clock::now();
            break;
          }
        }
        const auto shown = screen.wait_for(name, mark, std::chrono::seconds(5));
        if (event && shown) {
          ms.push_back(std::chrono::duration<double, std::milli>(*shown - *event).count());
        } else {
          std::cerr << "warning: " << name << " not seen\n";
        }
        rpc.send(std::string(R"({"jsonrpc":"2.0","id":3,"method":"delete","params":{"name":")") +
                 name +
                 R"("}})"
                 "\n");
        for (std::string line = rpc.line(); !line.empty(); line = rpc.line()) {
          if (line.find(R"("id":3)") != std::string::npos) break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
      }
      if (!ms.empty()) {
        const Stats s = stats(ms);
        std::printf(
            "spawned event -> on the screen (%zu starts): median %.1f  p90 %.1f  max %.1f "
            "(ms)\n",
            ms.size(), s.median, s.p90, s.max);
      }
    }
    (void)!::write(master, "q", 1);
    int status = 0;
    ::waitpid(monit, &status, 0);
  }
  ::close(master);
  (void)run({bgo, "daemon", "stop"});
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return 0;
}
