// SPDX-License-Identifier: MIT
// Issue #13.8 and #13.9, in a real terminal (tmux) with the real bgo and bgod: help that fits the
// terminal, status -w columns that hold still, colour resets before newlines, program names and
// spare width for COMMAND, and the line a slow stop shows while it waits.
#include <cctype>
#include <cstdlib>

#include <boost/json.hpp>

#include "tests/integration/tmux_test.hpp"

namespace bgo::test {
namespace {

using namespace std::chrono_literals;

// Display column where `word` starts in `line`, npos when absent.
size_t column_of(const std::string& line, const std::string& word) {
  const size_t at = line.find(word);
  return at == std::string::npos ? at : columns_of(line.substr(0, at));
}

// The table's header line ("" when none).
std::string header_of(const std::string& screen) {
  for (const auto& line : lines_of(screen)) {
    if (contains(line, "NAME") && contains(line, "STATUS")) return line;
  }
  return "";
}

// Where each header word of the table starts.
std::vector<size_t> header_columns(const std::string& screen) {
  const std::string header = header_of(screen);
  std::vector<size_t> out;
  for (const char* word : {"NAME", "STATUS", "PID", "CPU", "MEM", "UPTIME", "WATCH", "COMMAND"}) {
    out.push_back(column_of(header, word));
  }
  return out;
}

// The line of the table row of `name`.
std::string row_of(const std::string& screen, const std::string& name) {
  const size_t at = column_of(header_of(screen), "NAME");
  for (const auto& line : lines_of(screen)) {
    if (column_of(line, name + " ") == at) return line;
  }
  return "";
}

// The names bgo accepts after `bgo help` (its own error lists them).
std::vector<std::string> help_topics(const std::string& error) {
  std::vector<std::string> out{"help"};
  size_t at = error.find("(choose from ");
  while (at != std::string::npos) {
    const size_t open = error.find('\'', at + 1);
    if (open == std::string::npos) break;
    const size_t close = error.find('\'', open + 1);
    out.push_back(error.substr(open + 1, close - open - 1));
    at = close;
  }
  return out;
}

// Every '\n' of `raw` with an SGR colour still open before it (its byte offsets).
std::vector<size_t> newlines_inside_colour(const std::string& raw) {
  std::vector<size_t> out;
  bool open = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\n' && open) out.push_back(i);
    if (raw[i] != '\x1b' || i + 1 >= raw.size() || raw[i + 1] != '[') continue;
    size_t end = i + 2;
    while (end < raw.size() &&
           (std::isdigit(static_cast<unsigned char>(raw[end])) != 0 || raw[end] == ';')) {
      ++end;
    }
    if (end < raw.size() && raw[end] == 'm') {
      const std::string params = raw.substr(i + 2, end - i - 2);
      open = !(params.empty() || params == "0");
    }
  }
  return out;
}

using DisplayTest = TmuxTest;

// ---- 8: help wraps to the terminal, 80 columns without one ----------------------------------

TEST_F(DisplayTest, HelpFitsTheTerminalAnd80ColumnsWithoutOne) {
  const std::vector<std::string> topics = help_topics(bgo({"help", "bogus"}).err);
  ASSERT_GT(topics.size(), 20U);
  std::vector<std::vector<std::string>> calls{{"--help"}, {"help"}};
  for (const auto& topic : topics) calls.push_back({"help", topic});
  for (const auto& args : calls) {
    RunResult r = bgo(args);  // stdout is a pipe and COLUMNS unset: 80 columns
    EXPECT_EQ(r.code, 0) << args.back() << r.err;
    for (const auto& line : lines_of(r.out)) {
      EXPECT_LE(columns_of(line), 80U) << "bgo " << args.back() << ": " << line;
    }
  }
  // The command list keeps its two columns at 80: a continued summary starts under the first.
  const std::string help = bgo({"help"}).out;
  EXPECT_TRUE(contains(help, "\n  autostart            Per-process autostart policy: set NAME"))
      << help;
  EXPECT_TRUE(contains(help, "\n                       NAME (install, uninstall, status: as"))
      << help;
  EXPECT_TRUE(contains(help, "\n  bgo status" + std::string(35, ' ') + "# Show all")) << help;

  // A 60-column terminal: everything wraps to it, comments go below their example.
  for (const auto& args : calls) {
    const std::string screen =
        screen_when(open(args, 60, 40), args.size() == 1 ? "Environment:" : "-h, --help");
    expect_fits(screen, 60);
    if (args.size() == 1) {
      EXPECT_TRUE(contains(screen, "\n  bgo status\n      # Show all processes\n")) << screen;
      EXPECT_TRUE(contains(screen,
                           "\n  restart-stopped      Restart stopped processes (menu,\n"
                           "                       --all or names)\n"))
          << screen;
    }
  }
  const std::string startup = screen_when(open({"help", "startup"}, 60), "-h, --help");
  EXPECT_TRUE(contains(startup, "\nStart bgod at login and on demand through systemd user\n"))
      << startup;
}

// ---- 8: status -w keeps its columns while rows come and go ----------------------------------

TEST_F(DisplayTest, StatusWatchKeepsColumnsWhenAnErroredRowAppears) {
  start_ok("calm", {"--tick", "1000"});
  // Exits 1 after 2.5 s, under its 10 s min-uptime: a fast crash, and `stop` makes it errored.
  start_ok("flaky", {"--after", "2500", "--exit", "1"},
           {"-w", "--min-uptime", "10", "--on-fast-crash", "stop"});
  const std::string session = open({"status", "-w", "--interval", "1"}, 100);
  // A whole frame: its last line is the footer.
  const auto frame_where = [&](const std::function<bool(const std::string&)>& ok) {
    return screen_where(session, [&](const std::string& screen) {
      return contains(screen, "Ctrl-C to exit.") && ok(screen);
    });
  };
  const std::string before = frame_where(
      [](const std::string& screen) { return contains(row_of(screen, "flaky"), "online"); });
  const std::string after =
      frame_where([](const std::string& screen) { return contains(screen, "1 errored:"); });
  ASSERT_TRUE(contains(row_of(after, "flaky"), "errored")) << after;
  // Not one column moved, though STATUS now says how it crashed and WATCH that it errored.
  EXPECT_EQ(header_columns(after), header_columns(before)) << before << after;
  for (const auto& screen : {before, after}) {
    const auto at = header_columns(screen);
    for (const std::string name : {"calm", "flaky"}) {
      const std::string row = row_of(screen, name);
      EXPECT_EQ(column_of(row, "bgo_test_child"), at.back()) << screen;
    }
    expect_fits(screen, 100);
  }

  // A longer name widens NAME: columns may move right, never left.
  start_ok("a-much-longer-process-name", {"--tick", "1000"});
  const std::string wider = frame_where(
      [](const std::string& screen) { return contains(screen, "a-much-longer-process-name "); });
  const auto was = header_columns(after);
  const auto now = header_columns(wider);
  for (size_t i = 0; i < was.size(); ++i) {
    if (was[i] != std::string::npos) {
      EXPECT_GE(now[i], was[i]) << wider;
    }
  }
  // The row that went away leaves the widths as they were.
  ASSERT_EQ(bgo({"delete", "-y", "a-much-longer-process-name"}).code, 0);
  const std::string after_delete = frame_where(
      [](const std::string& screen) { return !contains(screen, "a-much-longer-process-name"); });
  EXPECT_EQ(header_columns(after_delete), now) << after_delete;
  EXPECT_EQ(tmux({"send-keys", "-t", session, "C-c"}).code, 0);
}

// ---- 8: colour resets before the newline ------------------------------------------------------

TEST_F(DisplayTest, ColourResetsComeBeforeTheNewline) {
  start_ok("calm", {"--tick", "1000"});
  start_ok("flaky", {"--after", "300", "--exit", "1"}, {"-w", "--on-fast-crash", "stop"});
  ASSERT_TRUE(wait_until([&] { return contains(bgo({"status"}).out, "errored:"); }));
  ASSERT_EQ(bgo({"stop", "calm"}).code, 0);
  start_ok("calm", {"--tick", "1000"});

  for (const auto& [args, marker] : std::vector<std::pair<std::vector<std::string>, std::string>>{
           {{"status"}, "bgo restart flaky"},
           {{"status", "flaky"}, "Recover:"},
           {{"stop", "calm"}, "Stopped 'calm'"},
           {{"stop", "calm"}, "is not running"},
           {{"zzqqxx"}, "to start a new process."}}) {
    const std::string raw = raw_output(args, 100, marker);
    EXPECT_TRUE(newlines_inside_colour(raw).empty()) << args.front() << "\n" << raw;
    if (args.size() == 1) {
      EXPECT_TRUE(contains(raw, "\x1b[31m")) << raw;  // colour is on
    }
  }
  // The status -w footer ("\nRefreshing every …", gray) over two frames.
  (void)raw_output({"status", "-w", "--interval", "1"}, 100, "Ctrl-C to exit.");
  std::string frames;
  ASSERT_TRUE(wait_until(
      [&] {
        frames = read_file(home_.parent_path() / ("s" + std::to_string(sessions_) + ".raw"));
        return frames.find("Ctrl-C to exit.") != frames.rfind("Ctrl-C to exit.");
      },
      10s));
  EXPECT_TRUE(newlines_inside_colour(frames).empty()) << frames;
  EXPECT_EQ(tmux({"send-keys", "-t", "s" + std::to_string(sessions_), "C-c"}).code, 0);
}

// ---- 8: COMMAND shows the program's name and gets the spare width ------------------------------

TEST_F(DisplayTest, CommandShowsTheProgramNameAndGetsTheSpareWidth) {
  // A pyenv-style shim directory on PATH: bgod records the shim's path as argv[0].
  const std::filesystem::path shims = home_.parent_path() / ".pyenv" / "shims";
  std::filesystem::create_directories(shims);
  std::filesystem::create_symlink(bin("bgo_test_child"), shims / "bgo_test_child");
  const char* path = std::getenv("PATH");
  RunResult r =
      bgo({"start", "api", "--", "bgo_test_child", "--tag", "abcdefghij", "--tick", "1000"},
          {{"PATH", shims.string() + ":" + (path != nullptr ? path : "/usr/bin")}});
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string shim = (shims / "bgo_test_child").string();
  ASSERT_EQ(state("api").at("command").as_array()[0].as_string(), shim);

  const std::string program = "bgo_test_child --tag abcdefghij --tick 1000";
  for (const int columns : {100, 120}) {
    const std::string text = screen({"status", "--fancy"}, columns, "Total: 1");
    const std::string row = row_of(text, "api");
    EXPECT_TRUE(contains(row, program + " ")) << text;  // whole, not cut with "..."
    EXPECT_FALSE(contains(row, ".pyenv")) << text;
    expect_fits(text, columns);
    EXPECT_EQ(columns_of(row), static_cast<size_t>(columns)) << text;
    if (columns == 100) {
      // The spec's 12-column UPTIME and WATCH gave way to the command.
      const auto at = header_columns(text);
      EXPECT_LT(at[6] - at[5], 13U) << text;
      EXPECT_LT(at[7] - at[6], 13U) << text;
    }
  }
  // The detail view and --json keep the whole argv.
  EXPECT_TRUE(contains(bgo({"status", "api"}).out, "  Command: " + shim + " --tag abcdefghij"));
  EXPECT_EQ(row("api")->at("command").as_array()[0].as_string(), shim);
}

// ---- 9: a stop that waits says so, on a terminal only ---------------------------------------

TEST_F(DisplayTest, StopSaysWhatItWaitsForOnATerminalOnly) {
  start_ok("stubborn", {"--ignore-term"});
  // bgod's own stop timeout (5 s): the line counts down from it, then goes.
  std::string session = open({"stop", "stubborn"}, 80);
  std::string screen = screen_when(session, "waiting for stubborn to exit (SIGKILL in ");
  const size_t at = screen.find("(SIGKILL in ") + std::string("(SIGKILL in ").size();
  const long seconds = std::strtol(screen.c_str() + at, nullptr, 10);
  EXPECT_TRUE(seconds == 5 || seconds == 4) << screen;
  EXPECT_TRUE(contains(screen, "s)\u2026")) << screen;
  screen = screen_when(session, "Stopped 'stubborn'");
  EXPECT_FALSE(contains(screen, "waiting for")) << screen;
  EXPECT_EQ(row("stubborn")->at("status").as_string(), "stopped");

  // --timeout sets the countdown; restart waits the same way.
  ASSERT_EQ(bgo({"start", "stubborn"}).code, 0);
  session = open({"stop", "stubborn", "--timeout", "2"}, 80);
  screen = screen_when(session, "waiting for stubborn to exit (SIGKILL in ");
  EXPECT_TRUE(contains(screen, "(SIGKILL in 2s)") || contains(screen, "(SIGKILL in 1s)")) << screen;
  EXPECT_FALSE(contains(screen_when(session, "Stopped 'stubborn'"), "waiting for"));
  ASSERT_EQ(bgo({"start", "stubborn"}).code, 0);
  session = open({"restart", "stubborn"}, 80);
  screen_when(session, "waiting for stubborn to exit (SIGKILL in ");
  EXPECT_FALSE(contains(screen_when(session, "Started 'stubborn'"), "waiting for"));

  // Not a terminal: nothing of it.
  RunResult r = bgo({"stop", "stubborn", "--timeout", "1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Stopped 'stubborn'")) << r.out;
  EXPECT_FALSE(contains(r.err, "waiting")) << r.err;
  // A stop that answers at once shows nothing even on a terminal.
  start_ok("quick", {});
  EXPECT_FALSE(contains(raw_output({"stop", "quick"}, 80, "Stopped 'quick'"), "waiting"));
}

}  // namespace
}  // namespace bgo::test
