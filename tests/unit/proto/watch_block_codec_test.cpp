// SPDX-License-Identifier: MIT
// The `watch` block in a state file: the spec's key order whatever bgod keeps behind a
// pointer, nothing allocated for a healthy block, and clearing an error frees what it held.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "common/process_record.hpp"
#include "proto/state_codec.hpp"

namespace bgo::proto {
namespace {

constexpr std::string_view k_errored = R"({
  "name": "api", "pid": null, "pgid": null, "command": ["/bin/api"], "cwd": "/",
  "started_at": null, "status": "stopped", "pid_start": null,
  "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "stop",
            "watcher_pid": 41, "watcher_pgid": 41, "restarts": 4,
            "last_restart_at": "2025-03-01T10:15:42+00:00", "errored": true,
            "error_reason": "4 consecutive fast-crashes", "last_stderr_tail": "boom",
            "future_key": [1, 2]}})";

TEST(WatchBlockCodec, EveryKeyIsWrittenInTheSpecsOrder) {
  auto r = parse_state(k_errored, "api");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->watch);
  EXPECT_TRUE(r->watch->rare.allocated());
  EXPECT_EQ(r->watch->rare->error_reason, "4 consecutive fast-crashes");
  EXPECT_EQ(r->watch->rare->watcher_pid, 41);
  const std::string text = serialize_state(*r);
  const std::vector<std::string> keys = {
      "\"enabled\"",     "\"interval\"",     "\"min_uptime\"",       "\"on_fast_crash\"",
      "\"watcher_pid\"", "\"watcher_pgid\"", "\"restarts\"",         "\"last_restart_at\"",
      "\"errored\"",     "\"error_reason\"", "\"last_stderr_tail\"", "\"future_key\""};
  size_t at = text.find("\"watch\"");
  ASSERT_NE(at, std::string::npos);
  for (const auto& key : keys) {
    const size_t next = text.find(key, at);
    ASSERT_NE(next, std::string::npos) << key << " in " << text;
    EXPECT_GT(next, at) << key;
    at = next;
  }
  auto back = parse_state(text, "api");
  ASSERT_TRUE(back);
  EXPECT_EQ(serialize_state(*back), text);
}

TEST(WatchBlockCodec, AHealthyBlockHoldsNoRarePartAndWritesItsKeysAsNull) {
  auto r = parse_state(R"({"name": "w", "command": ["/bin/w"], "status": "running",
      "watch": {"enabled": true, "interval": 3, "min_uptime": 2, "on_fast_crash": "backoff",
                "watcher_pid": null, "watcher_pgid": null, "restarts": 0,
                "last_restart_at": null, "errored": false, "error_reason": null,
                "last_stderr_tail": null}})",
                       "w");
  ASSERT_TRUE(r);
  ASSERT_TRUE(r->watch);
  EXPECT_FALSE(r->watch->rare.allocated());
  const std::string text = serialize_state(*r);
  EXPECT_NE(text.find("\"watcher_pid\": null"), std::string::npos) << text;
  EXPECT_NE(text.find("\"error_reason\": null"), std::string::npos) << text;
  EXPECT_NE(text.find("\"last_stderr_tail\": null"), std::string::npos) << text;
}

TEST(WatchBlockCodec, ClearingTheErrorAndTheWatcherFreesTheRarePartUnlessAKeyIsLeft) {
  auto r = parse_state(k_errored, "api");
  ASSERT_TRUE(r);
  WatchBlock w = *r->watch;
  w.clear_error();
  w.clear_watcher();
  ASSERT_TRUE(w.rare.allocated()) << "the unknown key is still held";
  EXPECT_FALSE(w.rare->error_reason);
  EXPECT_FALSE(w.rare->watcher_pid);
  EXPECT_EQ(w.rare->extra.size(), 1U);

  WatchBlock plain;
  plain.rare.edit().error_reason = "x";
  plain.clear_error();
  EXPECT_FALSE(plain.rare.allocated());
  plain.clear_watcher();  // nothing held: nothing allocated
  EXPECT_FALSE(plain.rare.allocated());
}

}  // namespace
}  // namespace bgo::proto
