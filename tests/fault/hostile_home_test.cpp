// SPDX-License-Identifier: MIT
// Fault scenario 5 (issue #17): hostile files in BGO_HOME. State files that are symlinks (to a
// file outside the home), huge, truncated, of the wrong JSON types, or not UTF-8; a `logs/` that
// is a symlink; a socket path that is a regular file; a spawn journal that is a symlink to a file
// outside (read after a crash: a bgod.pid is left). Each is refused or skipped with a warning,
// nothing outside the home is read into bgod's state or written, and bgod starts. Foreign
// owners and group-writable files are covered by tests/integration/security_test.cpp.
#include <fstream>
#include <sys/stat.h>

#include <boost/json.hpp>

#include "tests/fault/fault_support.hpp"

namespace bgo::test::fault {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

class HostileHomeTest : public DaemonTest {
 protected:
  std::string marker() const { return home_.parent_path().string() + "/"; }

  // A state file that would run bgo_test_child tagged `tag` if bgod believed it.
  std::string state_text(const std::string& name, const std::string& tag) {
    return json::serialize(
        json::object{{"name", name},
                     {"pid", nullptr},
                     {"command", json::array{bin("bgo_test_child"), "--tag", marker() + tag}},
                     {"cwd", "/tmp"},
                     {"status", "stopped"},
                     {"stop_reason", "daemon"},
                     {"autostart", "always"}});
  }

  static fs::file_time_type mtime(const fs::path& p) {
    std::error_code ec;
    return fs::last_write_time(p, ec);
  }
};

TEST_F(HostileHomeTest, HostileFilesAreSkippedNothingOutsideIsTouchedAndBgodStarts) {
  const KillMarkedOnExit cleanup(marker());
  const auto began = std::chrono::steady_clock::now();
  // A home made by bgod itself, with one good process that the next bgod brings back.
  start_ok("good", {"--tag", marker() + "good"});
  ASSERT_EQ(bgo({"daemon", "stop"}).code, 0);
  ASSERT_TRUE(wait_until([&] { return marked(marker(), true).empty(); }));

  const fs::path outside = home_.parent_path() / "outside";
  fs::create_directories(outside);
  const fs::path canary = outside / "canary.json";
  std::ofstream(canary) << state_text("canary", "canary-ran");
  const std::string canary_text = read_file(canary);
  const auto canary_mtime = mtime(canary);
  const fs::path logs_target = outside / "logs-target";  // must never be created

  // 1. logs/ is a symlink: bgod refuses to start, says why, and creates nothing behind it.
  fs::rename(home_ / "logs", home_ / "logs.real");
  fs::create_symlink(logs_target, home_ / "logs");
  const RunResult refused = bgo_within(30s, {"status"});
  EXPECT_NE(refused.code, 0);
  EXPECT_TRUE(contains(refused.err, "logs")) << refused.err;
  EXPECT_FALSE(fs::exists(logs_target));
  fs::remove(home_ / "logs");
  fs::rename(home_ / "logs.real", home_ / "logs");

  // 2. The state files and the socket path.
  const fs::path procs = home_ / "procs";
  fs::create_symlink(canary, procs / "link.json");
  {
    std::ofstream huge(procs / "huge.json", std::ios::binary);
    huge << R"({"name": "huge", "status": "stopped", "pad": ")";
    const std::string block(size_t{1} << 20, 'a');
    for (int i = 0; i < 64; ++i) huge << block;  // 64 MiB
    huge << R"("})";
  }
  const std::string full = state_text("truncated", "truncated-ran");
  std::ofstream(procs / "truncated.json") << full.substr(0, full.size() / 2);
  std::ofstream(procs / "types.json")
      << R"({"name": 42, "pid": "12", "command": "not a list", "cwd": ["/"], "status": true})";
  std::ofstream(procs / "utf8.json", std::ios::binary)
      << R"({"name": "bad)"
      << "\xff\xfe"
      << R"(", "pid": null, "command": [")" << bin("bgo_test_child") << R"(", "--tag", ")"
      << marker() << R"(utf8-ran"], "cwd": "/tmp",)"
      << R"( "status": "stopped", "stop_reason": "daemon"})";
  std::ofstream(home_ / "bgo.sock") << "not a socket\n";
  // The spawn journal, read because bgod.pid says the last bgod did not stop cleanly.
  fs::remove(home_ / "spawns.journal");  // the good bgod's
  fs::create_symlink(canary, home_ / "spawns.journal");
  fs::create_symlink(canary, home_ / "spawns.journal.old");
  std::ofstream(home_ / "bgod.pid") << "999999\n";
  const std::vector<std::string> hostile{"link.json", "huge.json", "truncated.json", "types.json",
                                         "utf8.json"};
  for (const auto& f : hostile) {
    ::chmod((procs / f).c_str(), 0600);  // a symlink's own mode does not matter
  }

  const auto start = std::chrono::steady_clock::now();
  const RunResult r = bgo_within(60s, {"status"});
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(r.code, 0) << r.err;
  const std::string log = read_file(home_ / "bgod.log");
  int warned = 0;
  for (const auto& f : hostile) {
    const bool said = contains(log, f) || contains(r.err, f);
    warned += said ? 1 : 0;
    EXPECT_TRUE(said) << f << " skipped without a warning:\n" << r.err;
  }
  // Only the good process is known and running; nothing a hostile file names ran.
  const json::value rows = status_json();
  std::set<std::string> names;
  for (const auto& v : rows.as_array()) names.insert(std::string(v.at("name").as_string()));
  EXPECT_EQ(names, std::set<std::string>{"good"});
  EXPECT_TRUE(wait_until([&] { return !marked(marker() + "good", true).empty(); }));
  const std::set<pid_t> ran = marked(marker(), true);
  int foreign_ran = 0;
  for (pid_t p : ran) foreign_ran += tag_of(p) == marker() + "good" ? 0 : 1;
  EXPECT_EQ(foreign_ran, 0) << describe(ran);
  // Nothing outside the home changed or appeared.
  const bool canary_same = read_file(canary) == canary_text && mtime(canary) == canary_mtime;
  EXPECT_TRUE(canary_same);
  EXPECT_FALSE(fs::exists(logs_target));
  EXPECT_TRUE(fs::is_symlink(procs / "link.json"));  // left for the user to inspect
  // The journal was not followed: skipped with a warning, then replaced by a fresh one.
  EXPECT_TRUE(contains(log, "spawn journal skipped")) << log;
  EXPECT_FALSE(fs::is_symlink(home_ / "spawns.journal"));
  EXPECT_FALSE(fs::exists(home_ / "spawns.journal.old"));
  // The socket path is bgod's: a regular file there is replaced by the socket.
  EXPECT_TRUE(fs::is_socket(home_ / "bgo.sock"));
  // bgod serves normally.
  start_ok("after", {"--tag", marker() + "after"});

  figures(
      "hostile_home",
      "hostile_files=" + std::to_string(hostile.size()) + " warned=" + std::to_string(warned) +
          " logs_symlink_refused=" + (refused.code != 0 ? "yes" : "no") + " foreign_ran=" +
          std::to_string(foreign_ran) + " canary_untouched=" + (canary_same ? "yes" : "no") +
          " outside_created=" + (fs::exists(logs_target) ? "yes" : "no") +
          " bgod_started=" + (r.code == 0 ? "yes" : "no") + " startup_ms=" +
          std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) +
          " seconds=" +
          std::to_string(static_cast<int>(
              std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count())));
}

}  // namespace
}  // namespace bgo::test::fault
