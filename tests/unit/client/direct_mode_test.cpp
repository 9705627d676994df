// SPDX-License-Identifier: MIT
// Tests for direct mode, `bgo <name|command> …` (spec §2.2, §11.3, §11.5, §11.7).
#include "client/direct_mode.hpp"

#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

using Args = std::vector<std::string>;
using Kind = DirectParse::Kind;

// A PATH holding only a few well-known programs.
const OnPath k_on_path = [](std::string_view program) {
  static const std::set<std::string_view> k_programs{"python3", "ping", "echo", "top", "test"};
  return k_programs.contains(program);
};

TEST(LooksLikeCommand, UpstreamCases) {
  EXPECT_TRUE(looks_like_command("/usr/bin/python3", k_on_path));
  EXPECT_TRUE(looks_like_command("./script.sh", k_on_path));
  EXPECT_TRUE(looks_like_command("script.py", k_on_path));
  EXPECT_TRUE(looks_like_command("python3", k_on_path));
  EXPECT_FALSE(looks_like_command("myapp", k_on_path));
  EXPECT_FALSE(looks_like_command("my.app", k_on_path));
}

TEST(LooksLikeCommand, SuffixesAreCaseInsensitive) {
  for (const char* tok : {"x.PY", "x.Sh", "x.js", "x.ts", "x.rb", "x.pl", "X.EXE", "x.bin"}) {
    EXPECT_TRUE(looks_like_command(tok, k_on_path)) << tok;
  }
  EXPECT_FALSE(looks_like_command("x.pyc", k_on_path));
  EXPECT_FALSE(looks_like_command("", k_on_path));
  EXPECT_TRUE(looks_like_command("a/b", k_on_path));
}

TEST(LooksLikeCommand, WorksWithoutAPathProbe) {
  EXPECT_FALSE(looks_like_command("python3", OnPath{}));
  EXPECT_TRUE(looks_like_command("run.sh", OnPath{}));
}

TEST(DeriveName, UpstreamCases) {
  EXPECT_EQ(derive_name({"python3.py"}), "python3");
  EXPECT_EQ(derive_name({"./server.sh"}), "server");
  EXPECT_EQ(derive_name({"/usr/local/bin/myapp"}), "myapp");
  EXPECT_EQ(derive_name({"plainname"}), "plainname");
}

TEST(DeriveName, WalksTheSuffixListOnceInOrder) {
  EXPECT_EQ(derive_name({"x.sh.py"}), "x");
  EXPECT_EQ(derive_name({"a.py.sh"}), "a.py");
  EXPECT_EQ(derive_name({".py"}), "");
  EXPECT_EQ(derive_name({"tool.bin"}), "tool.bin");
  EXPECT_EQ(derive_name({"RUN.SH"}), "RUN.SH");
  EXPECT_EQ(derive_name({"dir/"}), "");
  EXPECT_EQ(derive_name({}), "");
  EXPECT_EQ(derive_name({"python3", "server.py"}), "python3");
}

TEST(ParseDirect, NameDashDashCommand) {
  const DirectParse p = parse_direct({"myapp", "--", "python3", "server.py"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"python3", "server.py"}));
  EXPECT_FALSE(p.watch);
}

TEST(ParseDirect, CommandOnPathNamesItself) {
  const DirectParse p = parse_direct({"python3", "server.py"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "python3");
  EXPECT_EQ(p.command, (Args{"python3", "server.py"}));
}

TEST(ParseDirect, NameThenCommand) {
  const DirectParse p =
      parse_direct({"myapp", "python3", "server.py", "--port", "8080"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"python3", "server.py", "--port", "8080"}));
}

TEST(ParseDirect, LeadingWatchFlag) {
  const DirectParse p = parse_direct({"-w", "myapp", "python3", "server.py"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"python3", "server.py"}));
  EXPECT_TRUE(p.watch);
}

