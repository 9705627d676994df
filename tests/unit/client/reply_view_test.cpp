// SPDX-License-Identifier: MIT
// ReplyView: malformed replies from bgod become a ProtocolError naming the method and key.
#include "client/reply_view.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/command.hpp"

namespace bgo::client {
namespace {

namespace json = boost::json;

// The message of the ProtocolError that `fn` throws, or "" when it throws none.
template <class Fn>
std::string protocol_error(Fn fn) {
  try {
    fn();
  } catch (const ProtocolError& e) {
    return e.what();
  }
  return "";
}

TEST(ReplyView, ReadsWellFormedReplies) {
  const json::value v =
      json::parse(R"({"name":"web","pid":12,"ok":true,"items":[{"name":"a"}],"flushed":["a","b"],)"
                  R"("watch":{"on_fast_crash":"stop"},"stopped_at":null})");
  const ReplyView r("start", v);
  EXPECT_EQ(r.str("name"), "web");
  EXPECT_EQ(r.int64("pid"), 12);
  EXPECT_TRUE(r.boolean("ok"));
  EXPECT_EQ(r.objects("items").at(0).str("name"), "a");
  EXPECT_EQ(r.strings("flushed"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.child("watch").str("on_fast_crash"), "stop");
  EXPECT_FALSE(r.opt_str("stopped_at").has_value());
  EXPECT_FALSE(r.opt_str("absent").has_value());
  EXPECT_EQ(r.find("absent"), nullptr);
}

TEST(ReplyView, NamesMethodAndKeyOfWhatIsMissingOrMistyped) {
  const json::value v =
      json::parse(R"({"pid":"12","items":[{"name":3}],"tails":[1],"flushed":[null],"watch":[]})");
  const ReplyView r("stop", v);
  EXPECT_EQ(protocol_error([&] { (void)r.boolean("was_running"); }),
            "unexpected reply from bgod to 'stop': 'was_running' is missing");
  EXPECT_EQ(protocol_error([&] { (void)r.int64("pid"); }),
            "unexpected reply from bgod to 'stop': 'pid' is not an integer");
  EXPECT_EQ(protocol_error([&] { (void)r.objects("items").at(0).str("name"); }),
            "unexpected reply from bgod to 'stop': 'items[].name' is not a string");
  EXPECT_EQ(protocol_error([&] { (void)r.objects("tails"); }),
            "unexpected reply from bgod to 'stop': 'tails[]' is not an object");
  EXPECT_EQ(protocol_error([&] { (void)r.strings("flushed"); }),
            "unexpected reply from bgod to 'stop': 'flushed[]' is not a string");
  EXPECT_EQ(protocol_error([&] { (void)r.child("watch"); }),
            "unexpected reply from bgod to 'stop': 'watch' is not an object");
  EXPECT_EQ(protocol_error([&] { (void)r.array("pid"); }),
            "unexpected reply from bgod to 'stop': 'pid' is not an array");
  EXPECT_EQ(protocol_error([&] { (void)r.opt_str("pid"); }).empty(), true);  // a string: fine
}

TEST(ReplyView, RefusesAReplyThatIsNotAnObject) {
  for (const char* text : {"null", "[]", "3", "\"ok\"", "true"}) {
    const json::value v = json::parse(text);
    EXPECT_EQ(protocol_error([&] { ReplyView("list", v); }),
              "unexpected reply from bgod to 'list': the reply is not an object")
        << text;
  }
}

TEST(ReplyView, IntegersOutOfRangeAreMistyped) {
  const json::value v = json::parse(R"({"big":18446744073709551615,"float":1.5})");
  const ReplyView r("hello", v);
  EXPECT_FALSE(protocol_error([&] { (void)r.int64("big"); }).empty());
  EXPECT_FALSE(protocol_error([&] { (void)r.int64("float"); }).empty());
}

TEST(ReplyView, PrintStartedThrowsOnAMalformedStartReply) {
  Context ctx(Paths("/nonexistent"), false);
  for (const char* text : {R"({})", R"({"name":"a"})", R"({"name":"a","pid":"x"})",
                           R"({"name":"a","pid":1,"watch":{"interval":3}})", "[]"}) {
    const json::value v = json::parse(text);
    EXPECT_NE(protocol_error([&] { print_started(ctx, v, "restart"); }).find("to 'restart'"),
              std::string::npos)
        << text;
  }
}

}  // namespace
}  // namespace bgo::client
