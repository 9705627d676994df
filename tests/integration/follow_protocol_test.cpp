// SPDX-License-Identifier: MIT
// The issue #13 additions to the log methods, spoken as raw JSON lines: `follow`/`unfollow`
// of several names or of every process (those registered later too), tails that join the
// notifications exactly, `count_markers` and `since_start`, and `clean`'s `logs`.
#include <functional>
#include <regex>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

int error_code(const json::value& v) {
  if (!v.is_object() || !v.as_object().contains("error")) return 0;
  return static_cast<int>(v.at("error").at("code").as_int64());
}

std::vector<long> ticks(const std::string& text) {
  std::vector<long> out;
  static const std::regex tick(R"(tick (\d+)\n)");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), tick); it != std::sregex_iterator();
       ++it) {
    out.push_back(std::stol((*it)[1]));
  }
  return out;
}

class FollowProtocolTest : public DaemonTest {
 protected:
  std::filesystem::path sock() const { return home_ / "bgo.sock"; }
  std::filesystem::path log(const std::string& name, const std::string& kind = "out") {
    return home_ / "logs" / (name + "." + kind + ".log");
  }
  // The data of the `log` notifications for `name` among `notes`.
  static std::string data_of(const std::vector<json::value>& notes, const std::string& name) {
    std::string data;
    for (const auto& n : notes) {
      if (n.at("method") == "log" && n.at("params").at("name") == json::value(name)) {
        data += n.at("params").at("data").as_string();
      }
    }
    return data;
  }
  // Reads notifications into `c.notes` until `done` holds (or a time limit).
  static bool read_until(RawClient& c, const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      json::value v = c.next(1s);
      if (v.is_object() && v.as_object().contains("method")) c.notes.push_back(v);
    }
    return true;
  }
};

TEST_F(FollowProtocolTest, SeveralNamesTailsJoinTheStreamExactly) {
  start_ok("a", {"--tick", "5"});
  start_ok("b", {"--lines", "3"});
  ASSERT_TRUE(wait_until([&] { return ticks(read_file(log("a"))).size() >= 5; }));
  RawClient c(sock());
  json::value v = c.call(
      "follow",
      {{"names", json::array{"b", "a", "b"}}, {"lines", 2}, {"streams", json::array{"stdout"}}});
  const auto& result = v.at("result");
  EXPECT_EQ(result.at("following"), (json::array{"b", "a"}));
  EXPECT_EQ(result.at("all"), false);
  const auto& tails = result.at("tails").as_array();
  ASSERT_EQ(tails.size(), 2U) << v;
  EXPECT_EQ(tails[0].at("name"), "b");
  EXPECT_EQ(tails[0].at("stream"), "stdout");
  EXPECT_EQ(tails[0].at("text"), "line 2\nline 3\n");
  EXPECT_EQ(tails[0].at("path"), json::value(log("b").string()));
  ASSERT_EQ(tails[1].at("name"), "a");
  // a's tail, then its notifications: every tick once, in order, none missing.
  const std::string tail(tails[1].at("text").as_string());
  ASSERT_TRUE(read_until(c, [&] {
    const auto seen = ticks(data_of(c.notes, "a"));
    return !seen.empty() && seen.back() >= ticks(tail).back() + 30;
  }));
  const auto all = ticks(tail + data_of(c.notes, "a"));
  ASSERT_GE(all.size(), 32U);
  for (size_t i = 1; i < all.size(); ++i) ASSERT_EQ(all[i], all[i - 1] + 1) << i;
}

TEST_F(FollowProtocolTest, AllFollowsLaterProcessesAndUnfollowUndoesIt) {
  start_ok("a", {"--lines", "1"});
  RawClient c(sock());
  json::value v = c.call("follow", {{"all", true}});
  EXPECT_EQ(
      v.at("result"),
      (json::object{{"following", json::array{"a"}}, {"all", true}, {"tails", json::array{}}}));
  start_ok("late", {"--write", "hi\\n"});
  EXPECT_TRUE(read_until(c, [&] { return contains(data_of(c.notes, "late"), "hi\n"); }));
  // Unfollowing one name while following all stops that name only.
  EXPECT_EQ(c.call("unfollow", {{"names", json::array{"late"}}}).at("result"),
            (json::object{{"following", nullptr}}));
  c.notes.clear();
  ASSERT_EQ(bgo({"restart", "late"}).code, 0);
  ASSERT_EQ(bgo({"restart", "a"}).code, 0);
  EXPECT_TRUE(read_until(c, [&] { return contains(data_of(c.notes, "a"), "[Starting]"); }));
  EXPECT_EQ(data_of(c.notes, "late"), "");
  // Following it by name again brings it back; unfollowing all ends everything.
  EXPECT_EQ(c.call("follow", {{"name", "late"}}).at("result").at("following"), "late");
  EXPECT_EQ(c.call("unfollow", {{"all", true}}).at("result"),
            (json::object{{"following", nullptr}}));
  c.notes.clear();
  ASSERT_EQ(bgo({"restart", "a"}).code, 0);
  ASSERT_EQ(bgo({"restart", "late"}).code, 0);
  EXPECT_TRUE(c.call("hello").at("result").is_object());  // after any notification sent
  EXPECT_TRUE(c.notes.empty()) << json::value_from(c.notes);
}

