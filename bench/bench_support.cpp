// SPDX-License-Identifier: MIT
#include "bench/bench_support.hpp"

#include <algorithm>
#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sstream>
#include <string_view>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bgo::bench {

namespace {

// NUL-terminated pointers into `strings`, which must outlive them.
std::vector<char*> c_array(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::vector<std::string> bench_env(const std::string& home, const std::vector<std::string>& extra,
                                   const std::vector<std::string>& drop) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view kv(*e);
    if (kv.starts_with("BGO_")) continue;
    if (std::any_of(drop.begin(), drop.end(), [&](const auto& d) { return kv.starts_with(d); })) {
      continue;
    }
    env.emplace_back(kv);
  }
  if (!home.empty()) env.push_back("BGO_HOME=" + home);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

int run_command(const std::vector<std::string>& args, const std::vector<std::string>& env,
                Output output, std::string* captured) {
  std::vector<std::string> argv_s = args;
  std::vector<std::string> env_s = env;
  const std::vector<char*> argv = c_array(argv_s);
  const std::vector<char*> envp = c_array(env_s);
  int out[2] = {-1, -1};
  if (captured != nullptr && ::pipe2(out, O_CLOEXEC) != 0) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (captured != nullptr) {
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  } else if (output != Output::shown) {
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  }
  if (output == Output::quiet) posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  if (captured != nullptr) {
    ::close(out[1]);
    char buf[65536];
    for (ssize_t n = 0; rc == 0 && (n = ::read(out[0], buf, sizeof buf)) > 0;) {
      captured->append(buf, static_cast<size_t>(n));
    }
    ::close(out[0]);
  }
  if (rc != 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

long cpu_ticks(pid_t pid) {
  const std::string stat = read_text("/proc/" + std::to_string(pid) + "/stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 > stat.size()) return 0;
  std::istringstream in(stat.substr(close + 2));
  std::string field;
  long utime = 0;
  for (int i = 3; in >> field; ++i) {
    if (i == 14) utime = std::stol(field);
    if (i == 15) return utime + std::stol(field);
  }
  return 0;
}

long rss_kib(pid_t pid) {
  std::istringstream in(read_text("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  }
  return 0;
}

double to_ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

void report(const char* what, std::vector<double> ms) {
  if (ms.empty()) {
    std::printf("%-12s no samples\n", what);
    return;
  }
  std::sort(ms.begin(), ms.end());
  auto pct = [&](double p) {
    return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  };
  std::printf("%-12s n=%zu  median %.3f ms  p90 %.3f ms  p99 %.3f ms  min %.3f  max %.3f\n", what,
              ms.size(), pct(0.5), pct(0.9), pct(0.99), ms.front(), ms.back());
}

}  // namespace bgo::bench
