// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes written by a peer into a real Session over a socketpair
// (stub methods, small limits so the line cap and the write-queue bound are reached), then the
// peer half-closes. The session must answer with well-formed lines only, end the connection by
// itself, and leave nothing behind (LeakSanitizer checks every input).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/session.hpp"
#include "tests/fuzz/stub_methods.hpp"

namespace {

using boost::asio::local::stream_protocol;

void check_lines(const std::string& out) {
  size_t start = 0;
  while (start < out.size()) {
    const size_t nl = out.find('\n', start);
    if (nl == std::string::npos) bgo::fuzz::violated("output ends inside a line", out);
    bgo::fuzz::check_output_line(std::string_view(out).substr(start, nl + 1 - start));
    start = nl + 1;
  }
}

}  // namespace

// The stubs log every firewall catch; at millions of runs that is all the fuzzer would do.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  boost::asio::io_context io;
  bgo::daemon::Dispatcher dispatcher;
  bgo::fuzz::add_stub_methods(
      dispatcher, [&io](std::function<void()> f) { boost::asio::post(io, std::move(f)); });
  stream_protocol::socket server(io), peer(io);
  boost::asio::local::connect_pair(server, peer);
  bgo::daemon::SessionLimits limits;
  limits.max_line_bytes = 512;
  limits.max_queued_bytes = 4096;
  int closed_calls = 0;
  auto session = std::make_shared<bgo::daemon::Session>(
      std::move(server), dispatcher, limits, [&](bgo::daemon::Session*) { ++closed_calls; });
  session->start();
  session.reset();  // it must keep itself alive exactly as long as it has work

  const std::string input(reinterpret_cast<const char*>(data), size);
  boost::asio::async_write(peer, boost::asio::buffer(input),
                           [&peer](const boost::system::error_code&, size_t) {
                             boost::system::error_code ignored;
                             peer.shutdown(stream_protocol::socket::shutdown_send, ignored);
                           });
  std::string out;
  auto sink = boost::asio::dynamic_buffer(out);
  boost::asio::async_read(peer, sink, [](const boost::system::error_code&, size_t) {});
  io.run();  // returns once the session has closed and the peer has read everything
  check_lines(out);
  if (closed_calls != 1) bgo::fuzz::violated("on_closed did not run exactly once", "");
  return 0;
}
