// SPDX-License-Identifier: MIT
// Session over a socketpair: slow subscribers are cut off, pipelined requests pause reading,
// an oversized line is answered then closed, a half-closed client still gets its answers.
#include "daemon/rpc/session.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "daemon/rpc/dispatcher.hpp"

namespace bgo::daemon {
namespace {

namespace json = boost::json;
using boost::asio::local::stream_protocol;

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_.add("hello", [](Call&, const Respond& r) { r(json::value("hi")); });
    dispatcher_.add("big", [](Call&, const Respond& r) { r(json::value(std::string(2048, 'b'))); });
    dispatcher_.add("later", [this](Call&, const Respond& r) {
      boost::asio::post(io_, [r] { r(json::value("late")); });
    });
  }

  void open(SessionLimits limits) {
    stream_protocol::socket a(io_), b(io_);
    boost::asio::local::connect_pair(a, b);
    peer_ = b.release();
    ::fcntl(peer_, F_SETFL, ::fcntl(peer_, F_GETFL) | O_NONBLOCK);
    session_ = std::make_shared<Session>(std::move(a), dispatcher_, limits,
                                         [this](Session*) { ++on_closed_calls_; });
    session_->start();
  }
  void TearDown() override {
    if (peer_ >= 0) ::close(peer_);
    if (session_) session_->close();
    io_.poll();
  }

  void pump() {
    io_.restart();
    while (io_.poll() > 0) {
    }
  }
  void write_all(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(peer_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      ASSERT_GT(n, 0) << errno;
      off += static_cast<size_t>(n);
    }
  }
  // Reads what is available; sets eof_ at end of stream (or a reset).
  std::string read_some() {
    std::string out;
    char buf[65536];
    for (;;) {
      const ssize_t n = ::read(peer_, buf, sizeof buf);
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0 || (n < 0 && errno == ECONNRESET)) eof_ = true;
      return out;
    }
  }
  // Alternates the loop and reading until `done(received)` or nothing moves any more.
  std::string exchange(const std::function<bool(const std::string&)>& done) {
    std::string got;
    for (int idle_rounds = 0; idle_rounds < 3 && !done(got);) {
      pump();
      std::string more = read_some();
      idle_rounds = more.empty() ? idle_rounds + 1 : 0;
      got += more;
      if (eof_) break;
    }
    return got;
  }
  static size_t lines(const std::string& s) {
    return static_cast<size_t>(std::count(s.begin(), s.end(), '\n'));
  }
  static std::string request(int id, const std::string& method) {
    return R"({"jsonrpc":"2.0","id":)" + std::to_string(id) + R"(,"method":")" + method + "\"}\n";
  }

  boost::asio::io_context io_;
  Dispatcher dispatcher_;
  std::shared_ptr<Session> session_;
  int peer_ = -1;
  bool eof_ = false;
  int on_closed_calls_ = 0;
};

// A notification raised in the middle of a handler (a reap that restarts) is written once the
// handler is done, together with the others of that turn and in their order, responses too.
TEST_F(SessionTest, NotificationsLeaveAfterTheHandlerInOrder) {
  open(SessionLimits{});
  session_->events = true;
  session_->send("first\n");
  session_->send("second\n");
  EXPECT_EQ(read_some(), "");  // nothing written inside the handler
  session_->respond("answer\n");
  session_->send("third\n");
  const std::string got = exchange([](const std::string& g) { return lines(g) == 4; });
  EXPECT_EQ(got, "first\nsecond\nanswer\nthird\n");
}

TEST_F(SessionTest, SlowSubscriberIsCutOffNeverWaitedFor) {
  SessionLimits limits;
  limits.max_queued_bytes = size_t{64} * 1024;
  open(limits);
  session_->events = true;
  const std::string note = std::string(1023, 'n') + "\n";
  size_t sent = 0;
  while (!session_->closed() && sent < 100000) {
    session_->send(note);  // the peer never reads
    ++sent;
    if (sent % 16 == 0) pump();
  }
  ASSERT_TRUE(session_->closed());
  EXPECT_EQ(on_closed_calls_, 0);  // deferred, so a hub iterating sessions is safe
  pump();
  EXPECT_EQ(on_closed_calls_, 1);
  EXPECT_EQ(session_->queued_bytes(), 0u);  // the queue is dropped, not kept for a dead reader
  session_->send(note);                     // after the cut: ignored
  session_->close();
  pump();
  EXPECT_EQ(on_closed_calls_, 1);
  // What did arrive is whole lines, then the end.
  const std::string got = exchange([](const std::string&) { return false; });
  EXPECT_TRUE(eof_);
  EXPECT_LT(got.size(), sent * note.size());
}

TEST_F(SessionTest, PipelinedRequestsPauseReadingInsteadOfCuttingOff) {
  SessionLimits limits;
  limits.max_queued_bytes = size_t{8} * 1024;
  open(limits);
  std::string requests;
  for (int i = 0; i < 300; ++i) requests += request(i, "big");
  write_all(requests);
  pump();  // no reading: the session stops taking requests once 8 KiB are queued
  EXPECT_FALSE(session_->closed());
  EXPECT_LT(session_->queued_bytes(), 8 * 1024 + 4096u);
  const std::string got = exchange([](const std::string& s) { return lines(s) >= 300; });
  EXPECT_EQ(lines(got), 300u);
  EXPECT_FALSE(session_->closed());
  EXPECT_NE(got.find(R"("id":299)"), std::string::npos);
}

TEST_F(SessionTest, OversizedLineIsAnsweredThenClosed) {
  SessionLimits limits;
  limits.max_line_bytes = 100;
  open(limits);
  write_all(request(1, "hello") + std::string(200, 'x'));
  const std::string got = exchange([](const std::string&) { return false; });
  EXPECT_TRUE(eof_);
  ASSERT_EQ(lines(got), 2u) << got;
  const json::value first = json::parse(got.substr(0, got.find('\n')));
  EXPECT_EQ(first.at("result"), "hi");
  const json::value second = json::parse(got.substr(got.find('\n') + 1));
  EXPECT_EQ(second.at("error").at("code"), -32600);
  EXPECT_TRUE(second.at("id").is_null());
  EXPECT_EQ(second.at("error").at("data").at("limit"), 100);
  EXPECT_TRUE(session_->closed());
}

TEST_F(SessionTest, HalfClosedClientStillGetsItsAnswers) {
  open(SessionLimits{});
  write_all(request(1, "later") + "\n   \n" + request(2, "hello"));
  ASSERT_EQ(::shutdown(peer_, SHUT_WR), 0);
  const std::string got = exchange([](const std::string&) { return false; });
  EXPECT_TRUE(eof_);
  EXPECT_EQ(lines(got), 2u) << got;  // blank lines are skipped, both requests answered
  EXPECT_NE(got.find("\"late\""), std::string::npos);
  EXPECT_TRUE(session_->closed());
}

TEST_F(SessionTest, ErrorsNeverCloseAHealthyConnection) {
  open(SessionLimits{});
  write_all("garbage\n[]\n{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}\n" +
            request(2, "hello"));
  const std::string got = exchange([](const std::string& s) { return lines(s) >= 4; });
  EXPECT_EQ(lines(got), 4u) << got;
  EXPECT_NE(got.find(R"({"jsonrpc":"2.0","id":2,"result":"hi"})"), std::string::npos) << got;
  EXPECT_FALSE(session_->closed());
  EXPECT_FALSE(eof_);
}

}  // namespace
}  // namespace bgo::daemon
