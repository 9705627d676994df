// SPDX-License-Identifier: MIT
// Log capture throughput and `logs -n` on a huge log (issue #6). Method and results:
// bench/README.md.
//
//   bench_log_throughput [--seconds S] [--children N] [--line BYTES] [--max-log-size SIZE]
//                        [--log-files K] [--dir DIR] [--bin-dir DIR] [--skip-reference]
//                        [--skip-bgod] [--skip-time] [--skip-tail]
//
// 1. reference: N writers, each `writer | cat > DIR/ref/wI.log`, for S seconds.
// 2. bgod:      a private bgod (BGO_HOME under DIR); N processes `bgo start wI --max-log-size
//               SIZE --log-files K -- <this> --writer ...`, all writing from the same instant
//               for S seconds. Throughput = bytes the writers got written / (start -> every
//               process shown stopped, i.e. reaped and its pipes drained).
//               Every rotated file is opened the moment it appears (inotify on logs/), which
//               keeps it readable after bgod deletes it, and every line's number is counted
//               afterwards: each writer's 1..count must appear exactly once.
// 3. the same with --time.
// 4. `bgo logs big -n 5 --stdout` on a 1 GiB log of 100-byte lines, 20 runs.
// A writer writes lines "wI <12-digit number> xxx…\n" of BYTES bytes in 64 KiB write()s.
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <poll.h>
#include <set>
#include <spawn.h>
#include <string>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"

namespace bench = bgo::bench;

extern char** environ;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Options {
  int seconds = 10;
  int children = 8;
  size_t line = 100;
  std::string max_log_size = "1M";
  int log_files = 20;
  fs::path dir = "/dev/shm";
  std::string bin_dir = BGO_BIN_DIR;
  bool reference = true, plain = true, time = true, tail = true;
  std::string self;
};

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ---- the writer child -------------------------------------------------------------------

int writer_main(int id, int64_t start_ns, int seconds, size_t line_len, const char* count_path) {
  const int64_t now = wall_ns();
  if (start_ns > now) std::this_thread::sleep_for(std::chrono::nanoseconds(start_ns - now));
  const int64_t end_ns = start_ns + int64_t{seconds} * 1000000000;
  std::string buf;
  const size_t per_buffer = std::max<size_t>(1, 65536 / line_len);
  buf.reserve(per_buffer * line_len);
  uint64_t seq = 0;
  char head[64];
  while (wall_ns() < end_ns) {
    buf.clear();
    for (size_t i = 0; i < per_buffer; ++i) {
      const int n = std::snprintf(head, sizeof head, "w%d %012llu ", id,
                                  static_cast<unsigned long long>(++seq));
      buf.append(head, static_cast<size_t>(n));
      buf.append(line_len - static_cast<size_t>(n) - 1, 'x');
      buf.push_back('\n');
    }
    std::string_view rest = buf;
    while (!rest.empty()) {
      const ssize_t w = ::write(1, rest.data(), rest.size());
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) return 1;
      rest.remove_prefix(static_cast<size_t>(w));
    }
  }
  if (FILE* f = std::fopen(count_path, "w")) {
    // A count that cannot be written reads back as 0: the report then shows the lines as lost.
    (void)std::fprintf(f, "%llu\n", static_cast<unsigned long long>(seq));
    (void)std::fclose(f);
  }
  return 0;
}

uint64_t read_count(const fs::path& path) {
  std::ifstream in(path);
  unsigned long long n = 0;
  if (!(in >> n)) n = 0;
  return n;
}

// ---- helpers ----------------------------------------------------------------------------

// Shows each phase's results at once when stdout is a pipe; a bench cannot do more if it fails.
void flush_stdout() { (void)std::fflush(stdout); }

// Runs `args` to completion; returns its stdout.
std::string run(const std::vector<std::string>& args, const fs::path& home, int* code = nullptr) {
  std::string text;
  const int rc =
      bench::run_command(args, bench::bench_env(home.string()), bench::Output::quiet, &text);
  if (code != nullptr) *code = rc;
  return text;
}

double mb_per_s(uint64_t bytes, double seconds) { return double(bytes) / 1e6 / seconds; }

