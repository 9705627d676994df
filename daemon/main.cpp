// SPDX-License-Identifier: MIT
// bgod entry point: flags -> run_daemon; startup exceptions -> message + exit code.
#include <cstdio>
#include <exception>
#include <iostream>

#include <boost/program_options.hpp>

#include "daemon/daemon.hpp"

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  bgo::daemon::DaemonConfig config;
  po::options_description opts("Usage: bgod [options]\n\nThe bgo supervisor daemon. Options");
  double stop_timeout = 5.0;
  opts.add_options()("help,h", "show this help")("version,V", "print the version")(
      "foreground", "stay in the foreground (bgod always does; kept for unit files)")(
      "stop-timeout", po::value<double>(&stop_timeout)->default_value(5.0),
      "seconds between SIGTERM and SIGKILL when stopping a process");
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
  try {
    return bgo::daemon::run_daemon(config);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bgod: %s\n", e.what());
    return 1;
  }
}
