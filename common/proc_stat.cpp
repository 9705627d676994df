// SPDX-License-Identifier: MIT
// /proc parsing. Small bounded reads; no process is ever spawned for this.
#include "common/proc_stat.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <string_view>
#include <unistd.h>

#include "common/time_format.hpp"
#include "common/unique_fd.hpp"

namespace bgo {

namespace {

// Reads at most `cap` bytes of a /proc file in one go.
std::optional<std::string> read_small(const char* path, size_t cap = 4096) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  UniqueFd owner(fd);
  std::string buf(cap, '\0');
  const ssize_t n = ::read(fd, buf.data(), cap);
  if (n <= 0) return std::nullopt;
  buf.resize(static_cast<size_t>(n));
  return buf;
}

long ticks_per_second() {
  static const long hz = ::sysconf(_SC_CLK_TCK);
  return hz > 0 ? hz : 100;
}

uint64_t mem_total_kib() {
  static const uint64_t total = [] {
    auto text = read_small("/proc/meminfo", 256);
    if (!text) return uint64_t{0};
    return static_cast<uint64_t>(
        std::strtoull(text->c_str() + std::strlen("MemTotal:"), nullptr, 10));
  }();
  return total;
}

// The "btime" line of /proc/stat; it sits after one "intr" line that can be many KiB long.
// Not cached: the kernel moves it when the wall clock is stepped, and `ps` reads it afresh.
uint64_t boot_time_seconds() {
  std::ifstream in("/proc/stat");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("btime ", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

std::string format_etime(uint64_t seconds) {
  const uint64_t days = seconds / 86400, hours = seconds / 3600 % 24;
  const uint64_t minutes = seconds / 60 % 60, secs = seconds % 60;
  char buf[64];
  if (days > 0) {
    (void)std::snprintf(
        buf, sizeof buf, "%llu-%02llu:%02llu:%02llu", static_cast<unsigned long long>(days),
        static_cast<unsigned long long>(hours), static_cast<unsigned long long>(minutes),
        static_cast<unsigned long long>(secs));
  } else if (hours > 0) {
    (void)std::snprintf(
        buf, sizeof buf, "%02llu:%02llu:%02llu", static_cast<unsigned long long>(hours),
        static_cast<unsigned long long>(minutes), static_cast<unsigned long long>(secs));
  } else {
    (void)std::snprintf(buf, sizeof buf, "%02llu:%02llu", static_cast<unsigned long long>(minutes),
                        static_cast<unsigned long long>(secs));
  }
  return buf;
}

}  // namespace

std::optional<ProcStat> read_proc_stat(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  char path[64];
  (void)std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  auto text = read_small(path, 1024);
  if (!text) return std::nullopt;
  // The command name may contain spaces and parentheses: fields start after the LAST ')'.
  const size_t close = text->rfind(')');
  if (close == std::string::npos || close + 2 >= text->size()) return std::nullopt;
  ProcStat st;
  st.state = (*text)[close + 2];
  const char* p = text->c_str() + close + 2;
  // Field 3 is the state; walk to fields 14, 15 (utime, stime), 22 (starttime), 24 (rss).
  int field = 3;
  uint64_t utime = 0, stime = 0;
  while (*p != '\0') {
    while (*p == ' ') ++p;
    if (*p == '\0') break;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(p, &end, 10);
    if (field == 6) st.session = static_cast<pid_t>(v);
    if (field == 14) utime = v;
    if (field == 15) stime = v;
    if (field == 22) st.start_ticks = v;
    if (field == 24) {
      st.rss_pages = v;
      break;
    }
    while (*p != ' ' && *p != '\0') ++p;
    ++field;
  }
  st.cpu_ticks = utime + stime;
  return st;
}

bool is_alive(pid_t pid, std::optional<uint64_t> start_ticks) {
  const auto st = read_proc_stat(pid);
  if (!st || st->state == 'Z' || st->state == 'X') return false;
  return !start_ticks || *start_ticks == st->start_ticks;
}

std::vector<std::string> read_cmdline(pid_t pid) {
  std::vector<std::string> argv;
  if (pid <= 0) return argv;
  auto fd = open_fd("/proc/" + std::to_string(pid) + "/cmdline", O_RDONLY);
  if (!fd) return argv;
  std::string text;
  char buf[4096];
  for (ssize_t n;
       (n = ::read(fd->get(), buf, sizeof buf)) > 0 && text.size() < size_t{256} * 1024;) {
    text.append(buf, static_cast<size_t>(n));
  }
  for (size_t begin = 0; begin < text.size();) {
    const size_t end = std::min(text.find('\0', begin), text.size());
    argv.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return argv;
}

// /proc/uptime's first figure is CLOCK_BOOTTIME: reading the clock spares an open and a read
// per process a `list` shows.
double uptime_seconds() {
  timespec ts{};
  if (::clock_gettime(CLOCK_BOOTTIME, &ts) != 0) {
    auto text = read_small("/proc/uptime", 128);
    return text ? std::strtod(text->c_str(), nullptr) : 0.0;
  }
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

namespace {
// The columns from one read of /proc/PID/stat.
UsageText usage_from(const ProcStat& stat) {
  UsageText out;
  const ProcStat* st = &stat;
  const auto hz = static_cast<double>(ticks_per_second());
  const double elapsed = uptime_seconds() - static_cast<double>(st->start_ticks) / hz;
  char buf[32];
  const double cpu =
      elapsed > 0 ? 100.0 * (static_cast<double>(st->cpu_ticks) / hz) / elapsed : 0.0;
  (void)std::snprintf(buf, sizeof buf, "%.1f", cpu);
  out.cpu = buf;
  if (const uint64_t total = mem_total_kib(); total > 0) {
    const double rss_kib =
        static_cast<double>(st->rss_pages) * (static_cast<double>(::getpagesize()) / 1024.0);
    (void)std::snprintf(buf, sizeof buf, "%.1f", 100.0 * rss_kib / static_cast<double>(total));
    out.mem = buf;
  }
  out.uptime = format_etime(elapsed > 0 ? static_cast<uint64_t>(elapsed) : 0);
  out.cpu_seconds = static_cast<double>(st->cpu_ticks) / hz;
  if (const long page = ::sysconf(_SC_PAGESIZE); page > 0) {
    out.rss_bytes = st->rss_pages * static_cast<uint64_t>(page);
  }
  return out;
}
}  // namespace

UsageText usage_text(pid_t pid) {
  const auto st = read_proc_stat(pid);
  if (!st || st->state == 'Z') return UsageText{};
  return usage_from(*st);
}

UsageText tree_usage_text(pid_t leader, uint64_t cpu_usec, uint64_t memory_bytes) {
  const auto st = read_proc_stat(leader);  // read once: identity, uptime and state
  if (!st || st->state == 'Z') return UsageText{};
  UsageText out = usage_from(*st);
  const double elapsed = uptime_seconds() - static_cast<double>(st->start_ticks) /
                                                static_cast<double>(ticks_per_second());
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.1f",
                      elapsed > 0 ? 100.0 * (static_cast<double>(cpu_usec) / 1e6) / elapsed : 0.0);
  out.cpu = buf;
  if (const uint64_t total = mem_total_kib(); total > 0) {
    (void)std::snprintf(
        buf, sizeof buf, "%.1f",
        100.0 * (static_cast<double>(memory_bytes) / 1024.0) / static_cast<double>(total));
    out.mem = buf;
  }
  out.rss_bytes = memory_bytes;
  out.cpu_seconds = static_cast<double>(cpu_usec) / 1e6;
  return out;
}

std::string lstart_from_ticks(uint64_t start_ticks) {
  // Exactly as procps computes `ps -o lstart`: boot time (whole seconds, /proc/stat "btime")
  // plus the start ticks divided in integers. Deriving it from /proc/uptime instead can land
  // on the neighbouring second, and then a Python-era pid_start no longer matches its process.
  const uint64_t started =
      boot_time_seconds() + start_ticks / static_cast<uint64_t>(ticks_per_second());
  return lstart_text(
      std::chrono::system_clock::time_point{std::chrono::seconds{static_cast<int64_t>(started)}});
}

}  // namespace bgo
