// SPDX-License-Identifier: MIT
// Dispatcher: every JSON-RPC error class, batches, notifications, ids, the firewall.
#include "daemon/rpc/dispatcher.hpp"

#include <deque>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

namespace json = boost::json;

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    d_.add("echo", [](Call& c, const Respond& r) { r(json::value(c.params)); });
    d_.add("need", [](Call& c, const Respond& r) {
      r(json::value(param_string(c.params, "name") +
                    std::to_string(*opt_param_int(c.params, "n"))));
    });
    d_.add("fail", [](Call&, const Respond& r) {
      Error e = make_error(Errc::no_such_process, "nope");
      e.names = {"x"};
      r(e);
    });
    d_.add("throw", [](Call&, const Respond&) -> void { throw std::runtime_error("boom"); });
    d_.add("twice", [](Call&, const Respond& r) {
      r(json::value(1));
      r(json::value(2));
      throw std::runtime_error("after");
    });
    d_.add("later", [this](Call&, const Respond& r) {
      deferred_.emplace_back([r] { r(json::value("late")); });
    });
    d_.add("count", [this](Call&, const Respond& r) {
      ++calls_;
      r(json::value(calls_));
    });
  }

  // The lines owed for `line` (answered synchronously or after run_deferred()).
  void feed(const std::string& line) {
    d_.handle_line(line, nullptr, [this](std::string text) {
      ++done_calls_;
      if (!text.empty()) out_.push_back(std::move(text));
    });
  }
  void run_deferred() {
    while (!deferred_.empty()) {
      auto f = std::move(deferred_.front());
      deferred_.pop_front();
      f();
    }
  }
  json::value only(const std::string& line) {
    out_.clear();
    feed(line);
    EXPECT_EQ(out_.size(), 1u) << line;
    if (out_.empty()) return nullptr;
    EXPECT_EQ(out_.back().back(), '\n');
    return json::parse(out_.back());
  }
  static int code(const json::value& v) {
    return static_cast<int>(v.at("error").at("code").as_int64());
  }

  Dispatcher d_;
  std::vector<std::string> out_;
  std::deque<std::function<void()>> deferred_;
  int calls_ = 0;
  int done_calls_ = 0;
};

TEST_F(DispatcherTest, ParseErrorsAnswerWithNullId) {
  for (const std::string bad : {"{", "hello?", "{\"a\":}", "[1,]", "\"\xFF\"", "nan", "{}x"}) {
    json::value v = only(bad);
    EXPECT_EQ(code(v), -32700) << bad;
    EXPECT_TRUE(v.at("id").is_null());
    EXPECT_EQ(v.at("error").at("data").at("kind"), "parse_error");
  }
}

TEST_F(DispatcherTest, DeepNestingIsAParseErrorNotACrash) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(code(only(deep)), -32700);
  const std::string ok = std::string(32, '[') + std::string(32, ']');
  const json::value v = only(ok);  // parses (32 levels): a batch whose element is no object
  ASSERT_TRUE(v.is_array());
  EXPECT_EQ(code(v.at(0)), -32600);
}

TEST_F(DispatcherTest, InvalidRequests) {
  for (const std::string bad :
       {R"(1)", R"("x")", R"(null)", R"({"method":"echo","id":1})",
        R"({"jsonrpc":"1.0","method":"echo","id":1})", R"({"jsonrpc":2.0,"method":"echo","id":1})",
        R"({"jsonrpc":"2.0","id":1})", R"({"jsonrpc":"2.0","method":7,"id":1})"}) {
    json::value v = only(bad);
    EXPECT_EQ(code(v), -32600) << bad;
    EXPECT_EQ(v.at("error").at("data").at("kind"), "invalid_request");
  }
  // The id is echoed when it is usable, null otherwise (also for bad ids without a method).
  EXPECT_EQ(only(R"({"jsonrpc":"1.0","method":"echo","id":"k"})").at("id"), "k");
  for (const std::string bad_id : {"true", "[1]", "{}", "1e400"}) {
    json::value v = only(R"({"jsonrpc":"2.0","method":"echo","id":)" + bad_id + "}");
    EXPECT_EQ(code(v), -32600) << bad_id;
    EXPECT_TRUE(v.at("id").is_null());
  }
  // Not a valid notification either: still answered.
  EXPECT_EQ(code(only(R"({"jsonrpc":"2.0","method":5})")), -32600);
}

TEST_F(DispatcherTest, UnknownMethodNamesIt) {
  json::value v = only(R"({"jsonrpc":"2.0","method":"nope","id":3})");
  EXPECT_EQ(code(v), -32601);
  EXPECT_EQ(v.at("id"), 3);
  EXPECT_EQ(v.at("error").at("data").at("method"), "nope");
}

