// SPDX-License-Identifier: MIT
// Desktop notifications from the real bgod (spec §10.3, issue #19): a watched process that
// errors makes bgod run BGO_NOTIFY_CMD, or a `notify-send` found on its PATH, once, with the
// title and the reason; a BGO_NOTIFY_CMD bgod cannot use is one line in bgod.log.
#include <fstream>
#include <sys/stat.h>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/wait_until.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;

class NotifyTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    out_ = home_.parent_path() / "notified.txt";
  }

  // A program that writes its arguments, one per line, to `out_`.
  fs::path recorder(const std::string& name) {
    const fs::path dir = home_.parent_path() / "bin";
    fs::create_directories(dir);
    fs::path script = dir / name;
    std::ofstream(script) << "#!/bin/sh\nfor a in \"$@\"; do echo \"$a\"; done >> '"
                          << out_.string() << "'\n";
    ::chmod(script.c_str(), 0755);
    return script;
  }

  // Starts a watched process that errors on its first fast crash, with `env` for bgod.
  void crash(const std::map<std::string, std::string>& env) {
    RunResult r = bgo({"start", "one", "-w", "--on-fast-crash", "stop", "--", bin("bgo_test_child"),
                       "--after", "100", "--exit", "4"},
                      env);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  std::string notified() {
    std::string text;
    wait_until([&] {
      text = read_file(out_);
      return text.find('\n', text.find("fast-crash")) != std::string::npos;
    });
    return text;
  }

  fs::path out_;  // what the recorder wrote
};

TEST_F(NotifyTest, BgoNotifyCmdRunsOnceWithTitleAndBody) {
  const fs::path say = recorder("say");
  crash({{"BGO_NOTIFY_CMD", say.string() + " {title} 'why: {body}'"}});
  const std::string text = notified();
  EXPECT_EQ(text.rfind("bgo: one errored\nwhy: fast-crash", 0), 0U) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "once: " << text;
}

TEST_F(NotifyTest, NotifySendOnBgodsPathIsTheDefault) {
  const fs::path stand_in = recorder("notify-send");
  crash({{"PATH", stand_in.parent_path().string() + ":" + std::getenv("PATH")}});
  const std::string text = notified();
  EXPECT_EQ(text.rfind("bgo: one errored\nfast-crash", 0), 0U) << text;
}

TEST_F(NotifyTest, AnUnusableCommandIsOneLineInTheLogAndRunsNothing) {
  crash({{"BGO_NOTIFY_CMD", "say '{title}"}});
  EXPECT_TRUE(wait_until([&] { return row("one")->at("watch").at("errored").as_bool(); }));
  const std::string log = read_file(home_ / "bgod.log");
  EXPECT_NE(log.find("desktop notifications off: BGO_NOTIFY_CMD cannot be split"),
            std::string::npos)
      << log;
  EXPECT_FALSE(fs::exists(out_));
}

}  // namespace
}  // namespace bgo::test