TEST_F(FollowProtocolTest, FollowParamErrors) {
  start_ok("a", {});
  RawClient c(sock());
  json::value v = c.call("follow", {{"names", json::array{}}});
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "names");
  v = c.call("follow", {{"name", "a"}, {"all", true}});
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "all");
  v = c.call("follow", {{"names", json::array{"a", "ghost", "nope"}}});
  EXPECT_EQ(error_code(v), -32001);
  EXPECT_EQ(v.at("error").at("message"), "Unknown process(es): ghost, nope");
  EXPECT_EQ(v.at("error").at("data").at("detail"), "ghost, nope");
  v = c.call("follow", {{"names", json::array{"a/b"}}});
  EXPECT_EQ(error_code(v), -32005);
  v = c.call("unfollow", {{"names", json::array{"a/b"}}});
  EXPECT_EQ(error_code(v), -32602);
  // The original form keeps its messages.
  v = c.call("follow", {});
  EXPECT_EQ(error_code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "name");
  EXPECT_EQ(c.call("follow", {{"name", "ghost"}}).at("error").at("message"),
            "No process named 'ghost' found");
}

TEST_F(FollowProtocolTest, CountMarkersAndSinceStart) {
  start_ok("r", {"--lines", "2"});
  ASSERT_TRUE(wait_until([&] { return contains(read_file(log("r")), "line 2"); }));
  ASSERT_EQ(bgo({"restart", "r"}).code, 0);
  ASSERT_TRUE(wait_until([&] {
    const std::string text = read_file(log("r"));
    return text.find("[Starting]") != text.rfind("[Starting]") && text.ends_with("line 2\n");
  }));
  const std::string text = read_file(log("r"));
  const std::string run = text.substr(text.rfind("=== ["));
  RawClient c(sock());
  json::value v = c.call("logs", {{"name", "r"}, {"lines", 3}, {"count_markers", false}});
  EXPECT_EQ(v.at("result").at("text"), json::value("line 2\n\n" + run));
  EXPECT_EQ(v.at("result").at("truncated"), true);
  v = c.call("logs", {{"name", "r"}, {"lines", 3}});  // counted, as before
  EXPECT_EQ(v.at("result").at("text"), json::value(run));
  v = c.call("logs", {{"name", "r"}, {"lines", 0}, {"since_start", true}});
  EXPECT_EQ(v.at("result").at("text"), json::value(run));
  EXPECT_EQ(v.at("result").at("truncated"), false);
  // follow with since_start and no lines: the whole newest run of each stream.
  v = c.call("follow",
             {{"name", "r"}, {"since_start", true}, {"streams", json::array{"stdout", "stderr"}}});
  const auto& tails = v.at("result").at("tails").as_array();
  ASSERT_EQ(tails.size(), 2U) << v;
  EXPECT_EQ(tails[0].at("text"), json::value(run));
  const std::string err = read_file(log("r", "err"));
  EXPECT_EQ(tails[1].at("text"), json::value(err.substr(err.rfind("=== ["))));
}

TEST_F(FollowProtocolTest, CleanDeletesTheLogsOnlyWhenAsked) {
  start_ok("x", {"--lines", "1"});
  start_ok("y", {"--lines", "1"});
  ASSERT_EQ(bgo({"stop", "x"}).code, 0);
  RawClient c(sock());
  EXPECT_EQ(c.call("clean").at("result"),
            (json::object{{"removed", json::array{"x"}}, {"logs_removed", false}}));
  EXPECT_TRUE(std::filesystem::exists(log("x")));
  ASSERT_EQ(bgo({"stop", "y"}).code, 0);
  EXPECT_EQ(c.call("clean", {{"logs", true}}).at("result"),
            (json::object{{"removed", json::array{"y"}}, {"logs_removed", true}}));
  EXPECT_FALSE(std::filesystem::exists(log("y")));
  EXPECT_FALSE(std::filesystem::exists(log("y", "err")));
  EXPECT_TRUE(std::filesystem::exists(log("x")));  // no longer registered: not bgod's to delete
  EXPECT_EQ(error_code(c.call("clean", {{"logs", "yes"}})), -32602);
}

}  // namespace
}  // namespace bgo::test
