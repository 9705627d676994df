// SPDX-License-Identifier: MIT
// libFuzzer target: arbitrary bytes -> LineDecoder -> Dispatcher (stub methods), checking that
// every line owed is answered exactly once and that every answer is a well-formed JSON-RPC
// line. The first two input bytes choose the feed() split and the line cap.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon/rpc/dispatcher.hpp"
#include "proto/framing.hpp"
#include "tests/fuzz/stub_methods.hpp"

namespace {

struct Harness {
  bgo::daemon::Dispatcher dispatcher;
  std::deque<std::function<void()>> deferred;
  Harness() {
    bgo::fuzz::add_stub_methods(
        dispatcher, [this](std::function<void()> f) { deferred.push_back(std::move(f)); });
  }
};

}  // namespace

// The stubs log every firewall catch; at millions of runs that is all the fuzzer would do.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Harness h;  // the method table is immutable: build it once
  if (size < 2) return 0;
  // Byte 0: how the rest is split into feed() calls; byte 1: the line cap, small enough that
  // short inputs reach the overflow path too.
  const size_t chunk = 1 + data[0] % 64;
  bgo::proto::LineDecoder decoder(8 + data[1]);
  std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);
  std::vector<int> answers;  // per dispatched line: how many times done() was called
  auto handle = [&](const std::string& line) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) return;
    const size_t index = answers.size();
    answers.push_back(0);
    h.dispatcher.handle_line(line, nullptr, [&answers, index](std::string text) {
      ++answers[index];
      if (!text.empty()) bgo::fuzz::check_output_line(text);
    });
  };
  while (!input.empty() && !decoder.overflowed()) {
    const size_t n = std::min(chunk, input.size());
    decoder.feed(input.substr(0, n));
    input.remove_prefix(n);
    while (auto line = decoder.next_line()) handle(*line);
  }
  while (!h.deferred.empty()) {
    auto f = std::move(h.deferred.front());
    h.deferred.pop_front();
    f();
  }
  for (int count : answers) {
    if (count != 1) bgo::fuzz::violated("a line was not answered exactly once", "");
  }
  return 0;
}
