// SPDX-License-Identifier: MIT
// Output capture end to end (issue #6): drained before "stopped", rotation without loss,
// --time, tails of huge logs, live follow over the socket, flush, bgod's log defaults.
#include <fcntl.h>
#include <regex>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <sstream>
#include <tuple>
#include <unistd.h>

#include <boost/json.hpp>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;

class LogsTest : public DaemonTest {
 protected:
  fs::path log(const std::string& name, const std::string& kind = "out") {
    return home_ / "logs" / (name + "." + kind + ".log");
  }
  bool stopped(const std::string& name) {
    auto r = row(name);
    return r && r->at("status").as_string() == "stopped";
  }
  // Every file of one stream, oldest first: .N … .1, then the current file.
  std::vector<fs::path> rotation(const std::string& name, const std::string& kind = "out") {
    std::vector<fs::path> files;
    for (int k = 1; fs::exists(log(name, kind).string() + "." + std::to_string(k)); ++k) {
      files.insert(files.begin(), log(name, kind).string() + "." + std::to_string(k));
    }
    files.push_back(log(name, kind));
    return files;
  }
};

// The numbers K of the whole lines "<word> K" (after an optional --time prefix) in `text`.
std::vector<long> numbers(const std::string& text, const std::string& word) {
  std::vector<long> out;
  size_t pos = 0;
  for (size_t nl; (nl = text.find('\n', pos)) != std::string::npos; pos = nl + 1) {
    std::string_view line(text.data() + pos, nl - pos);
    if (line.size() > 25 && line[23] == 'Z' && line[24] == ' ') line.remove_prefix(25);
    if (line.size() <= word.size() + 1 || line.substr(0, word.size()) != word ||
        line[word.size()] != ' ') {
      continue;
    }
    line.remove_prefix(word.size() + 1);
    if (line.find_first_not_of("0123456789") != std::string_view::npos) continue;
    out.push_back(std::stol(std::string(line)));
  }
  return out;
}

bool consecutive(const std::vector<long>& v, long first, long last) {
  if (v.size() != static_cast<size_t>(last - first + 1)) return false;
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != first + static_cast<long>(i)) return false;
  }
  return true;
}

TEST_F(LogsTest, LinesWrittenJustBeforeExitAreLoggedBeforeItShowsStopped) {
  // 20 000 lines (~230 KB, several pipe-fulls) written right before the exit: "stopped"
  // may only show once the pipe is drained to its end.
  for (int round = 0; round < 3; ++round) {
    const std::string name = "burst" + std::to_string(round);
    start_ok(name, {"--after", "150", "--final-lines", "20000"});
    ASSERT_TRUE(wait_until([&] { return stopped(name); })) << name;
    const std::string text = read_file(log(name));
    EXPECT_NE(text.find("\nfinal 20000\n"), std::string::npos) << name << ": " << text.size();
    EXPECT_TRUE(consecutive(numbers(text, "final"), 1, 20000)) << name;
  }
}

TEST_F(LogsTest, RotationKeepsEveryLineExactlyOnce) {
  start_ok("rot", {"--lines", "20000", "--err-lines", "3000", "--after", "150"},
           {"--max-log-size", "4K", "--log-files", "200"});
  ASSERT_TRUE(wait_until([&] { return stopped("rot"); }));
  for (const auto& [kind, word, count] :
       {std::tuple{"out", "line", 20000L}, std::tuple{"err", "err", 3000L}}) {
    const auto files = rotation("rot", kind);
    ASSERT_GT(files.size(), 3u) << kind;
    std::string all;
    for (const auto& f : files) {
      const std::string text = read_file(f);
      if (f != files.back()) {
        // A rotated file ends with a whole line; only the line that crosses the limit may
        // pass it (these lines are at most 11 bytes).
        EXPECT_LE(text.size(), 4096u + 11) << f;
        EXPECT_EQ(text.back(), '\n') << f;
      }
      all += text;
    }
    EXPECT_TRUE(consecutive(numbers(all, word), 1, count)) << kind;
  }
}

TEST_F(LogsTest, OldRotationsBeyondTheKeptCountAreDropped) {
  start_ok("few", {"--lines", "3000", "--after", "150"},
           {"--max-log-size", "1K", "--log-files", "2"});
  ASSERT_TRUE(wait_until([&] { return stopped("few"); }));
  EXPECT_TRUE(fs::exists(log("few").string() + ".1"));
  EXPECT_TRUE(fs::exists(log("few").string() + ".2"));
  EXPECT_FALSE(fs::exists(log("few").string() + ".3"));
  // The newest lines are the last ones written, whole and in order.
  std::string all;
  for (const auto& f : rotation("few")) all += read_file(f);
  const auto seen = numbers(all, "line");
  ASSERT_FALSE(seen.empty());
  EXPECT_TRUE(consecutive(seen, 3001 - static_cast<long>(seen.size()), 3000));
}

