// SPDX-License-Identifier: MIT
// Desktop notifications (spec §10.3): the BGO_NOTIFY gate, {title}/{body} formatting with
// Python's str.format rules, the backend choice, which events notify at which gate, and the cap
// on notifications running at once. The command runs through a fake ProbePort.
#include "daemon/core/desktop_notifier.hpp"

#include <gtest/gtest.h>

#include "tests/support/fake_ports.hpp"

namespace bgo::daemon {
namespace {

using Argv = std::vector<std::string>;

TEST(NotifyGate, TrimmedLowerCasedAndErrorsByDefault) {
  EXPECT_EQ(parse_notify_gate(" OFF\n"), NotifyGate::off);
  EXPECT_EQ(parse_notify_gate("All"), NotifyGate::all);
  EXPECT_EQ(parse_notify_gate(""), NotifyGate::errors);
  EXPECT_EQ(parse_notify_gate("errors"), NotifyGate::errors);
  EXPECT_EQ(parse_notify_gate("loud"), NotifyGate::errors);
  EXPECT_EQ(parse_notify_gate("o ff"), NotifyGate::errors);
}

TEST(NotifyFormat, SubstitutesTitleAndBodyAndReadsDoubledBraces) {
  EXPECT_EQ(format_notify_argv({"say", "{title}: {body}", "{{x}}"}, "T", "B"),
            std::optional<Argv>(Argv{"say", "T: B", "{x}"}));
  EXPECT_EQ(format_notify_argv({"say", "{body}"}, "T", "a {title} b"),
            std::optional<Argv>(Argv{"say", "a {title} b"}))
      << "the body's own braces are text";
  for (const std::string bad :
       {"{}", "{0}", "{name}", "{title!r}", "{title:>9}", "{title.x}", "{", "}", "a}b", "{title"}) {
    EXPECT_FALSE(format_notify_argv({"say", bad}, "T", "B").has_value()) << bad;
  }
}

class DesktopNotifierTest : public ::testing::Test {
 protected:
  NotifySettings settings(NotifyGate gate, std::optional<std::string> command = std::nullopt) {
    NotifySettings s;
    s.gate = gate;
    s.command = std::move(command);
    s.env = {"PATH=/usr/bin", "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"};
    s.find_program = [this](const std::string& program) -> std::optional<std::string> {
      if (programs.count(program) == 0) return std::nullopt;
      return "/usr/bin/" + program;
    };
    s.log = [this](const std::string& line) { logged.push_back(line); };
    s.max_running = 2;
    return s;
  }

  static ProcessEvent event(EventKind kind, std::string reason = "4 consecutive fast-crashes") {
    ProcessEvent e;
    e.kind = kind;
    e.name = "api";
    e.reason = std::move(reason);
    return e;
  }

  test::FakeEvents hub;
  test::FakeProbes probes;
  std::set<std::string> programs{"notify-send"};
  std::vector<std::string> logged;
};

TEST_F(DesktopNotifierTest, AnErroredProcessRunsNotifySendWithTitleAndBody) {
  DesktopNotifier n(hub, probes, settings(NotifyGate::errors));
  n.on_process_event(event(EventKind::exited, "exit code 1"));
  n.on_process_event(event(EventKind::errored));
  EXPECT_EQ(hub.kinds(), (std::vector<std::string>{"exited", "errored"})) << "all forwarded";
  ASSERT_EQ(probes.attempts.size(), 1U);
  const ProbeSpec& spec = probes.attempts[0]->spec;
  EXPECT_EQ(spec.kind, ProbeKind::exec);
  EXPECT_EQ(spec.argv,
            (Argv{"/usr/bin/notify-send", "bgo: api errored", "4 consecutive fast-crashes"}));
  EXPECT_EQ(spec.timeout, std::chrono::seconds(4));
  EXPECT_EQ(spec.env.size(), 2U) << "bgod's environment, with the session bus";
  EXPECT_EQ(n.running(), 1U);
  ASSERT_TRUE(probes.answer(false, "exit 1"));  // a failure is swallowed
  EXPECT_EQ(n.running(), 0U);
  EXPECT_TRUE(logged.empty());
}

TEST_F(DesktopNotifierTest, TheGateDecidesWhichEventsNotify) {
  DesktopNotifier errors(hub, probes, settings(NotifyGate::errors));
  errors.on_process_event(event(EventKind::unhealthy, "HTTP 503"));
  errors.on_process_event(event(EventKind::memory_exceeded));
  EXPECT_TRUE(probes.attempts.empty());

  DesktopNotifier all(hub, probes, settings(NotifyGate::all));
  all.on_process_event(event(EventKind::unhealthy, "HTTP 503"));
  all.on_process_event(event(EventKind::memory_exceeded, "256M"));
  ASSERT_EQ(probes.attempts.size(), 2U);
  EXPECT_EQ(probes.attempts[0]->spec.argv[1], "bgo: api unhealthy");
  EXPECT_EQ(probes.attempts[1]->spec.argv[1], "bgo: api over its memory limit");

  DesktopNotifier off(hub, probes, settings(NotifyGate::off, "say {title}"));
  off.on_process_event(event(EventKind::errored));
  EXPECT_EQ(probes.attempts.size(), 2U);
}

TEST_F(DesktopNotifierTest, BgoNotifyCmdWinsAndItsMistakesRunNothing) {
  programs.insert("say");
  DesktopNotifier custom(hub, probes, settings(NotifyGate::errors, "say -t '{title}' {body}"));
  custom.on_process_event(event(EventKind::errored, "why"));
  ASSERT_EQ(probes.attempts.size(), 1U);
  EXPECT_EQ(probes.attempts[0]->spec.argv, (Argv{"/usr/bin/say", "-t", "bgo: api errored", "why"}));

  DesktopNotifier quotes(hub, probes, settings(NotifyGate::errors, "say '{title}"));
  DesktopNotifier placeholder(hub, probes, settings(NotifyGate::errors, "say {name}"));
  quotes.on_process_event(event(EventKind::errored));
  placeholder.on_process_event(event(EventKind::errored));
  EXPECT_EQ(probes.attempts.size(), 1U) << "neither falls back to notify-send";
  ASSERT_EQ(logged.size(), 2U) << "one line each, at start";
  EXPECT_NE(logged[0].find("cannot be split"), std::string::npos) << logged[0];
  EXPECT_NE(logged[1].find("placeholder"), std::string::npos) << logged[1];
}

TEST_F(DesktopNotifierTest, NoBackendRunsNothingAndAStormIsCapped) {
  programs.clear();
  DesktopNotifier none(hub, probes, settings(NotifyGate::errors));
  none.on_process_event(event(EventKind::errored));
  EXPECT_TRUE(probes.attempts.empty());

  programs.insert("notify-send");
  DesktopNotifier n(hub, probes, settings(NotifyGate::errors));
  for (int i = 0; i < 3; ++i) n.on_process_event(event(EventKind::errored));
  EXPECT_EQ(probes.pending(), 2U) << "max_running";
  EXPECT_EQ(logged.size(), 1U);
  EXPECT_EQ(hub.count("errored"), 4U) << "events always go on";
}

}  // namespace
}  // namespace bgo::daemon
