// SPDX-License-Identifier: MIT
// RPC latency under load (issue #7): C concurrent clients each send R requests, one at a time,
// to one bgod that supervises P running processes; every answer is checked. Method and
// results: bench/README.md ("rpc_load").
//
//   bench_rpc_load [--clients 200] [--requests 100] [--processes 50] [--tick MS]
//                  [--methods hello,list,get,daemon.status] [--bin-dir DIR]
//
// Starts a private bgod (fresh BGO_HOME), starts P `bgo_test_child --tick MS` (each prints a
// line every MS ms, so bgod also moves log output meanwhile) over P parallel connections, then
// opens C connections (each answered once) and releases them together. Each client cycles
// through hello, list, get <one of the P>, daemon.status; a request's latency is the time from
// its write to the end of its response line (steady_clock). Prints p50/p90/p99/max per method and
// overall, throughput, and the number of wrong or missing answers (exit status 1 if any).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <latch>
#include <map>
#include <poll.h>
#include <spawn.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <boost/json.hpp>

#include "bench/bench_support.hpp"

namespace bench = bgo::bench;

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

struct Options {
  int clients = 200;
  int requests = 100;
  int processes = 50;
  int tick_ms = 100;
  std::vector<std::string> methods{"hello", "list", "get", "daemon.status"};
  std::string bin_dir = BGO_BIN_DIR;
};

int run(const std::vector<std::string>& args, const std::string& home) {
  return bench::run_command(args, bench::bench_env(home), bench::Output::shown);
}

