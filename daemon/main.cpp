// SPDX-License-Identifier: MIT
// bgod entry point: flags -> run_daemon; startup exceptions -> message + exit code.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>

#include "daemon/daemon.hpp"
#include "daemon/os/pipe_keeper.hpp"

namespace {

// "10M", "512K", "1G", "1048576" (K/M/G are powers of 1024; an optional B/iB is accepted).
std::optional<uint64_t> parse_size(const std::string& text) {
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = text.substr(pos);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  double mult = 1;
  if (unit == "K")
    mult = 1024.0;
  else if (unit == "M")
    mult = 1024.0 * 1024;
  else if (unit == "G")
    mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    return std::nullopt;
  if (!(value >= 0) || value * mult > 1e18) return std::nullopt;
  return static_cast<uint64_t>(value * mult);
}

}  // namespace

int main(int argc, char** argv) {
  // Internal mode, started by bgod itself (daemon/os/pipe_keeper.hpp); not a user option.
  if (argc == 2 && std::string_view(argv[1]) == "--keep-pipes") {
    return bgo::daemon::run_pipe_keeper();
  }
  namespace po = boost::program_options;
  bgo::daemon::DaemonConfig config;
  po::options_description opts("Usage: bgod [options]\n\nThe bgo supervisor daemon. Options");
  double stop_timeout = 5.0;
  std::string max_log_size;
  int64_t log_files = 5;
  opts.add_options()("help,h", "show this help")("version,V", "print the version")(
      "foreground", "stay in the foreground (bgod always does; kept for unit files)")(
      "stop-timeout", po::value<double>(&stop_timeout)->default_value(5.0),
      "seconds between SIGTERM and SIGKILL when stopping a process")(
      "max-log-size", po::value<std::string>(&max_log_size)->default_value("10M"),
      "default log size before rotation, e.g. 512K, 10M, 1G (0 = never rotate)")(
      "log-files", po::value<int64_t>(&log_files)->default_value(5),
      "default number of rotated log files kept (NAME.out.log.1 .. .N)");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, opts), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bgod: %s\n", e.what());
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
  const auto size = parse_size(max_log_size);
  if (!size) {
    std::fprintf(stderr, "bgod: --max-log-size: invalid size '%s'\n", max_log_size.c_str());
    return 2;
  }
  config.default_logs.max_size = *size;
  config.default_logs.files = std::max<int64_t>(0, log_files);
  try {
    return bgo::daemon::run_daemon(config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bgod: %s\n", e.what());
    return 1;
  }
}
