// SPDX-License-Identifier: MIT
// `follow` with `positions` and `resume` (issue #17: followers' positions across a live
// upgrade), spoken as raw JSON lines: a follower that comes back gets exactly the bytes it
// missed, through a rotation too; a stale position says so and goes on from the current file.
#include <functional>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/numbered_lines.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class FollowResumeTest : public DaemonTest {
 protected:
  std::filesystem::path sock() const { return home_ / "bgo.sock"; }
  std::filesystem::path log(const std::string& name) const {
    return home_ / "logs" / (name + ".out.log");
  }

  // What a follower of `name`'s stdout got: the data, and the position after it.
  struct Got {
    std::string data;
    std::string file;
    uint64_t offset = 0;
  };
  // Reads `log` notifications of stdout into `got` until `done` holds (or 10 s).
  static bool read_until(RawClient& c, Got& got, const std::function<bool()>& done) {
    auto take = [&](const json::value& v) {
      if (!v.is_object() || v.at("method") != "log") return;
      const auto& p = v.at("params").as_object();
      if (p.at("stream") != "stdout") return;
      got.data += p.at("data").as_string();
      got.file = p.at("file").as_string();
      got.offset = p.at("offset").to_number<uint64_t>();
    };
    for (const auto& v : c.notes) take(v);
    c.notes.clear();
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!done()) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      json::value v = c.next(1s);
      if (v.is_object() && v.as_object().contains("method")) take(v);
    }
    return true;
  }
  static json::object resume_params(const std::string& name, const std::string& file,
                                    uint64_t offset) {
    return {
        {"name", name},
        {"streams", json::array{"stdout"}},
        {"resume", json::array{json::object{
                       {"name", name}, {"stream", "stdout"}, {"file", file}, {"offset", offset}}}}};
  }
};

TEST_F(FollowResumeTest, APositionGetsExactlyTheMissingBytes) {
  start_ok("a", {"--tick", "5"});
  RawClient first(sock());
  json::value v = first.call("follow", {{"name", "a"}, {"positions", true}});
  const auto& start = v.at("result").at("positions").as_array();
  ASSERT_EQ(start.size(), 2U) << v;  // stdout and stderr, the default streams
  ASSERT_EQ(start[0].at("stream"), "stdout");
  const uint64_t begin = start[0].at("offset").to_number<uint64_t>();
  Got got;
  ASSERT_TRUE(read_until(first, got, [&] { return numbered(got.data, "tick").size() >= 10; }));
  ASSERT_EQ(got.data.back(), '\n');
  const uint64_t left_at = got.offset;
  EXPECT_EQ(left_at, begin + got.data.size());
  ::shutdown(first.fd(), SHUT_RDWR);

  // Away while more ticks are written.
  ASSERT_TRUE(wait_until([&] { return read_file(log("a")).size() > left_at + 100; }));
  RawClient again(sock());
  v = again.call("follow", resume_params("a", got.file, left_at));
  const auto& resumed = v.at("result").at("resumed").as_array();
  ASSERT_EQ(resumed.size(), 1U) << v;
  EXPECT_GE(resumed[0].at("bytes").to_number<uint64_t>(), 100U) << v;
  EXPECT_EQ(resumed[0].at("skipped"), 0) << v;
  EXPECT_TRUE(resumed[0].at("reset").is_null()) << v;
  const size_t before = got.data.size();
  ASSERT_TRUE(read_until(again, got, [&] { return got.data.size() > before + 400; }));
  // Byte for byte the file from where the first follower began: nothing lost, nothing twice.
  const std::string file = read_file(log("a"));
  ASSERT_GE(file.size(), begin + got.data.size());
  EXPECT_EQ(file.substr(begin, got.data.size()), got.data);
  EXPECT_EQ(got.offset, begin + got.data.size());
}

TEST_F(FollowResumeTest, ARotationInBetweenIsReadThroughTheRotatedCopy) {
  start_ok("r", {"--tick", "2"}, {"--max-log-size", "2K", "--log-files", "3"});
  RawClient first(sock());
  (void)first.call("follow", {{"name", "r"}, {"positions", true}});
  Got got;
  ASSERT_TRUE(read_until(first, got, [&] { return !got.file.empty(); }));
  ::shutdown(first.fd(), SHUT_RDWR);
  const std::string left_file = got.file;
  const uint64_t left_at = got.offset;
  // Away until the file it was in is rotated (the copy `.1` is still there).
  ASSERT_TRUE(wait_until([&] {
    return std::filesystem::exists(log("r").string() + ".1") &&
           std::filesystem::file_size(log("r").string() + ".1") > left_at;
  }));
  RawClient again(sock());
  json::value v = again.call("follow", resume_params("r", left_file, left_at));
  const auto& resumed = v.at("result").at("resumed").as_array();
  ASSERT_EQ(resumed.size(), 1U) << v;
  EXPECT_TRUE(resumed[0].at("reset").is_null()) << v;
  const size_t before = got.data.size();
  ASSERT_TRUE(read_until(again, got, [&] { return got.data.size() > before + 3000; }));
  const auto seen = numbered(got.data, "tick");
  ASSERT_FALSE(seen.empty());
  long expect = seen.begin()->first;
  for (const auto& [k, n] : seen) {
    ASSERT_EQ(k, expect++) << "a tick lost";
    ASSERT_EQ(n, 1) << "tick " << k << " twice";
  }
}

TEST_F(FollowResumeTest, AStalePositionSaysSoAndGoesOnFromTheCurrentFile) {
  start_ok("s", {"--lines", "50"});
  ASSERT_TRUE(wait_until([&] { return contains(read_file(log("s")), "line 50\n"); }));
  RawClient c(sock());
  json::value v = c.call("follow", {{"name", "s"}, {"positions", true}});
  const auto& at = v.at("result").at("positions").at(0);
  const std::string file(at.at("file").as_string());
  const uint64_t offset = at.at("offset").to_number<uint64_t>();
  ASSERT_GT(offset, 100U);

  // Emptied meanwhile: the offset is past the end.
  ASSERT_EQ(bgo({"flush", "s"}).code, 0);
  RawClient truncated(sock());
  v = truncated.call("follow", resume_params("s", file, offset));
  EXPECT_EQ(v.at("result").at("resumed").at(0).at("reset"), "truncated") << v;

  // A file that is not there any more (rotated away, or never was).
  RawClient rotated(sock());
  v = rotated.call("follow", resume_params("s", "1-1", 10));
  EXPECT_EQ(v.at("result").at("resumed").at(0).at("reset"), "rotated") << v;

  // Not a position bgod sent: refused, and nothing is followed.
  RawClient bad(sock());
  v = bad.call("follow", resume_params("s", "not a file", 10));
  EXPECT_EQ(v.at("error").at("code"), -32602) << v;
  EXPECT_EQ(v.at("error").at("data").at("param"), "resume") << v;
}

TEST_F(FollowResumeTest, WithoutPositionsNotificationsAreUnchanged) {
  start_ok("p", {"--tick", "5"});
  RawClient c(sock());
  json::value v = c.call("follow", {{"name", "p"}});
  EXPECT_FALSE(v.at("result").as_object().contains("positions")) << v;
  json::value n = c.next();
  ASSERT_TRUE(n.is_object()) << n;
  EXPECT_EQ(n.at("params").as_object().size(), 3U) << n;  // name, stream, data
}

}  // namespace
}  // namespace bgo::test