class Connection {
 public:
  explicit Connection(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    // A short mkdtemp() path under /tmp: always fits sun_path.
    (void)std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ >= 0 && ::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~Connection() {
    if (fd_ >= 0) ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  bool ok() const { return fd_ >= 0; }

  // Reads until the daemon closes the connection (or `timeout`).
  void wait_closed(std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    char buf[65536];
    while (Clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if (::read(fd_, buf, sizeof buf) <= 0) return;
    }
  }

  // The response to `method`, or null on a transport failure or a 30 s timeout.
  json::value call(const std::string& method, json::object params) {
    const int64_t id = next_id_++;
    std::string line = json::serialize(json::object{
        {"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}});
    line.push_back('\n');
    for (std::string_view rest = line; !rest.empty();) {
      const ssize_t n = ::send(fd_, rest.data(), rest.size(), MSG_NOSIGNAL);
      if (n <= 0) return nullptr;
      rest.remove_prefix(static_cast<size_t>(n));
    }
    const auto deadline = Clock::now() + std::chrono::seconds(30);
    for (;;) {
      if (const size_t nl = buffer_.find('\n'); nl != std::string::npos) {
        json::error_code ec;
        json::value v = json::parse(std::string_view(buffer_).substr(0, nl), ec);
        buffer_.erase(0, nl + 1);
        if (ec || !v.is_object()) return nullptr;
        if (v.as_object().contains("method")) continue;  // a notification
        return v;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return nullptr;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
      char buf[65536];
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n <= 0) return nullptr;
      buffer_.append(buf, static_cast<size_t>(n));
    }
  }

 private:
  int fd_ = -1;
  std::string buffer_;
  int64_t next_id_ = 1;
};

void report(const char* what, std::vector<double> us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) {
    return us[std::min(us.size() - 1, static_cast<size_t>(p * static_cast<double>(us.size())))];
  };
  std::printf(
      "%-14s n=%-6zu p50=%8.0f us  p90=%8.0f us  p99=%8.0f us  p99.9=%8.0f us  max=%8.0f us\n",
      what, us.size(), pct(0.50), pct(0.90), pct(0.99), pct(0.999), us.back());
}

bool parse_args(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return false;
    const std::string v = argv[++i];
    if (a == "--clients") {
      o.clients = int(std::strtol(v.c_str(), nullptr, 10));
    } else if (a == "--requests") {
      o.requests = int(std::strtol(v.c_str(), nullptr, 10));
    } else if (a == "--processes") {
      o.processes = int(std::strtol(v.c_str(), nullptr, 10));
    } else if (a == "--tick") {
      o.tick_ms = int(std::strtol(v.c_str(), nullptr, 10));
    } else if (a == "--methods") {
      o.methods.clear();
      for (size_t start = 0; start <= v.size();) {
        const size_t comma = std::min(v.find(',', start), v.size());
        if (comma > start) o.methods.push_back(v.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (a == "--bin-dir") {
      o.bin_dir = v;
    } else {
      return false;
    }
  }
  return o.clients > 0 && o.requests > 0 && o.processes > 0 && !o.methods.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse_args(argc, argv, o)) {
    std::cerr << "usage: bench_rpc_load [--clients N] [--requests N] [--processes N] [--tick MS] "
                 "[--methods M1,M2,...] [--bin-dir DIR]\n";
    return 2;
  }
  char tmpl[] = "/tmp/bgo-bench-rpc-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const std::string home = std::string(tmpl) + "/home";
  const std::string sock = home + "/bgo.sock";
  if (run({o.bin_dir + "/bgo", "daemon", "start"}, home) != 0) {
    std::cerr << "cannot start bgod\n";
    return 1;
  }
  int failures = 0;
  {
    // One connection per process, all at once: their 100 ms start probes overlap.
    std::vector<std::thread> starters;
    starters.reserve(static_cast<size_t>(o.processes));
    std::atomic<int> start_failures{0};
    for (int i = 0; i < o.processes; ++i) {
      starters.emplace_back([&, i] {
        Connection c(sock);
        json::value r =
            c.call("start", {{"name", "p" + std::to_string(i)},
                             {"command", json::array{o.bin_dir + "/bgo_test_child", "--tick",
                                                     std::to_string(o.tick_ms)}}});
        if (!r.is_object() || !r.as_object().contains("result")) ++start_failures;
      });
    }
    for (auto& t : starters) t.join();
    if (start_failures > 0) {
      std::cerr << start_failures.load() << " process(es) failed to start\n";
      failures += start_failures;
    }
  }

  std::vector<std::map<std::string, std::vector<double>>> per_client(
      static_cast<size_t>(o.clients));
  std::atomic<int> wrong{0};
  // Every client connects and is answered once (so bgod has accepted it) before the gate
  // opens; waiting threads block instead of spinning, which would starve bgod of CPU.
  std::latch ready(o.clients + 1);
  std::latch go(1);
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(o.clients));
  for (int t = 0; t < o.clients; ++t) {
    threads.emplace_back([&, t] {
      Connection c(sock);
      auto& samples = per_client[static_cast<size_t>(t)];
      const bool warm = c.ok() && c.call("hello", {}).is_object();
      ready.count_down();
      go.wait();
      if (!warm) {
        wrong += o.requests;
        return;
      }
      for (int k = 0; k < o.requests; ++k) {
        const std::string& method = o.methods[static_cast<size_t>(t + k) % o.methods.size()];
        const std::string name = "p" + std::to_string((t * 7 + k) % o.processes);
        json::object params;
        if (method == "get") params["name"] = name;
        const auto t0 = Clock::now();
        json::value v = c.call(method, std::move(params));
        const auto t1 = Clock::now();
        samples[method].push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        bool ok = v.is_object() && v.as_object().contains("result");
        if (ok) {
          const json::value& r = v.at("result");
          if (method == "hello") ok = r.at("protocol") == 1;
          if (method == "list")
            ok = r.at("processes").as_array().size() == static_cast<size_t>(o.processes);
          if (method == "get") ok = r.at("name") == json::value(name) && r.at("status") == "online";
          if (method == "daemon.status") ok = r.at("online").as_int64() == o.processes;
        }
        if (!ok) ++wrong;
      }
    });
  }
  ready.arrive_and_wait();
  const auto start = Clock::now();
  go.count_down();
  for (auto& th : threads) th.join();
  const double secs = std::chrono::duration<double>(Clock::now() - start).count();

  std::map<std::string, std::vector<double>> by_method;
  std::vector<double> all;
  for (auto& c : per_client) {
    for (auto& [m, v] : c) {
      by_method[m].insert(by_method[m].end(), v.begin(), v.end());
      all.insert(all.end(), v.begin(), v.end());
    }
  }
  std::printf("rpc_load: %d clients x %d requests, %d processes (tick %d ms)\n", o.clients,
              o.requests, o.processes, o.tick_ms);
  for (auto& [m, v] : by_method) report(m.c_str(), v);
  report("all", all);
  std::printf("%zu requests in %.2f s: %.0f requests/s; wrong or missing answers: %d\n", all.size(),
              secs, static_cast<double>(all.size()) / secs, wrong.load());
  failures += wrong;

  {
    Connection admin(sock);
    admin.call("daemon.stop", {});
    // bgod closes every connection once its children are stopped, then exits.
    admin.wait_closed(std::chrono::seconds(30));
  }
  std::error_code ec;
  std::filesystem::remove_all(tmpl, ec);
  return failures == 0 ? 0 : 1;
}
