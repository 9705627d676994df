// SPDX-License-Identifier: MIT
// Issue #20, in a real terminal (tmux) with the real bgo and bgod: `bgo monit` shows what
// another shell starts, restarts and deletes with its keys, shows a process's output, redraws
// on a resize, and gives the terminal back as it found it however it ends.
#include <csignal>
#include <cstdlib>

#include <boost/json.hpp>

#include "tests/integration/tmux_test.hpp"

namespace bgo::test {
namespace {

using namespace std::chrono_literals;

// The line of the list showing `name` ("" when none): it starts with the name.
std::string row_of(const std::string& screen, const std::string& name) {
  for (const auto& line : lines_of(screen)) {
    if (line.starts_with(name + " ")) return line;
  }
  return "";
}

bool shows(const std::string& screen, const std::string& name, const std::string& state) {
  return contains(row_of(screen, name), " " + state + " ");
}

int64_t pid_of(const std::optional<boost::json::object>& row) {
  if (!row) return 0;
  const auto* pid = row->if_contains("running_pid");
  return pid != nullptr && pid->is_int64() ? pid->as_int64() : 0;
}

class MonitTest : public TmuxTest {
 protected:
  void keys(const std::string& session, const std::vector<std::string>& keys) {
    std::vector<std::string> args{"send-keys", "-t", session};
    args.insert(args.end(), keys.begin(), keys.end());
    EXPECT_EQ(tmux(args).code, 0);
  }
  // The list shows `name` as `state`.
  std::string shown(const std::string& session, const std::string& name, const std::string& state) {
    return screen_where(session, [&](const std::string& s) { return shows(s, name, state); });
  }
  // `bgo monit` in a shell that saves `stty -a` before and after it, and its exit status;
  // `pid_file` gets the pid of bgo itself. The session's name.
  std::string open_wrapped(int columns, int rows) {
    std::string session = "w" + std::to_string(++sessions_);
    const std::string dir = home_.parent_path().string();
    // The shell outlives a Ctrl-C (as an interactive one would) to tell how bgo ended.
    const std::string command = "trap : INT; stty -a > '" + dir +
                                "/stty.before'; sh -c 'echo $$ > \"" + dir +
                                "/monit.pid\"; exec \"" + bin("bgo") + "\" monit'; echo EXIT=$?; " +
                                "stty -a > '" + dir + "/stty.after'; read -r _";
    const RunResult r = tmux({"new-session", "-d",
                              "-s",          session,
                              "-x",          std::to_string(columns),
                              "-y",          std::to_string(rows),
                              "-e",          "BGO_HOME=" + home_.string(),
                              "-e",          "LANG=C.UTF-8",
                              "-e",          "TERM=xterm",
                              "-e",          "COLUMNS=",
                              "-e",          "LINES=",
                              "sh",          "-c",
                              command});
    EXPECT_EQ(r.code, 0) << r.err;
    return session;
  }
  pid_t monit_pid() {
    return static_cast<pid_t>(
        std::strtol(read_file(home_.parent_path() / "monit.pid").c_str(), nullptr, 10));
  }
  // After the wrapped bgo monit ended with `status`: the terminal's modes are as before.
  void expect_restored(const std::string& session, const std::string& status) {
    const std::string screen = screen_when(session, "EXIT=" + status);
    EXPECT_FALSE(contains(screen, "bgo monit ·")) << screen;  // the normal screen is back
    const auto after = home_.parent_path() / "stty.after";
    ASSERT_TRUE(wait_until([&] { return !read_file(after).empty(); }));
    EXPECT_EQ(read_file(home_.parent_path() / "stty.before"), read_file(after));
  }
};

TEST_F(MonitTest, ShowsProcessesStartedElsewhereAndTheirOutput) {
  const std::string session = open({"monit"}, 100, 30);
  screen_when(session, "No processes yet");
  const auto before = std::chrono::steady_clock::now();
  start_ok("web", {"--lines", "2", "--stderr", "web says hello", "--tick", "1000"});
  const std::string screen = screen_where(session, [](const std::string& s) {
    return shows(s, "web", "online") && contains(s, "web says hello");
  });
  // No timed assertion (bench/README.md measures it): said for whoever reads the log.
  std::cout << "[ monit ] row and output shown "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - before)
                   .count()
            << " ms after `bgo start` began\n";
  EXPECT_TRUE(contains(screen, "── web ─ stdout and stderr ─ live")) << screen;
  EXPECT_TRUE(contains(screen, "\n  line 2\n")) << screen;
  EXPECT_TRUE(contains(screen, "\n▌ web says hello\n")) << screen;  // stderr is marked
  // The output that comes later, as it comes.
  screen_when(session, "tick 2");
  expect_fits(screen, 100);
  keys(session, {"q"});
}

TEST_F(MonitTest, RKeyRestartsTheSelectedProcess) {
  start_ok("api", {"--tick", "1000"});
  start_ok("web", {"--tick", "1000"});
  const std::string session = open({"monit"}, 100, 30);
  shown(session, "web", "online");
  const int64_t before = pid_of(row("web"));
  keys(session, {"Down", "r"});  // sorted by name: api, then web
  ASSERT_TRUE(wait_until([&] {
    const int64_t now = pid_of(row("web"));
    return now != 0 && now != before;
  }));
  const int64_t after = pid_of(row("web"));
  screen_when(session, "Restarted 'web' (PID " + std::to_string(after) + ")");
  EXPECT_EQ(row("web")->at("status").as_string(), "online");
  EXPECT_NE(pid_of(row("api")), 0);  // the other one is left alone
  keys(session, {"q"});
}

TEST_F(MonitTest, DKeyAsksThenDeletes) {
  start_ok("api", {"--tick", "1000"});
  start_ok("web", {"--tick", "1000"});
  const std::string session = open({"monit"}, 100, 30);
  shown(session, "web", "online");
  keys(session, {"Down", "d"});
  screen_when(session, "Delete 'web' (it runs: it is stopped first) and its logs? [y/N]");
  keys(session, {"n"});
  screen_when(session, "Cancelled: nothing was changed");
  EXPECT_TRUE(row("web").has_value());
  keys(session, {"d"});
  screen_when(session, "Delete 'web'");
  keys(session, {"y"});
  ASSERT_TRUE(wait_until([&] { return !row("web").has_value(); }));
  const std::string screen = screen_where(session, [](const std::string& s) {
    return contains(s, "Deleted 'web'") && row_of(s, "web").empty();
  });
  EXPECT_TRUE(shows(screen, "api", "online")) << screen;
  keys(session, {"q"});
}

TEST_F(MonitTest, StopStartWatchAndFlushKeys) {
  start_ok("job", {"--lines", "3", "--tick", "1000"});
  const std::string session = open({"monit"}, 100, 30);
  screen_when(session, "line 3");
  keys(session, {"s"});
  shown(session, "job", "stopped");
  EXPECT_EQ(row("job")->at("status").as_string(), "stopped");
  keys(session, {"s"});  // a stopped process starts again from its record
  shown(session, "job", "online");
  screen_when(session, "Started 'job' (PID");
  keys(session, {"W"});
  screen_when(session, "Watching 'job'");
  ASSERT_TRUE(wait_until([&] {
    const auto r = row("job");
    return r && r->at("watch").is_object() && r->at("watch").as_object().at("enabled").as_bool();
  }));
  keys(session, {"f"});
  screen_when(session, "Empty the logs of 'job'? [y/N]");
  keys(session, {"y"});
  const std::string screen = screen_where(session, [](const std::string& s) {
    return contains(s, "Emptied the logs of 'job'") && !contains(s, "line 3");
  });
  keys(session, {"q"});
}

TEST_F(MonitTest, ALogFloodDoesNotFreezeTheScreen) {
  const std::string session = open({"monit"}, 100, 30);
  screen_when(session, "No processes yet");
  // About 40 MB as fast as it can, then a line every 100 ms: bgod may cut the screen off for
  // falling behind (it reconnects), never for long.
  start_ok("flood", {"--flood", "3000000", "--tick", "100"});
  screen_when(session, "── flood ─ stdout and stderr");
  keys(session, {"?"});
  screen_when(session, "Keys (any key closes this help)");
  keys(session, {"Escape"});
  const std::string screen = screen_where(session, [](const std::string& s) {
    return contains(s, "\n  tick ") && !contains(s, "Keys (any");
  });
  EXPECT_FALSE(contains(screen, "bgod went away")) << screen;
  keys(session, {"q"});
}

TEST_F(MonitTest, RedrawsWholeAfterAResize) {
  start_ok("api", {"--tick", "1000"});
  start_ok("web", {"--lines", "1"});
  const std::string session = open({"monit"}, 200, 50);
  // At 200 columns there is room for the command; at 80 there is not.
  const auto wide = [](const std::string& s) {
    const auto lines = lines_of(s);
    return lines.size() == 50 && contains(lines[1], "COMMAND") && shows(s, "web", "online") &&
           contains(lines[49], "q quit");
  };
  screen_where(session, wide);
  ASSERT_EQ(tmux({"resize-window", "-t", session, "-x", "80", "-y", "24"}).code, 0);
  const std::string narrow = screen_where(session, [](const std::string& s) {
    const auto lines = lines_of(s);
    return lines.size() == 24 && !contains(s, "COMMAND") && contains(lines[1], "NAME") &&
           shows(s, "web", "online");
  });
  expect_fits(narrow, 80);
  const auto lines = lines_of(narrow);
  EXPECT_TRUE(lines[0].starts_with(" bgo monit · 2 processes")) << narrow;
  EXPECT_TRUE(lines[23].starts_with("r restart")) << narrow;
  // And back: the whole of the larger screen is drawn, nothing stays of the small one.
  ASSERT_EQ(tmux({"resize-window", "-t", session, "-x", "200", "-y", "50"}).code, 0);
  const std::string again = screen_where(session, wide);
  const auto big = lines_of(again);
  EXPECT_FALSE(big[23].starts_with("r restart")) << again;  // the old status line is gone
  EXPECT_TRUE(big[0].ends_with("q quit ")) << again;        // the top bar spans the width
  EXPECT_EQ(columns_of(big[0]), 200U) << again;
  keys(session, {"q"});
}

TEST_F(MonitTest, QAndCtrlCGiveTheTerminalBack) {
  start_ok("api", {"--tick", "1000"});
  std::string session = open_wrapped(100, 30);
  shown(session, "api", "online");
  keys(session, {"q"});
  expect_restored(session, "0");

  session = open_wrapped(100, 30);
  shown(session, "api", "online");
  keys(session, {"/", "a"});  // even while typing a filter
  screen_when(session, "/a");

  keys(session, {"C-c"});
  expect_restored(session, "0");
}

TEST_F(MonitTest, ACrashGivesTheTerminalBack) {
  start_ok("api", {"--tick", "1000"});
  const std::string session = open_wrapped(100, 30);
  shown(session, "api", "online");
  const pid_t pid = monit_pid();
  ASSERT_GT(pid, 0);
  ASSERT_EQ(::kill(pid, SIGSEGV), 0);
  expect_restored(session, std::to_string(128 + SIGSEGV));
}

TEST_F(MonitTest, SaysWhenBgodGoesAwayAndReconnects) {
  start_ok("api", {"--tick", "1000"});
  const std::string session = open_wrapped(100, 30);
  shown(session, "api", "online");
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  screen_when(session, "bgod went away: the connection to it closed.");
  keys(session, {"r"});  // bgod is started again (its processes come back with it)
  screen_when(session, "Connected to bgod");
  shown(session, "api", "online");
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  screen_when(session, "r  reconnect");
  keys(session, {"q"});
  const std::string screen = screen_when(session, "EXIT=1");
  EXPECT_TRUE(contains(screen, "bgo monit: bgod went away")) << screen;
  expect_restored(session, "1");
}

TEST_F(MonitTest, NoColorKeepsAttributesOnly) {
  start_ok("api", {"--tick", "1000"});
  // Every byte bgo monit writes, with and without NO_COLOR: colours are SGR 30-39 and 40-49.
  const auto raw = [&](const std::string& no_color) {
    const std::string session = "c" + std::to_string(++sessions_);
    const auto file = home_.parent_path() / (session + ".raw");
    const std::string command = "read -r _; '" + bin("bgo") + "' monit; read -r _";
    EXPECT_EQ(tmux({"new-session", "-d", "-s", session, "-x", "100", "-y", "24", "-e",
                    "BGO_HOME=" + home_.string(), "-e", "LANG=C.UTF-8", "-e", "TERM=xterm", "-e",
                    "NO_COLOR=" + no_color, "sh", "-c", command})
                  .code,
              0);
    EXPECT_EQ(tmux({"pipe-pane", "-t", session, "cat >> '" + file.string() + "'"}).code, 0);
    keys(session, {"Enter"});
    shown(session, "api", "online");
    keys(session, {"q"});
    std::string text;
    EXPECT_TRUE(wait_until([&] {
      text = read_file(file);
      return contains(text, "\x1b[?1049l");  // the normal screen is back: all written
    })) << text;
    return text;
  };
  const auto colours = [](const std::string& text) {
    std::vector<std::string> out;
    for (size_t at = text.find("\x1b["); at != std::string::npos; at = text.find("\x1b[", at + 1)) {
      const size_t end = text.find_first_not_of("0123456789;", at + 2);
      if (end == std::string::npos || text[end] != 'm') continue;
      const std::string params = ";" + text.substr(at + 2, end - at - 2) + ";";
      for (const char* c : {";3", ";4"}) {
        const size_t p = params.find(c);
        if (p != std::string::npos && p + 3 < params.size() && params[p + 3] == ';') {
          out.push_back(params);
        }
      }
    }
    return out;
  };
  EXPECT_FALSE(colours(raw("")).empty());
  const std::string plain = raw("1");
  EXPECT_TRUE(colours(plain).empty()) << colours(plain).front();
  EXPECT_TRUE(contains(plain, "\x1b[0;7m") || contains(plain, "\x1b[7m"));  // reverse stays
}

TEST_F(MonitTest, RefusesWithoutAUsableTerminal) {
  RunResult r = bgo({"monit"}, {{"TERM", "dumb"}});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "bgo monit needs a terminal that can move its cursor (TERM=dumb)"))
      << r.err;
  r = bgo({"top"}, {{"TERM", "xterm"}});  // stdin and stdout are pipes here
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "bgo monit needs a terminal on stdin and stdout")) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace bgo::test
