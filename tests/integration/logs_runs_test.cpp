// SPDX-License-Identifier: MIT
// Issue #13.7 and #13.9 with the real bgo and bgod: `-n` counts lines of output, not the
// restart markers; `--since-start` shows the newest run only; `bgo clean --logs` deletes the
// logs of what it removes (plain `clean` keeps them, spec §3.8).
#include <boost/json.hpp>

#include "tests/integration/background.hpp"
#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;

class LogsRunsTest : public DaemonTest {
 protected:
  fs::path log(const std::string& name, const std::string& kind = "out") {
    return home_ / "logs" / (name + "." + kind + ".log");
  }
  size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
    return n;
  }
  // bgo follows in the background until `until` shows, then Ctrl-C; what it printed after
  // its header.
  std::string follow_until(std::vector<std::string> args, const std::string& until) {
    args.insert(args.begin(), bin("bgo"));
    Background f(args, home_);
    extra_pids_.push_back(f.pid());
    EXPECT_TRUE(f.wait_for(until)) << f.output();
    EXPECT_EQ(f.stop(SIGINT), 0);
    const std::string& out = f.output();
    const size_t header = out.find("(Ctrl+C to exit)\n");
    const size_t body = out.find('\n', out.find("─", header)) + 1;
    return out.substr(body, out.rfind("\n[stopped following]") - body);
  }
  // Every file in logs/ whose name begins with "<name>.".
  std::vector<std::string> log_files_of(const std::string& name) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(home_ / "logs")) {
      if (e.path().filename().string().starts_with(name + ".")) {
        files.push_back(e.path().filename());
      }
    }
    return files;
  }
};

TEST_F(LogsRunsTest, LinesCountOutputNotTheRestartMarkers) {
  start_ok("m", {"--lines", "2"});
  for (size_t runs = 1; runs <= 3; ++runs) {
    ASSERT_TRUE(wait_until([&] {
      const std::string text = read_file(log("m"));
      return count(text, "[Starting]") == runs && text.ends_with("line 2\n");
    }));
    if (runs < 3) {
      ASSERT_EQ(bgo({"restart", "m"}).code, 0);
    }
  }
  // The last 3 lines of output: "line 2" of the second run and the whole third one, with the
  // marker between them (and its empty line), which does not count.
  const std::string text = read_file(log("m"));
  const std::string window = text.substr(text.rfind("line 2\n", text.rfind("=== [")));
  ASSERT_EQ(count(window, "\n"), 5U) << window;
  RunResult r = bgo({"logs", "m", "-n", "3", "--stdout"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "... (showing last 3 lines)\n\n" + window);
  EXPECT_EQ(follow_until({"logs", "m", "-f", "-n", "3", "--stdout"}, window), window);
  // The same for every process, and for `follow`'s own default of 10 lines (all six).
  r = bgo({"logs", "-n", "1", "--stdout"});
  EXPECT_EQ(r.out, "m | line 2\n");
  const std::string all = follow_until({"follow", "m", "--stdout"}, "line 2\n");
  EXPECT_EQ(count(all, "line "), 6U) << all;
  // The stderr log holds markers only: all of them are shown, none counted.
  r = bgo({"logs", "m", "-n", "1", "--stderr"});
  EXPECT_EQ(r.out, read_file(log("m", "err")));
}

TEST_F(LogsRunsTest, SinceStartShowsTheNewestRunOnly) {
  // `clean` keeps the logs, so a new process of the same name starts after the old output.
  start_ok("s", {"--lines", "3", "--stderr", "first"});
  ASSERT_TRUE(wait_until([&] { return contains(read_file(log("s")), "line 3"); }));
  ASSERT_EQ(bgo({"stop", "s"}).code, 0);
  ASSERT_EQ(bgo({"clean"}).code, 0);
  start_ok("s", {"--write", "fresh\\n", "--stderr", "second"});
  ASSERT_TRUE(wait_until([&] { return contains(read_file(log("s", "err")), "second"); }));
  const auto marker = [&](const std::string& kind) {
    const std::string text = read_file(log("s", kind));
    const size_t at = text.rfind("=== [");
    return text.substr(at, text.find('\n', at) + 1 - at);
  };
  RunResult r = bgo({"logs", "s", "--since-start"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, marker("out") + "fresh\n\n─── stderr ───\n" + marker("err") + "second\n");
  r = bgo({"logs", "s", "--since-start", "-n", "1"});
  EXPECT_EQ(r.out, "... (showing last 1 lines)\n\nfresh\n\n─── stderr ───\nsecond\n");
  EXPECT_TRUE(contains(bgo({"logs", "s"}).out, "line 3\n"));  // without it: the old run too
  const std::string followed = follow_until({"logs", "s", "-f", "--since-start"}, "second\n");
  EXPECT_EQ(followed, marker("out") + "fresh\n" + marker("err") + "second\n");
  EXPECT_FALSE(contains(bgo({"logs", "--since-start"}).out, "line ")) << "every process";
}

TEST_F(LogsRunsTest, CleanWithLogsDeletesTheLogsOfWhatItRemoves) {
  // "kept" goes with a plain clean: its logs stay (the latest original's choice).
  start_ok("kept", {"--lines", "1"});
  ASSERT_EQ(bgo({"stop", "kept"}).code, 0);
  RunResult r = bgo({"clean"});
  EXPECT_EQ(r.out, "🧹 Cleaned up 1 stopped process(es): kept\n");
  EXPECT_TRUE(fs::exists(log("kept")));
  // "old" has rotated logs and a watcher log; "alive" runs and is not touched.
  start_ok("old", {"--lines", "300"}, {"-w", "--max-log-size", "1K", "--log-files", "3"});
  start_ok("alive", {"--lines", "1"});
  ASSERT_TRUE(wait_until([&] { return fs::exists(log("old").string() + ".2"); }));
  ASSERT_EQ(bgo({"stop", "old"}).code, 0);
  ASSERT_TRUE(fs::exists(log("old", "watcher")));
  ASSERT_GE(log_files_of("old").size(), 5U);
  r = bgo({"clean", "--logs"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "🧹 Cleaned up 1 stopped process(es): old (logs deleted)\n");
  EXPECT_EQ(log_files_of("old"), std::vector<std::string>{});
  EXPECT_TRUE(fs::exists(log("kept")));
  EXPECT_TRUE(fs::exists(log("alive")));
  EXPECT_EQ(row("alive")->at("status").as_string(), "online");
  EXPECT_FALSE(row("old"));
  r = bgo({"clean", "--logs"});
  EXPECT_EQ(r.out, "Nothing to clean up.\n");
}

}  // namespace
}  // namespace bgo::test
