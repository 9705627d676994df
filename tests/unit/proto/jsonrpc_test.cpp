// SPDX-License-Identifier: MIT
// Envelopes, ids, the error table and its data.
#include "proto/jsonrpc.hpp"

#include <set>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "proto/error_codes.hpp"

namespace bgo::proto {
namespace {

namespace json = boost::json;

TEST(JsonRpc, ErrorTableIsABijection) {
  const Errc all[] = {Errc::internal,        Errc::invalid_params, Errc::no_such_process,
                      Errc::already_running, Errc::invalid_state,  Errc::spawn_failed,
                      Errc::invalid_name,    Errc::exited_at_once, Errc::stop_failed,
                      Errc::io_error};
  std::set<int> codes;
  for (Errc e : all) {
    const int code = rpc_code(e);
    EXPECT_TRUE(codes.insert(code).second) << code;
    EXPECT_EQ(errc_from_rpc_code(code), e);
    EXPECT_EQ(rpc_kind(code), to_string(e));
  }
  EXPECT_EQ(rpc_code(Errc::no_such_process), -32001);
  EXPECT_EQ(rpc_kind(k_parse_error), "parse_error");
  EXPECT_EQ(rpc_kind(k_invalid_request), "invalid_request");
  EXPECT_EQ(rpc_kind(k_method_not_found), "method_not_found");
  EXPECT_EQ(rpc_kind(-31999), "internal");
  EXPECT_FALSE(errc_from_rpc_code(k_method_not_found));
}

TEST(JsonRpc, ValidIds) {
  EXPECT_TRUE(is_valid_id(json::value(nullptr)));
  EXPECT_TRUE(is_valid_id(json::value("x")));
  EXPECT_TRUE(is_valid_id(json::value(-5)));
  EXPECT_TRUE(is_valid_id(json::value(18446744073709551615ull)));
  EXPECT_TRUE(is_valid_id(json::value(1.5)));
  EXPECT_FALSE(is_valid_id(json::parse("1e400")));  // infinity has no JSON spelling
  EXPECT_FALSE(is_valid_id(json::value(true)));
  EXPECT_FALSE(is_valid_id(json::parse("[1]")));
  EXPECT_FALSE(is_valid_id(json::parse("{}")));
}

TEST(JsonRpc, ProtocolErrorsCarryKindAndExtras) {
  const RpcError e =
      protocol_error(k_invalid_params, "invalid params: 'x'", json::object{{"param", "x"}});
  const std::string line = error_line(7, e);
  EXPECT_EQ(line,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32602,\"message\":\"invalid "
            "params: 'x'\",\"data\":{\"kind\":\"invalid_params\",\"param\":\"x\"}}}\n");
  const Reply r = parse_reply(line);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.code, k_invalid_params);
  EXPECT_EQ(from_rpc_error(r.error).code, Errc::invalid_params);
}

TEST(JsonRpc, DaemonLinesAreValidUtf8ButRequestsAreNotRewritten) {
  const std::string bad = "a\xFF";
  const std::string note = notification_line("log", json::object{{"data", bad}});
  EXPECT_NE(note.find("a\xEF\xBF\xBD"), std::string::npos) << note;
  json::error_code ec;
  (void)json::parse(note, ec);
  EXPECT_FALSE(ec);
  EXPECT_NE(response_line(1, json::value(bad)).find("\xEF\xBF\xBD"), std::string::npos);
  EXPECT_NE(request_line(1, "start", json::object{{"x", bad}}).find("a\xFF"), std::string::npos);
}

TEST(JsonRpc, DomainErrorsRoundTrip) {
  Error e = make_error(Errc::spawn_failed, "Command not found: x");
  e.spawn = SpawnFailure::not_found;
  const RpcError rpc = to_rpc_error(e);
  EXPECT_EQ(rpc.code, -32004);
  EXPECT_EQ(json::serialize(rpc.data), R"({"kind":"spawn_failed","detail":"not_found"})");
  const Error back = from_rpc_error(parse_reply(error_line("a", rpc)).error);
  EXPECT_EQ(back.code, Errc::spawn_failed);
  EXPECT_EQ(back.message, e.message);
  EXPECT_EQ(back.spawn, SpawnFailure::not_found);
}

TEST(JsonRpc, TypedErrorMembersTravelAsData) {
  Error e = param_error("command", "No command specified");
  EXPECT_EQ(json::serialize(to_rpc_error(e).data),
            R"({"kind":"invalid_params","param":"command"})");
  Error running = make_error(Errc::already_running, "Process 'w' is already running (PID: 42)");
  running.pid = 42;
  const Error back = from_rpc_error(parse_reply(error_line(1, to_rpc_error(running))).error);
  EXPECT_EQ(back.pid, 42);
  Error restart = make_error(Errc::exited_at_once, "failed");
  restart.exit = ExitStatus::exited(3);
  restart.was_running = true;
  EXPECT_EQ(json::serialize(to_rpc_error(restart).data),
            R"({"kind":"exited_at_once","detail":"was_running","was_running":true})");
  EXPECT_EQ(from_rpc_error(to_rpc_error(restart)).was_running, true);
  Error quick = make_error(Errc::exited_at_once, "Process 'x' failed to start");
  quick.exit = ExitStatus::exited(3);
  EXPECT_EQ(from_rpc_error(to_rpc_error(quick)).exit->code, 3) << "the exit comes back";
  quick.exit = ExitStatus::signaled(9);
  EXPECT_EQ(from_rpc_error(to_rpc_error(quick)).exit->signal, 9);
}

}  // namespace
}  // namespace bgo::proto
