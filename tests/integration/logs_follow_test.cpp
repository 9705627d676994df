// SPDX-License-Identifier: MIT
// Issue #13.7, `bgo logs -f` the pm2 way, with the real bgo and bgod: every process or
// several, `name | ` prefixes (coloured on a terminal only), whole lines in arrival order,
// `--raw`; one process without `==>` banners, both streams with `--stdout --stderr`.
#include <csignal>
#include <poll.h>
#include <pty.h>
#include <regex>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class LogsFollowTest : public DaemonTest {
 protected:
  fs::path log(const std::string& name, const std::string& kind = "out") {
    return home_ / "logs" / (name + "." + kind + ".log");
  }
  bool log_has(const std::string& name, const std::string& text, const std::string& kind = "out") {
    return contains(read_file(log(name, kind)), text);
  }
  pid_t pid_of(const std::string& name) {
    auto r = row(name);
    return r ? static_cast<pid_t>(r->at("pid").as_int64()) : 0;
  }
  // A follower in the background, already past its header.
  std::unique_ptr<Background> follower(std::vector<std::string> args) {
    args.insert(args.begin(), bin("bgo"));
    auto f = std::make_unique<Background>(args, home_);
    extra_pids_.push_back(f->pid());
    EXPECT_TRUE(f->wait_for("(Ctrl+C to exit)\n")) << f->output();
    return f;
  }

  // Runs bgo on a pseudo-terminal (80 columns) until `until` shows, then sends it SIGINT and
  // returns all it printed. `env` is added to this test's environment.
  std::string on_terminal(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env, const std::string& until) {
    std::vector<std::string> env_s;
    for (auto& e : env_with_home(home_)) {
      if (!e.starts_with("NO_COLOR=") && !e.starts_with("BGO_TABLE=") && !e.starts_with("TERM=")) {
        env_s.push_back(std::move(e));
      }
    }
    env_s.emplace_back("TERM=xterm");
    for (const auto& [k, v] : env) {
      std::string kv = k;
      kv += '=';
      kv += v;
      env_s.push_back(std::move(kv));
    }
    std::vector<std::string> argv_s{bin("bgo")};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv, envp;
    for (auto& s : argv_s) argv.push_back(s.data());
    argv.push_back(nullptr);
    for (auto& s : env_s) envp.push_back(s.data());
    envp.push_back(nullptr);
    winsize ws{};
    ws.ws_row = 40;
    ws.ws_col = 80;
    int master = -1;
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &ws);
    if (pid == 0) {
      ::execve(argv[0], argv.data(), envp.data());
      ::_exit(127);
    }
    if (pid < 0) {
      ADD_FAILURE() << "forkpty failed";
      return {};
    }
    extra_pids_.push_back(pid);
    std::string out;
    bool interrupted = false;
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!interrupted && contains(out, until)) {
        ::kill(pid, SIGINT);
        interrupted = true;
      }
      pollfd p{master, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the terminal's last user is gone
      out.append(buf, static_cast<size_t>(n));
    }
    EXPECT_TRUE(interrupted) << out;
    ::close(master);
    ::waitpid(pid, nullptr, 0);
    return out;
  }
};

// The lines of `text` after the follower's header, up to "[stopped following]".
std::vector<std::string> streamed_lines(const std::string& text) {
  std::vector<std::string> lines;
  const size_t header = text.find("(Ctrl+C to exit)\n");
  if (header == std::string::npos) return lines;
  std::istringstream in(text.substr(text.find('\n', text.find("─", header)) + 1));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line == "[stopped following]") continue;  // before the end note
    lines.push_back(line);
  }
  return lines;
}

TEST_F(LogsFollowTest, EveryProcessIsPrefixedAndThoseStartedLaterAreFollowedToo) {
  start_ok("api", {"--lines", "2", "--tick", "40"});
  start_ok("worker", {"--err-lines", "1", "--tick", "60"});
  ASSERT_TRUE(wait_until([&] { return log_has("api", "tick 2") && log_has("worker", "tick 2"); }));
  auto f = follower({"logs", "-f", "-n", "1"});
  // The last line of each log first (markers do not count), prefixed, padded to "worker".
  EXPECT_TRUE(f->wait_for("worker | err 1\n")) << f->output();
  EXPECT_TRUE(contains(f->output(), "Following logs for every process (Ctrl+C to exit)\n"));
  start_ok("late", {"--stderr", "hello from late"});
  ASSERT_TRUE(f->wait_for("late   | hello from late\n")) << f->output();
  const size_t late = f->output().find("late   | hello");
  ASSERT_TRUE(wait_until([&] {
    f->pump();
    const std::string after = f->output().substr(late);
    return contains(after, "api    | tick ") && contains(after, "worker | tick ");
  }));
  EXPECT_EQ(f->stop(SIGINT), 0);
  const std::regex prefixed(R"((api   |worker|late  ) \| .*)");
  for (const auto& line : streamed_lines(f->output())) {
    EXPECT_TRUE(std::regex_match(line, prefixed)) << line;
  }
  // Not a terminal: no colour, and no `tail -f` banners.
  EXPECT_FALSE(contains(f->output(), "\x1b[")) << f->output();
  EXPECT_FALSE(contains(f->output(), "==>")) << f->output();
}

