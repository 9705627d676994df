// SPDX-License-Identifier: MIT
// parse_signal / signal_name: every spelling of a name, numbers, aliases, what is refused.
#include "common/signal_name.hpp"

#include <csignal>

#include <gtest/gtest.h>

namespace bgo {
namespace {

int ok(std::string_view text) {
  auto r = parse_signal(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : -1;
}

std::string error_of(std::string_view text) {
  auto r = parse_signal(text);
  EXPECT_FALSE(r) << text << " parsed as " << (r ? *r : 0);
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

TEST(ParseSignal, EverySpellingOfSigint) {
  for (const char* text : {"SIGINT", "INT", "int", "sigint", "SigInt", "2"}) {
    EXPECT_EQ(ok(text), SIGINT) << text;
  }
}

TEST(ParseSignal, TheCommonStopSignals) {
  EXPECT_EQ(ok("SIGTERM"), SIGTERM);
  EXPECT_EQ(ok("HUP"), SIGHUP);
  EXPECT_EQ(ok("quit"), SIGQUIT);
  EXPECT_EQ(ok("USR1"), SIGUSR1);
  EXPECT_EQ(ok("SIGUSR2"), SIGUSR2);
  EXPECT_EQ(ok("WINCH"), SIGWINCH);
  EXPECT_EQ(ok("KILL"), SIGKILL);  // accepted: the caller decides what makes sense
  EXPECT_EQ(ok("SIGSTOP"), SIGSTOP);
  EXPECT_EQ(ok("15"), SIGTERM);
  EXPECT_EQ(ok("9"), SIGKILL);
}

TEST(ParseSignal, AliasesMapToTheCanonicalNumber) {
  EXPECT_EQ(ok("IOT"), SIGABRT);
  EXPECT_EQ(ok("SIGPOLL"), SIGIO);
  EXPECT_EQ(ok("CLD"), SIGCHLD);
  EXPECT_EQ(signal_name(ok("IOT")), "SIGABRT");
  EXPECT_EQ(signal_name(ok("poll")), "SIGIO");
}

TEST(ParseSignal, RealtimeSignals) {
  EXPECT_EQ(ok("RTMIN"), SIGRTMIN);
  EXPECT_EQ(ok("SIGRTMIN+1"), SIGRTMIN + 1);
  EXPECT_EQ(ok("rtmax"), SIGRTMAX);
  EXPECT_EQ(ok("RTMAX-2"), SIGRTMAX - 2);
  EXPECT_EQ(ok(std::to_string(SIGRTMAX)), SIGRTMAX);
  EXPECT_EQ(ok("SIG" + std::to_string(SIGRTMIN)), SIGRTMIN);  // what signal_name() prints
  error_of("RTMIN-1");
  error_of("RTMAX+1");
  error_of("RTMIN+");
  error_of("RTMIN+x");
  error_of("RTMIN+" + std::to_string(SIGRTMAX));
}

TEST(ParseSignal, RefusesUnknownNamesAndNumbersOutOfRange) {
  EXPECT_EQ(error_of("SIGFOO"), "unknown signal 'SIGFOO'");
  EXPECT_EQ(error_of("0"), "unknown signal '0'");
  EXPECT_EQ(error_of("65"), "unknown signal '65'");
  EXPECT_EQ(error_of(""), "unknown signal ''");
  for (const char* bad : {"SIG", "SIG0", "SIG65", "-2", "+2", " INT", "INT ", "2.0", "0x2",
                          "SIGSIGINT", "1000", "99999999999", "TERMINATE", "SIG INT"}) {
    error_of(bad);
  }
}

TEST(SignalName, CanonicalNames) {
  EXPECT_EQ(signal_name(SIGINT), "SIGINT");
  EXPECT_EQ(signal_name(SIGTERM), "SIGTERM");
  EXPECT_EQ(signal_name(SIGKILL), "SIGKILL");
  EXPECT_EQ(signal_name(SIGABRT), "SIGABRT");
  EXPECT_EQ(signal_name(SIGCHLD), "SIGCHLD");
  EXPECT_EQ(signal_name(SIGRTMIN), "SIG" + std::to_string(SIGRTMIN));
  EXPECT_EQ(signal_name(0), "SIG0");
}

TEST(SignalName, EveryNumberRoundTrips) {
  for (int sig = 1; sig <= SIGRTMAX; ++sig) {
    const std::string name = signal_name(sig);
    EXPECT_EQ(ok(name), sig) << name;
    EXPECT_EQ(ok(std::to_string(sig)), sig);
  }
}

}  // namespace
}  // namespace bgo