TEST(ParseDirect, DottedNameIsNotACommand) {
  const DirectParse p = parse_direct({"my.app", "python3", "server.py"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "my.app");
  EXPECT_EQ(p.command, (Args{"python3", "server.py"}));
}

TEST(ParseDirect, SingleTokenIsDetailOrUnknown) {
  for (const char* tok : {"myapp", "unknown", "foo/bar", "python3", "__watcher__"}) {
    const DirectParse p = parse_direct({tok}, k_on_path);
    EXPECT_EQ(p.kind, Kind::detail_or_unknown) << tok;
    EXPECT_EQ(p.name, tok);
    EXPECT_TRUE(p.command.empty());
  }
}

TEST(ParseDirect, SingleDashTokenFallsThroughToTheParser) {
  for (const char* tok : {"--bogus", "-x", "--version"}) {
    EXPECT_EQ(parse_direct({tok}, k_on_path).kind, Kind::parser_fallthrough) << tok;
  }
}

TEST(ParseDirect, NameWithEmptyCommandIsUsage) {
  const DirectParse p = parse_direct({"myapp", "--"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::usage_error);
  EXPECT_EQ(p.usage_message, "Usage: bgo [-w] <n> -- <command> [args...]");
}

TEST(ParseDirect, DashDashWithoutNameIsUsage) {
  for (const Args& args : {Args{"--", "echo", "hi"}, Args{"-w", "--", "echo"},
                           Args{"", "--", "echo"}, Args{"--", "--"}}) {
    const DirectParse p = parse_direct(args, k_on_path);
    EXPECT_EQ(p.kind, Kind::usage_error);
    EXPECT_EQ(p.usage_message, k_direct_usage_watch);
  }
}

TEST(ParseDirect, OnlyWatchFlagsIsShortUsage) {
  for (const Args& args : {Args{"-w"}, Args{"--watch"}, Args{"-w", "--watch"}, Args{}}) {
    const DirectParse p = parse_direct(args, k_on_path);
    EXPECT_EQ(p.kind, Kind::usage_error);
    EXPECT_EQ(p.usage_message, "Usage: bgo <n> -- <command> [args...]");
  }
}

TEST(ParseDirect, CommandsOwnWatchFlagIsKeptWithoutDashDash) {
  const DirectParse p = parse_direct({"ping", "-w", "5", "localhost"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "ping");
  EXPECT_EQ(p.command, (Args{"ping", "-w", "5", "localhost"}));
  EXPECT_FALSE(p.watch);
}

TEST(ParseDirect, CommandsOwnWatchFlagIsKeptAfterDashDash) {
  const DirectParse p = parse_direct({"myapp", "--", "ping", "-w", "5", "localhost"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"ping", "-w", "5", "localhost"}));
  EXPECT_FALSE(p.watch);
}

TEST(ParseDirect, WatchFlagBeforeDashDash) {
  const DirectParse p = parse_direct({"-w", "myapp", "--", "python3", "server.py"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"python3", "server.py"}));
  EXPECT_TRUE(p.watch);

  // Anywhere before the first `--`, not only leading.
  const DirectParse q = parse_direct({"myapp", "--watch", "--", "echo", "-w"}, k_on_path);
  EXPECT_EQ(q.name, "myapp");
  EXPECT_EQ(q.command, (Args{"echo", "-w"}));
  EXPECT_TRUE(q.watch);
}

TEST(ParseDirect, TokensBetweenNameAndDashDashAreDropped) {
  const DirectParse p = parse_direct({"a", "b", "--", "cmd"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "a");
  EXPECT_EQ(p.command, (Args{"cmd"}));
}

TEST(ParseDirect, CommandMayContainDashDash) {
  const DirectParse p = parse_direct({"a", "--", "cmd", "--", "x"}, k_on_path);
  EXPECT_EQ(p.command, (Args{"cmd", "--", "x"}));
}

TEST(ParseDirect, MidWatchFlagWithoutDashDashIsPartOfTheCommand) {
  // [L]: only a leading run is bgo's; here `myapp` is not a command and `-w` is not either,
  // so the whole thing is the command.
  const DirectParse p = parse_direct({"myapp", "-w", "python3", "x"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "myapp");
  EXPECT_EQ(p.command, (Args{"myapp", "-w", "python3", "x"}));
  EXPECT_FALSE(p.watch);
}

TEST(ParseDirect, WatchFlagThenSingleToken) {
  const DirectParse p = parse_direct({"-w", "./server.sh"}, k_on_path);
  EXPECT_EQ(p.kind, Kind::start);
  EXPECT_EQ(p.name, "server");
  EXPECT_EQ(p.command, (Args{"./server.sh"}));
  EXPECT_TRUE(p.watch);
}

TEST(ParseDirect, NameOnPathIsTreatedAsACommand) {
  const DirectParse p = parse_direct({"top", "python3", "x.py"}, k_on_path);
  EXPECT_EQ(p.name, "top");
  EXPECT_EQ(p.command, (Args{"top", "python3", "x.py"}));
}

TEST(IsKnownCommand, OriginalSetAndAdditions) {
  for (const char* cmd : {"start",        "stop",      "restart",   "restart-stopped",
                          "restart-last", "status",    "logs",      "clean",
                          "delete",       "resurrect", "watch",     "unwatch",
                          "autostart",    "tray",      "ls",        "list",
                          "follow",       "tail",      "-h",        "--help",
                          "open",         "kill",      "rm",        "daemon",
                          "flush",        "startup",   "unstartup", "help",
                          "--version",    "-V",        "import"}) {
    EXPECT_TRUE(is_known_command(cmd)) << cmd;
  }
  for (const char* other : {"myapp", "python3", "-w", "--watch", "--bogus", "Start", "", "-v"}) {
    EXPECT_FALSE(is_known_command(other)) << other;
  }
}

}  // namespace
}  // namespace bgo::client