TEST_F(LogsFollowTest, SeveralNamesOnlyThoseAndRawWithoutPrefixes) {
  for (const char* name : {"a", "b", "c"}) start_ok(name, {"--tick", "30"});
  ASSERT_TRUE(wait_until([&] { return log_has("b", "tick 2"); }));
  auto f = follower({"logs", "-f", "a", "c", "-n", "1"});
  EXPECT_TRUE(contains(f->output(), "Following logs for 'a', 'c' (Ctrl+C to exit)\n"));
  const size_t header = f->output().size();
  ASSERT_TRUE(wait_until([&] {
    f->pump();
    return contains(f->output().substr(header), "a | tick ") &&
           contains(f->output().substr(header), "c | tick ");
  }));
  EXPECT_EQ(f->stop(SIGINT), 0);
  EXPECT_FALSE(contains(f->output(), "b | ")) << f->output();

  auto raw = follower({"follow", "all", "--raw", "--stdout", "-n", "1"});
  const std::string before = raw->output();
  ASSERT_TRUE(wait_until([&] {
    raw->pump();
    return streamed_lines(raw->output()).size() >= 6;
  }));
  EXPECT_EQ(raw->stop(SIGINT), 0);
  for (const auto& line : streamed_lines(raw->output())) {
    EXPECT_TRUE(std::regex_match(line, std::regex(R"(tick \d+)"))) << line;
  }

  RunResult r = bgo_within(10s, {"logs", "-f", "a", "ghost"});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "Unknown process(es): ghost")) << r.err;
}

TEST_F(LogsFollowTest, AChunkEndingMidLineWaitsForTheRestOfItsLine) {
  // Nothing registered yet: following every process starts with nobody.
  auto f = follower({"logs", "-f"});
  start_ok("p1", {"--write", "par", "--wait-usr1", "--write", "tial\\n"});
  ASSERT_TRUE(wait_until([&] { return log_has("p1", "par"); }));
  // bgod handed "par" to the follower when it wrote it; p2's line is written after that.
  start_ok("p2", {"--wait-usr1", "--write", "whole\\n"});
  ASSERT_EQ(::kill(pid_of("p2"), SIGUSR1), 0);
  ASSERT_TRUE(f->wait_for("p2 | whole\n")) << f->output();
  EXPECT_FALSE(contains(f->output(), "| par")) << f->output();  // (the markers quote " par ")
  ASSERT_EQ(::kill(pid_of("p1"), SIGUSR1), 0);
  ASSERT_TRUE(f->wait_for("p1 | partial\n")) << f->output();
  EXPECT_EQ(f->stop(SIGINT), 0);
  for (const auto& line : streamed_lines(f->output())) {
    EXPECT_TRUE(line.starts_with("p1 | ") || line.starts_with("p2 | ")) << line;
  }
}

TEST_F(LogsFollowTest, OneProcessHasNoBannersAndItsTwoStreamsStayWholeLines) {
  start_ok("one", {"--lines", "1", "--err-lines", "1", "--write", "par", "--wait-usr1", "--stderr",
                   "oops", "--wait-usr1", "--write", "tial\\n"});
  ASSERT_TRUE(wait_until([&] { return log_has("one", "par") && log_has("one", "err 1", "err"); }));
  auto f = follower({"logs", "one", "-f", "-n", "5"});
  ASSERT_TRUE(f->wait_for("err 1\n")) << f->output();
  ASSERT_EQ(::kill(pid_of("one"), SIGUSR1), 0);
  ASSERT_TRUE(f->wait_for("oops\n")) << f->output();
  // "par" came before "oops", and waits for its line end (the markers quote " par ").
  EXPECT_FALSE(contains(f->output(), "\npar")) << f->output();
  ASSERT_EQ(::kill(pid_of("one"), SIGUSR1), 0);
  ASSERT_TRUE(f->wait_for("oops\npartial\n")) << f->output();
  EXPECT_EQ(f->stop(SIGINT), 0);
  EXPECT_TRUE(contains(f->output(), "Following logs for 'one' (Ctrl+C to exit)\n"));
  EXPECT_TRUE(contains(f->output(), "\nline 1\n")) << f->output();
  EXPECT_FALSE(contains(f->output(), "==>")) << f->output();
  EXPECT_FALSE(contains(f->output(), " | ")) << f->output();

  // --stdout --stderr together: both streams, followed and static.
  auto both = follower({"logs", "one", "-f", "--stdout", "--stderr", "-n", "2"});
  ASSERT_TRUE(both->wait_for("oops\n")) << both->output();
  EXPECT_EQ(both->stop(SIGINT), 0);
  EXPECT_TRUE(contains(both->output(), "line 1\npartial\n")) << both->output();
  RunResult r = bgo({"logs", "one", "--stdout", "--stderr", "-n", "5"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "line 1\npartial\n\n─── stderr ───\n")) << r.out;
  EXPECT_TRUE(r.out.ends_with("err 1\noops\n")) << r.out;
  r = bgo({"logs", "one", "--stderr", "-n", "5"});
  EXPECT_FALSE(contains(r.out, "line 1")) << r.out;
}

TEST_F(LogsFollowTest, AColourPerNameOnATerminalAndNoneWithNoColor) {
  start_ok("api", {"--lines", "1"});
  start_ok("worker", {"--lines", "1"});
  ASSERT_TRUE(wait_until([&] { return log_has("api", "line 1") && log_has("worker", "line 1"); }));
  std::string out = on_terminal({"logs", "-f", "-n", "1", "--stdout"}, {}, "| line 1");
  // The pty turns "\n" into "\r\n".
  EXPECT_TRUE(contains(out, "\x1b[34mapi   \x1b[0m | line 1\r\n")) << out;
  EXPECT_TRUE(contains(out, "\x1b[32mworker\x1b[0m | line 1\r\n")) << out;
  out = on_terminal({"logs", "-f", "-n", "1", "--stdout"}, {{"NO_COLOR", "1"}}, "worker | line 1");
  EXPECT_TRUE(contains(out, "api    | line 1\r\n")) << out;
  EXPECT_FALSE(contains(out, "\x1b[3")) << out;
}

}  // namespace
}  // namespace bgo::test
