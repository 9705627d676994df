// SPDX-License-Identifier: MIT
// bgod entry point: flags -> run_daemon; startup exceptions -> message + exit code.
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "common/size.hpp"
#include "daemon/daemon.hpp"
#include "daemon/os/handover.hpp"
#include "daemon/os/pipe_keeper.hpp"

namespace {

int parse_fd(const std::string& text) {
  int fd = -1;
  const auto r = std::from_chars(text.data(), text.data() + text.size(), fd);
  return r.ec == std::errc() && r.ptr == text.data() + text.size() && fd >= 0 ? fd : -1;
}

// `bgod --handover-check VERSION`: "bgod-handover VERSION ok BGOD_VERSION" and 0 when this
// binary reads that hand-over format, a reason and 3 otherwise.
int handover_check(std::string_view version) {
  if (version != std::to_string(bgo::daemon::handover_version())) {
    std::cout << "bgod " << BGO_VERSION << " reads hand-over format "
              << bgo::daemon::handover_version() << ", not " << version << "\n";
    return 3;
  }
  std::cout << "bgod-handover " << version << " ok " << BGO_VERSION << "\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Internal mode, started by bgod itself (daemon/os/pipe_keeper.hpp); not a user option.
  if (argc == 2 && std::string_view(argv[1]) == "--keep-pipes") {
    return bgo::daemon::run_pipe_keeper();
  }
  // Internal mode: a live upgrade asks a new binary whether it can take over (daemon/upgrade.hpp).
  if (argc == 3 && std::string_view(argv[1]) == "--handover-check") {
    return handover_check(argv[2]);
  }
  namespace po = boost::program_options;
  bgo::daemon::DaemonConfig config;
  // --handover FD (internal: set by the previous image of a live upgrade) is taken out here;
  // the rest of the command line is kept for the next upgrade.
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] != "--handover") continue;
    config.handover_fd = parse_fd(args[i + 1]);
    if (config.handover_fd < 0) {
      (void)std::fprintf(stderr, "bgod: --handover: invalid descriptor '%s'\n",
                         args[i + 1].c_str());
      return 2;
    }
    args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
               args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
    break;
  }
  if (auto it = std::find(args.begin(), args.end(), "--handover-returned"); it != args.end()) {
    config.handover_returned = true;
    args.erase(it);
  }
  config.args = args;
  po::options_description opts("Usage: bgod [options]\n\nThe bgo supervisor daemon. Options");
  double stop_timeout = 5.0;
  std::string max_log_size;
  std::string log_reserve;
  std::string metrics_listen;
  int64_t log_files = 5;
  opts.add_options()("help,h", "show this help")("version,V", "print the version")(
      "foreground", "stay in the foreground (bgod always does; kept for unit files)")(
      "stop-timeout", po::value<double>(&stop_timeout)->default_value(5.0),
      "seconds between SIGTERM and SIGKILL when stopping a process")(
      "max-log-size", po::value<std::string>(&max_log_size)->default_value("10M"),
      "default log size before rotation, e.g. 512K, 10M, 1G (0 = never rotate)")(
      "log-files", po::value<int64_t>(&log_files)->default_value(5),
      "default number of rotated log files kept (NAME.out.log.1 .. .N)")(
      "log-reserve", po::value<std::string>(&log_reserve)->default_value("8M"),
      "stop writing logs while less than this is free on their file system, so state files "
      "can still be saved, e.g. 8M (0 = no reserve)")(
      "metrics-listen", po::value<std::string>(&metrics_listen)->value_name("[ADDR:]PORT"),
      "serve the metrics (docs/metrics.md) over HTTP at http://ADDR:PORT/metrics; ADDR is "
      "127.0.0.1 when left out, an IP address or localhost ([::1] for IPv6), and must be a "
      "loopback address unless --metrics-allow-remote is given; PORT 0 takes a free port. Off "
      "by default")(
      "metrics-allow-remote",
      "let --metrics-listen take an address other machines can reach (the page has no "
      "password: whoever reaches it reads every process name)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "bgod: %s\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (vm.count("version")) {
    std::cout << "bgod " << BGO_VERSION << "\n";
    return 0;
  }
  config.stop_timeout = std::chrono::milliseconds(static_cast<int64_t>(stop_timeout * 1000));
  const auto size = bgo::parse_size(max_log_size);
  if (!size) {
    (void)std::fprintf(stderr, "bgod: --max-log-size: invalid size '%s'\n", max_log_size.c_str());
    return 2;
  }
  config.default_logs.max_size = *size;
  config.default_logs.files = std::max<int64_t>(0, log_files);
  const auto reserve = bgo::parse_size(log_reserve);
  if (!reserve) {
    (void)std::fprintf(stderr, "bgod: --log-reserve: invalid size '%s'\n", log_reserve.c_str());
    return 2;
  }
  config.log_reserve = *reserve;
  if (vm.count("metrics-allow-remote") && !vm.count("metrics-listen")) {
    (void)std::fprintf(stderr, "bgod: --metrics-allow-remote needs --metrics-listen\n");
    return 2;
  }
  if (vm.count("metrics-listen")) {
    auto listen = bgo::daemon::parse_metrics_listen(
        metrics_listen, vm.count("metrics-allow-remote") ? bgo::daemon::RemoteMetrics::allow
                                                         : bgo::daemon::RemoteMetrics::refuse);
    if (!listen) {
      (void)std::fprintf(stderr, "bgod: %s\n", listen.error().message.c_str());
      return 2;
    }
    config.metrics_listen = *listen;
  }
  try {
    return bgo::daemon::run_daemon(config);
  } catch (const std::exception& e) {
    (void)std::fprintf(stderr, "bgod: %s\n", e.what());
    return 1;
  }
}