TEST_F(DispatcherTest, InvalidParamsNameTheParameter) {
  for (const std::string params : {"[1,2]", "null", "\"s\"", "3"}) {
    json::value v = only(R"({"jsonrpc":"2.0","method":"echo","id":1,"params":)" + params + "}");
    EXPECT_EQ(code(v), -32602) << params;
    EXPECT_EQ(v.at("error").at("data").at("param"), "params");
  }
  json::value v = only(R"({"jsonrpc":"2.0","method":"need","id":1,"params":{"name":5}})");
  EXPECT_EQ(code(v), -32602);
  EXPECT_EQ(v.at("error").at("data").at("param"), "name");
  EXPECT_EQ(v.at("error").at("data").at("kind"), "invalid_params");
  for (const std::string n : {"1.5", "\"1\"", "true", "1e400", "18446744073709551615",
                              "123456789012345678901234567890"}) {
    v = only(R"({"jsonrpc":"2.0","method":"need","id":1,"params":{"name":"a","n":)" + n + "}}");
    EXPECT_EQ(code(v), -32602) << n;
    EXPECT_EQ(v.at("error").at("data").at("param"), "n");
  }
  v = only(
      R"({"jsonrpc":"2.0","method":"need","id":1,"params":{"name":"a","n":9223372036854775807}})");
  EXPECT_EQ(v.at("result"), "a9223372036854775807");
}

TEST_F(DispatcherTest, DomainErrorsAndTheFirewall) {
  json::value v = only(R"({"jsonrpc":"2.0","method":"fail","id":"f"})");
  EXPECT_EQ(code(v), -32001);
  EXPECT_EQ(v.at("error").at("data").at("kind"), "no_such_process");
  EXPECT_EQ(v.at("error").at("data").at("detail"), "x");
  v = only(R"({"jsonrpc":"2.0","method":"throw","id":2})");
  EXPECT_EQ(code(v), -32603);
  EXPECT_EQ(v.at("error").at("message"), "internal error: boom");
  v = only(R"({"jsonrpc":"2.0","method":"twice","id":2})");
  EXPECT_EQ(v.at("result"), 1);  // the second answer and the late throw are dropped
}

TEST_F(DispatcherTest, IdsAreEchoedAsGiven) {
  for (const std::string id : {"0", "-1", "\"abc\"", "null", "18446744073709551615", "\"\""}) {
    json::value v = only(R"({"jsonrpc":"2.0","method":"echo","id":)" + id + "}");
    EXPECT_EQ(v.at("id"), json::parse(id)) << id;
    EXPECT_TRUE(v.at("result").is_object());
  }
}

TEST_F(DispatcherTest, NotificationsGetNothingEvenOnError) {
  for (const std::string n :
       {R"({"jsonrpc":"2.0","method":"count"})", R"({"jsonrpc":"2.0","method":"nope"})",
        R"({"jsonrpc":"2.0","method":"throw"})", R"({"jsonrpc":"2.0","method":"echo","params":[]})",
        R"({"jsonrpc":"2.0","method":"need","params":{"name":1}})"}) {
    out_.clear();
    feed(n);
    EXPECT_TRUE(out_.empty()) << n;
  }
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(done_calls_, 5);  // done() is still called once per line
}

TEST_F(DispatcherTest, Batches) {
  EXPECT_EQ(code(only("[]")), -32600);
  // Invalid entries each get their own error, in order.
  json::value v = only("[1,\"x\",{}]");
  ASSERT_TRUE(v.is_array());
  ASSERT_EQ(v.as_array().size(), 3u);
  for (const auto& e : v.as_array()) EXPECT_EQ(code(e), -32600);
  // Notifications are left out; responses keep request order even when answered later.
  out_.clear();
  feed(
      R"([{"jsonrpc":"2.0","method":"later","id":1},{"jsonrpc":"2.0","method":"count"},)"
      R"({"jsonrpc":"2.0","method":"echo","id":2,"params":{"k":1}},{"jsonrpc":"2.0","method":"nope","id":3}])");
  EXPECT_TRUE(out_.empty());  // waits for the deferred element
  run_deferred();
  ASSERT_EQ(out_.size(), 1u);
  v = json::parse(out_[0]);
  ASSERT_EQ(v.as_array().size(), 3u);
  EXPECT_EQ(v.at(0).at("result"), "late");
  EXPECT_EQ(v.at(1).at("id"), 2);
  EXPECT_EQ(code(v.at(2)), -32601);
  EXPECT_EQ(calls_, 1);
  // Only notifications: no response at all, done() once.
  out_.clear();
  done_calls_ = 0;
  feed(R"([{"jsonrpc":"2.0","method":"count"},{"jsonrpc":"2.0","method":"count"}])");
  EXPECT_TRUE(out_.empty());
  EXPECT_EQ(done_calls_, 1);
  EXPECT_EQ(calls_, 3);
  // A nested batch is an invalid element, not a batch.
  v = only(R"([[{"jsonrpc":"2.0","method":"echo","id":1}]])");
  EXPECT_EQ(code(v.at(0)), -32600);
}

TEST_F(DispatcherTest, MethodsAreListed) {
  const auto names = d_.methods();
  EXPECT_EQ(names.front(), "count");
  EXPECT_EQ(names.size(), 7u);
}

}  // namespace
}  // namespace bgo::daemon