// ---- reference: writer | cat > file -------------------------------------------------------

double reference(const Options& o) {
  const fs::path dir = o.dir / "bgo-bench-ref";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const int64_t start_ns = wall_ns() + 500000000;
  std::vector<pid_t> pids;
  for (int i = 0; i < o.children; ++i) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return 0;
    const std::string count = (dir / ("w" + std::to_string(i) + ".count")).string();
    const std::string out = (dir / ("w" + std::to_string(i) + ".log")).string();
    std::vector<std::string> wa{o.self,
                                "--writer",
                                std::to_string(i),
                                std::to_string(start_ns),
                                std::to_string(o.seconds),
                                std::to_string(o.line),
                                count};
    std::vector<char*> wargv;
    wargv.reserve(wa.size() + 1);
    for (auto& s : wa) wargv.push_back(s.data());
    wargv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    pid_t pid = 0;
    ::posix_spawn(&pid, wargv[0], &fa, nullptr, wargv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    pids.push_back(pid);
    std::string cat = "/bin/cat";
    char* cargv[] = {cat.data(), nullptr};
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, p[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::posix_spawn(&pid, cargv[0], &fa, nullptr, cargv, environ);
    posix_spawn_file_actions_destroy(&fa);
    pids.push_back(pid);
    ::close(p[0]);
    ::close(p[1]);
  }
  for (pid_t pid : pids) ::waitpid(pid, nullptr, 0);
  const double elapsed = double(wall_ns() - start_ns) / 1e9;
  uint64_t bytes = 0;
  for (int i = 0; i < o.children; ++i)
    bytes += fs::file_size(dir / ("w" + std::to_string(i) + ".log"));
  fs::remove_all(dir);
  const double rate = mb_per_s(bytes, elapsed);
  std::printf("reference  writer | cat > file: %8.1f MB/s  (%llu MB in %.2f s)\n", rate,
              static_cast<unsigned long long>(bytes / 1000000), elapsed);
  return rate;
}

// ---- bgod run with capture and verification ----------------------------------------------

// Opens every rotated copy the moment it appears and keeps it open (so bgod deleting it later
// loses nothing), then counts each line's number.
class Capture {
 public:
  Capture(fs::path logs, int keep) : logs_(std::move(logs)), keep_(keep) {
    ifd_ = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    ::inotify_add_watch(ifd_, logs_.c_str(), IN_MOVED_TO);
    if (::pipe2(stop_, O_CLOEXEC) != 0) std::abort();
    thread_ = std::thread([this] { loop(); });
  }
  ~Capture() {
    finish();
    for (auto& f : files_) ::close(f.fd);
    ::close(ifd_);
    ::close(stop_[0]);
    ::close(stop_[1]);
  }
  void finish() {
    if (!thread_.joinable()) return;
    (void)!::write(stop_[1], "x", 1);
    thread_.join();
  }
  // Picks up whatever is still on disk (the last copies and the current file).
  void final_scan(const std::vector<std::string>& bases) {
    for (const auto& b : bases) {
      scan(b);
      add((logs_ / b).string());
    }
  }
  bool fell_behind() const { return fell_behind_; }
  size_t files() const { return files_.size(); }

  // Counts "wI <n>" lines: counts[I][n].
  void count(std::vector<std::vector<uint8_t>>& counts, uint64_t& bad_lines) {
    std::string buf(1 << 22, '\0');
    for (auto& f : files_) {
      std::string carry;
      off_t off = 0;
      for (;;) {
        const ssize_t n = ::pread(f.fd, buf.data(), buf.size(), off);
        if (n <= 0) break;
        off += n;
        std::string_view data(buf.data(), size_t(n));
        size_t pos = 0;
        if (!carry.empty()) {
          const size_t nl = data.find('\n');
          if (nl == std::string_view::npos) {
            carry.append(data);
            continue;
          }
          carry.append(data.substr(0, nl));
          tally(carry, counts, bad_lines);
          carry.clear();
          pos = nl + 1;
        }
        while (pos < data.size()) {
          const char* nlp =
              static_cast<const char*>(std::memchr(data.data() + pos, '\n', data.size() - pos));
          if (nlp == nullptr) {
            carry.assign(data.substr(pos));
            break;
          }
          const auto nl = size_t(nlp - data.data());
          tally(data.substr(pos, nl - pos), counts, bad_lines);
          pos = nl + 1;
        }
      }
      if (!carry.empty()) tally(carry, counts, bad_lines);
    }
  }

 private:
  struct File {
    int fd;
    ino_t ino;
  };

  static void tally(std::string_view line, std::vector<std::vector<uint8_t>>& counts,
                    uint64_t& bad) {
    if (line.empty() || line.rfind("=== [", 0) == 0) return;  // start marker
    if (line.size() > 25 && line[24] == ' ' && line[23] == 'Z') line.remove_prefix(25);  // --time
    if (line.empty() || line[0] != 'w') {
      ++bad;
      return;
    }
    size_t i = 1;
    size_t id = 0;
    while (i < line.size() && line[i] >= '0' && line[i] <= '9')
      id = id * 10 + size_t(line[i++] - '0');
    if (i >= line.size() || line[i] != ' ' || id >= counts.size()) {
      ++bad;
      return;
    }
    uint64_t seq = 0;
    for (++i; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
      seq = seq * 10 + uint64_t(line[i] - '0');
    auto& c = counts[id];
    if (seq >= c.size()) c.resize(std::max<size_t>(seq + 1, c.size() * 2));
    if (c[seq] < 255) ++c[seq];
  }

  // Holds the file at `path` unless it is one already held; false when it is (or is gone).
  // The inode is taken from the opened descriptor: a rename between a stat() and an open()
  // could otherwise hand us a different file than the one we looked at.
  bool add(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    ::fstat(fd, &st);
    if (!seen_.insert(st.st_ino).second) {
      ::close(fd);
      return false;
    }
    files_.push_back({fd, st.st_ino});
    return true;
  }

  // Newest copies first: stop at one already held (everything older is held too).
  void scan(const std::string& base) {
    for (int k = 1; k <= keep_; ++k) {
      if (!add((logs_ / base).string() + "." + std::to_string(k))) return;
      if (k == keep_) fell_behind_ = true;  // an older copy may already be gone
    }
  }

  void loop() {
    alignas(inotify_event) char buf[1 << 16];
    for (;;) {
      pollfd p[2] = {{ifd_, POLLIN, 0}, {stop_[0], POLLIN, 0}};
      ::poll(p, 2, -1);
      const ssize_t n = ::read(ifd_, buf, sizeof buf);
      for (ssize_t off = 0; off < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
        off += ssize_t(sizeof(inotify_event) + ev->len);
        const std::string name = ev->len ? ev->name : "";
        if (name.size() > 2 && name.compare(name.size() - 2, 2, ".1") == 0) {
          scan(name.substr(0, name.size() - 2));
        }
      }
      if (p[1].revents != 0) return;
    }
  }

  fs::path logs_;
  int keep_;
  int ifd_ = -1;
  int stop_[2] = {-1, -1};
  std::thread thread_;
  std::set<ino_t> seen_;
  std::vector<File> files_;
  bool fell_behind_ = false;
};

bool all_stopped(const Options& o, const fs::path& home) {
  const std::string out = run({o.bin_dir + "/bgo", "status", "--json"}, home);
  size_t online = 0, pos = 0;
  while ((pos = out.find(R"("status": "online")", pos)) != std::string::npos) ++online, ++pos;
  pos = 0;
  while ((pos = out.find(R"("status":"online")", pos)) != std::string::npos) ++online, ++pos;
  return online == 0 && out.find("\"w0\"") != std::string::npos;
}

double bgod_run(const Options& o, bool time) {
  const fs::path home = o.dir / "bgo-bench-home";
  fs::remove_all(home);
  fs::create_directories(home / "logs");
  std::vector<std::string> bases;
  for (int i = 0; i < o.children; ++i) {
    bases.emplace_back("w" + std::to_string(i) + ".out.log");
    bases.emplace_back("w" + std::to_string(i) + ".err.log");
  }
  run({o.bin_dir + "/bgo", "daemon", "status"}, home);  // starts bgod
  Capture capture(home / "logs", o.log_files);
  const int64_t start_ns = wall_ns() + 500000000 + int64_t{o.children} * 200000000;
  for (int i = 0; i < o.children; ++i) {
    std::vector<std::string> args{
        o.bin_dir + "/bgo", "start",       "w" + std::to_string(i),    "--max-log-size",
        o.max_log_size,     "--log-files", std::to_string(o.log_files)};
    if (time) args.emplace_back("--time");
    for (const std::string& a :
         {std::string("--"), o.self, std::string("--writer"), std::to_string(i),
          std::to_string(start_ns), std::to_string(o.seconds), std::to_string(o.line),
          (home / ("w" + std::to_string(i) + ".count")).string()}) {
      args.push_back(a);
    }
    run(args, home);
  }
  if (wall_ns() > start_ns) std::cerr << "warning: the starts took longer than planned\n";
  std::this_thread::sleep_for(std::chrono::nanoseconds(start_ns - wall_ns()) +
                              std::chrono::seconds(o.seconds) - std::chrono::milliseconds(50));
  while (!all_stopped(o, home)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const double elapsed = double(wall_ns() - start_ns) / 1e9;
  capture.finish();
  capture.final_scan(bases);

  std::vector<std::vector<uint8_t>> counts(size_t(o.children));
  uint64_t bad = 0;
  capture.count(counts, bad);
  uint64_t lines = 0, missing = 0, duplicated = 0;
  for (int i = 0; i < o.children; ++i) {
    const uint64_t n = read_count(home / ("w" + std::to_string(i) + ".count"));
    lines += n;
    auto& c = counts[size_t(i)];
    c.resize(std::max<size_t>(c.size(), n + 1));
    for (uint64_t s = 1; s <= n; ++s) {
      if (c[s] == 0 && (s == 1 || c[s - 1] != 0)) {
        uint64_t e = s;
        while (e + 1 <= n && c[e + 1] == 0) ++e;
        std::printf("  w%d: lines %llu..%llu missing\n", i, static_cast<unsigned long long>(s),
                    static_cast<unsigned long long>(e));
      }
      if (c[s] == 0) ++missing;
      if (c[s] > 1) duplicated += c[s] - 1;
    }
    for (uint64_t s = n + 1; s < c.size(); ++s) duplicated += c[s];  // numbers never written
  }
  const uint64_t bytes = lines * o.line;
  const double rate = mb_per_s(bytes, elapsed);
  std::printf(
      "bgod%-7s %d children:      %8.1f MB/s  (%llu MB, %llu lines in %.2f s; %zu files "
      "checked: %llu missing, %llu duplicated, %llu malformed%s)\n",
      time ? " --time" : "", o.children, rate, static_cast<unsigned long long>(bytes / 1000000),
      static_cast<unsigned long long>(lines), elapsed, capture.files(),
      static_cast<unsigned long long>(missing), static_cast<unsigned long long>(duplicated),
      static_cast<unsigned long long>(bad),
      capture.fell_behind() ? "; CAPTURE FELL BEHIND, raise --log-files" : "");
  run({o.bin_dir + "/bgo", "daemon", "stop"}, home);
  fs::remove_all(home);
  return (missing == 0 && duplicated == 0 && bad == 0) ? rate : -rate;
}

// ---- logs -n 5 on 1 GiB ------------------------------------------------------------------

// Runs `bgo logs big -n 5 --stdout` 20 times: median and max in ms, and the last output.
std::pair<double, double> time_tail(const Options& o, const fs::path& home, std::string& out) {
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    const auto t0 = Clock::now();
    out = run({o.bin_dir + "/bgo", "logs", "big", "-n", "5", "--stdout"}, home);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.back()};
}

void tail_bench(const Options& o) {
  const fs::path home = o.dir / "bgo-bench-tail";
  fs::remove_all(home);
  fs::create_directories(home);
  run({o.bin_dir + "/bgo", "start", "big", "--", "/bin/true"}, home);
  const fs::path log = home / "logs" / "big.out.log";
  std::string out;
  const auto small = time_tail(o, home, out);
  std::printf("logs -n 5 on a %llu-byte log: median %.1f ms, max %.1f ms over 20 runs\n",
              static_cast<unsigned long long>(fs::file_size(log)), small.first, small.second);
  const int fd = ::open(log.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  std::string buf;
  const uint64_t total = 1ull << 30;
  uint64_t seq = 0, written = 0;
  while (written < total) {
    buf.clear();
    while (buf.size() < (1u << 20)) {
      char line[101];
      // 100 characters and the NUL: always fits.
      (void)std::snprintf(line, sizeof line, "line %012llu %s\n",
                          static_cast<unsigned long long>(++seq), std::string(81, 'x').c_str());
      buf += line;
    }
    written += size_t(::write(fd, buf.data(), buf.size()));
  }
  ::close(fd);
  const auto big = time_tail(o, home, out);
  char last[32];
  (void)std::snprintf(last, sizeof last, "line %012llu", static_cast<unsigned long long>(seq));
  const bool right =
      out.find(last) != std::string::npos && std::count(out.begin(), out.end(), '\n') == 5 + 2;
  std::printf(
      "logs -n 5 on a %.2f GiB log: median %.1f ms, max %.1f ms over 20 runs "
      "(whole `bgo` command: exec, connect, check, read)%s\n",
      double(fs::file_size(log)) / double(1ull << 30), big.first, big.second,
      right ? "" : "  WRONG OUTPUT");
  run({o.bin_dir + "/bgo", "daemon", "stop"}, home);
  fs::remove_all(home);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && std::string(argv[1]) == "--writer") {
    // Written by this program itself (bgod_run), so never malformed.
    return writer_main(int(std::strtol(argv[2], nullptr, 10)), std::strtoll(argv[3], nullptr, 10),
                       int(std::strtol(argv[4], nullptr, 10)),
                       size_t(std::strtoll(argv[5], nullptr, 10)), argv[6]);
  }
  Options o;
  o.self = fs::canonical("/proc/self/exe").string();
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--seconds")
      o.seconds = std::stoi(next());
    else if (a == "--children")
      o.children = std::stoi(next());
    else if (a == "--line")
      o.line = size_t(std::stoul(next()));
    else if (a == "--max-log-size")
      o.max_log_size = next();
    else if (a == "--log-files")
      o.log_files = std::stoi(next());
    else if (a == "--dir")
      o.dir = next();
    else if (a == "--bin-dir")
      o.bin_dir = next();
    else if (a == "--skip-reference")
      o.reference = false;
    else if (a == "--skip-bgod")
      o.plain = false;
    else if (a == "--skip-time")
      o.time = false;
    else if (a == "--skip-tail")
      o.tail = false;
    else {
      std::cerr << "unknown option " << a << " (see the header of bench/log_throughput.cpp)\n";
      return 2;
    }
  }
  if (o.line < 32) o.line = 32;
  (void)std::signal(SIGPIPE, SIG_IGN);  // cannot fail for a valid signal number
  std::printf("%d writers x %d s, %zu-byte lines, rotation at %s keeping %d, in %s (%u CPUs)\n",
              o.children, o.seconds, o.line, o.max_log_size.c_str(), o.log_files, o.dir.c_str(),
              std::thread::hardware_concurrency());
  flush_stdout();
  double ref = 0;
  if (o.reference) ref = reference(o);
  flush_stdout();
  double plain = 0;
  if (o.plain) plain = bgod_run(o, false);
  flush_stdout();
  double stamped = 0;
  if (o.time) stamped = bgod_run(o, true);
  flush_stdout();
  if (o.tail) tail_bench(o);
  int rc = 0;
  if (plain < 0 || stamped < 0) {
    std::printf("FAIL: lines missing, duplicated or malformed\n");
    rc = 1;
  }
  if (ref > 0 && o.plain) {
    std::printf("bgod / reference: %.0f%% (target >= 50%%)\n", 100.0 * std::abs(plain) / ref);
  }
  if (o.time) std::printf("bgod --time: %.1f MB/s (target >= 200 MB/s)\n", std::abs(stamped));
  return rc;
}