TEST_F(LogsTest, TimePrefixesEveryLineWithAnIsoTimestamp) {
  start_ok("stamped", {"--lines", "5", "--err-lines", "2", "--after", "150"}, {"--time"});
  ASSERT_TRUE(wait_until([&] { return stopped("stamped"); }));
  const std::regex stamped(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (line|err) \d+)");
  int lines = 0;
  for (const auto& kind : {"out", "err"}) {
    std::istringstream in(read_file(log("stamped", kind)));
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line.rfind("=== [", 0) == 0) continue;  // the start marker
      EXPECT_TRUE(std::regex_match(line, stamped)) << line;
      ++lines;
    }
  }
  EXPECT_EQ(lines, 7);
}

TEST_F(LogsTest, LastLinesOfAGigabyteLog) {
  start_ok("big", {"--lines", "1"});
  ASSERT_EQ(bgo({"stop", "big"}).code, 0);
  {
    // 1 GiB, mostly a hole (zeros: one huge "line"), then ten real lines.
    const int fd = ::open(log("big").c_str(), O_WRONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::ftruncate(fd, 1LL << 30), 0);
    std::string tail = "\n";
    for (int i = 1; i <= 10; ++i) tail += "tail " + std::to_string(i) + "\n";
    ASSERT_EQ(::pwrite(fd, tail.data(), tail.size(), 1LL << 30), static_cast<ssize_t>(tail.size()));
    ::close(fd);
  }
  RunResult r = bgo({"logs", "big", "-n", "5", "--stdout"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "... (showing last 5 lines)\n\ntail 6\ntail 7\ntail 8\ntail 9\ntail 10\n");
  r = bgo({"logs", "big", "-n", "2", "--stdout"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("tail 9\ntail 10\n"), std::string::npos) << r.out;
}

TEST_F(LogsTest, StaticViewMessages) {
  start_ok("quiet", {"--lines", "3"});
  ASSERT_TRUE(
      wait_until([&] { return read_file(log("quiet")).find("line 3") != std::string::npos; }));
  RunResult r = bgo({"logs", "quiet", "-n", "2"});
  EXPECT_EQ(r.code, 0) << r.err;
  // The stderr log holds only the start marker: an empty line and the "=== … ===" line.
  EXPECT_EQ(r.out, "... (showing last 2 lines)\n\nline 2\nline 3\n\n─── stderr ───\n" +
                       read_file(log("quiet", "err")));
  r = bgo({"logs", "quiet", "--watcher"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "No watcher logs found for 'quiet'\n");
  r = bgo({"logs", "nobody"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("No process named 'nobody' found"), std::string::npos) << r.err;
  // Without bgod (and not allowed to start one) the files are read directly, with a note.
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  r = bgo({"logs", "quiet", "-n", "1", "--stdout"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "... (showing last 1 lines)\n\nline 3\n");
  EXPECT_NE(r.err.find("bgod is not running"), std::string::npos) << r.err;
  r = bgo({"logs", "nobody"}, {{"BGO_NO_AUTOSTART", "1"}});
  EXPECT_EQ(r.code, 1);
}

TEST_F(LogsTest, FollowEndsWithAnErrorWhenBgodGoesAway) {
  start_ok("gone", {"--lines", "1"});
  Background follow({bin("bgo"), "follow", "gone"}, home_);
  extra_pids_.push_back(follow.pid());
  ASSERT_TRUE(follow.wait_for("line 1\n")) << follow.output();
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  EXPECT_TRUE(follow.wait_for("bgod closed the connection")) << follow.output();
  EXPECT_EQ(follow.stop(0), 1);
}

TEST_F(LogsTest, FollowStreamsLinesAcrossRotationAndRestart) {
  start_ok("tick", {"--tick", "5"}, {"--max-log-size", "512", "--log-files", "3"});
  ASSERT_TRUE(
      wait_until([&] { return read_file(log("tick")).find("tick 3\n") != std::string::npos; }));
  Background follow({bin("bgo"), "follow", "tick", "-n", "1", "--stdout"}, home_);
  extra_pids_.push_back(follow.pid());
  ASSERT_TRUE(follow.wait_for("(Ctrl+C to exit)")) << follow.output();
  // Lines keep coming while the log rotates under the follower (512 bytes ≈ 70 ticks).
  ASSERT_TRUE(wait_until([&] { return fs::exists(log("tick").string() + ".2"); }));
  follow.pump();
  const auto before = numbers(follow.output(), "tick");
  ASSERT_FALSE(before.empty());
  ASSERT_TRUE(follow.wait_for("tick " + std::to_string(before.back() + 20) + "\n"))
      << follow.output();
  ASSERT_EQ(bgo({"restart", "tick"}).code, 0);
  ASSERT_TRUE(follow.wait_for("\ntick 3\n", std::chrono::seconds(10))) << follow.output();
  EXPECT_EQ(follow.stop(SIGINT), 0);
  EXPECT_NE(follow.output().find("[stopped following]"), std::string::npos);

  // The first run, from the initial tail on, arrived whole: no gap, no line twice (the tail
  // and the stream join exactly), rotation or not.
  const std::string& out = follow.output();
  const size_t restart = out.find("[Starting]");  // the initial tail is one tick line
  ASSERT_NE(restart, std::string::npos) << out;
  const auto first = numbers(out.substr(0, restart), "tick");
  ASSERT_GE(first.size(), 20u) << out;
  EXPECT_TRUE(consecutive(first, first.front(), first.back())) << out;
  const auto second = numbers(out.substr(restart), "tick");
  ASSERT_GE(second.size(), 3u);
  EXPECT_TRUE(consecutive(second, 1, second.back()));
}

// Issue #13.7: no `tail -f` banners any more; the stderr tail, then whole lines as they come.
TEST_F(LogsTest, FollowShowsStderrWithoutBanners) {
  start_ok("both", {"--err-lines", "2", "--tick", "20"});
  ASSERT_TRUE(
      wait_until([&] { return read_file(log("both", "err")).find("err 2") != std::string::npos; }));
  Background follow({bin("bgo"), "logs", "both", "-f", "-n", "2"}, home_);
  extra_pids_.push_back(follow.pid());
  ASSERT_TRUE(follow.wait_for("\nerr 1\nerr 2\n")) << follow.output();
  // After the stderr tail, new stdout lines come as they are.
  ASSERT_TRUE(follow.wait_for("err 2\ntick ")) << follow.output();
  EXPECT_EQ(follow.stop(SIGTERM), 0);
  EXPECT_EQ(follow.output().find("==>"), std::string::npos) << follow.output();
}

TEST_F(LogsTest, FlushEmptiesTheLogsAndWritingGoesOn) {
  start_ok("fl", {"--tick", "5"}, {"--max-log-size", "1K", "--log-files", "3"});
  ASSERT_TRUE(wait_until([&] { return fs::exists(log("fl").string() + ".1"); }));
  RunResult r = bgo({"flush", "fl"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "🧹 Flushed logs of 'fl'\n");
  EXPECT_FALSE(fs::exists(log("fl").string() + ".1"));
  EXPECT_LT(fs::file_size(log("fl")), 1024u);
  // New output lands at the start of the emptied file, not after a hole.
  ASSERT_TRUE(wait_until([&] { return fs::file_size(log("fl")) > 0; }));
  const std::string text = read_file(log("fl"));
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_EQ(text.rfind("tick ", 0), 0u) << text;
  r = bgo({"flush"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "🧹 Flushed logs of 'fl'\n");
  EXPECT_EQ(bgo({"flush", "nobody"}).code, 1);
}

TEST_F(LogsTest, DaemonWideLogDefaults) {
  fs::create_directories(home_);
  Background daemon({bin("bgod"), "--max-log-size", "1K", "--log-files", "2"}, home_,
                    home_ / "bgod.log");
  extra_pids_.push_back(daemon.pid());
  ASSERT_TRUE(wait_until([&] { return daemon_pid() == daemon.pid(); }));
  // --time alone keeps bgod's size and count.
  start_ok("dflt", {"--lines", "2000", "--after", "150"}, {"--time"});
  ASSERT_TRUE(wait_until([&] { return stopped("dflt"); }));
  EXPECT_TRUE(fs::exists(log("dflt").string() + ".2"));
  EXPECT_FALSE(fs::exists(log("dflt").string() + ".3"));
  EXPECT_LE(fs::file_size(log("dflt").string() + ".1"), 1024u);
  EXPECT_EQ(daemon_pid(), daemon.pid());  // the client used it, did not start its own
  EXPECT_EQ(daemon.stop(SIGTERM), 0);
}

}  // namespace
}  // namespace bgo::test
