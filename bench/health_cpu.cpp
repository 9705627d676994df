// SPDX-License-Identifier: MIT
// bgod's CPU while nothing happens (issue #14): N processes without checks must cost 0 ticks;
// with an HTTP liveness probe each, how much. Method and results: bench/README.md.
//
//   bench_health_cpu [--procs N] [--seconds S] [--probes] [--interval DUR]
//
// Starts a private bgod (fresh BGO_HOME), registers N `sleep` processes (with `--probes`, each
// with `--live-http` against one python3 http.server that bgod also runs), lets everything
// settle for 2 s, then reads bgod's utime+stime from /proc/PID/stat, waits S seconds and reads
// them again. Prints the ticks used and the CPU share.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <netinet/in.h>
#include <spawn.h>
#include <sstream>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "bench/bench_support.hpp"

namespace bench = bgo::bench;

namespace {

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);  // NOLINT
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);  // NOLINT
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

int main(int argc, char** argv) {
  int procs = 20;
  int seconds = 30;
  bool probes = false;
  std::string interval = "1s";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--procs" && i + 1 < argc) {
      procs = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--seconds" && i + 1 < argc) {
      seconds = static_cast<int>(std::strtol(argv[++i], nullptr, 10));
    } else if (a == "--probes") {
      probes = true;
    } else if (a == "--interval" && i + 1 < argc) {
      interval = argv[++i];
    } else {
      std::cerr << "usage: bench_health_cpu [--procs N] [--seconds S] [--probes] [--interval D]\n";
      return 2;
    }
  }
  char tmpl[] = "/tmp/bgo-bench-cpu-XXXXXX";
  const std::string home = ::mkdtemp(tmpl);
  const std::vector<std::string> env = bench::bench_env(home);
  auto run = [&env](const std::vector<std::string>& args) { return bench::run_command(args, env); };
  const std::string bgo = std::string(BGO_BIN_DIR) + "/bgo";
  const std::string port = std::to_string(free_port());
  if (probes) {
    run({bgo, "start", "http", "--ready-http", "http://127.0.0.1:" + port + "/", "--",
         "/usr/bin/python3", "-m", "http.server", port, "--bind", "127.0.0.1"});
  }
  for (int i = 0; i < procs; ++i) {
    std::vector<std::string> args{bgo, "start", "p" + std::to_string(i)};
    if (probes) {
      args.insert(args.end(), {"--live-http", "http://127.0.0.1:" + port + "/", "--live-interval",
                               interval, "--after", "http"});
    }
    args.insert(args.end(), {"--", "/bin/sleep", "1000000"});
    if (run(args) != 0) std::cerr << "start p" << i << " failed\n";
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the starts settle
  std::ifstream pid_file(home + "/bgod.pid");
  pid_t bgod = 0;
  pid_file >> bgod;
  const long before = bench::cpu_ticks(bgod);
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const long after = bench::cpu_ticks(bgod);
  const long long hz = ::sysconf(_SC_CLK_TCK);
  std::printf("procs=%d probes=%s interval=%s seconds=%d bgod_ticks=%ld cpu=%.2f%%\n", procs,
              probes ? "http" : "none", interval.c_str(), seconds, after - before,
              100.0 * static_cast<double>(after - before) / static_cast<double>(hz * seconds));
  run({bgo, "daemon", "stop"});
  std::filesystem::remove_all(home);
  return 0;
}
