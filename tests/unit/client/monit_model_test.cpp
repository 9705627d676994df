// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s model: keys to requests (with confirmations), the follow of the
// selection, log notifications, replies in the status line, losing and finding bgod.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/monit/model.hpp"

namespace bgo::client::monit {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;

const Clock::time_point k_t0{std::chrono::seconds(1000)};
const std::chrono::system_clock::time_point k_wall{std::chrono::seconds(1'700'000'000)};

Result<json::value> ok(std::string_view text) { return {json::parse(text)}; }
Result<json::value> failed(Errc code, std::string message) {
  return {boost::system::in_place_error, make_error(code, std::move(message))};
}

json::value list_of(std::initializer_list<std::string_view> rows) {
  std::string text = R"({"processes":[)";
  bool first = true;
  for (auto r : rows) {
    text += (first ? "" : ",") + std::string(r);
    first = false;
  }
  return json::parse(text + R"(],"broken":[]})");
}

constexpr std::string_view k_web =
    R"({"name":"web","pid":10,"status":"online","running_pid":10,"cpu_percent":1.5,
        "memory_bytes":2097152,"uptime_seconds":5,"restarts":0,"watch":null,
        "command":["/usr/bin/web"]})";
constexpr std::string_view k_job =
    R"({"name":"job","pid":11,"status":"stopped","stop_reason":"user","restarts":0,
        "watch":{"enabled":true,"errored":false},"command":["/usr/bin/job"]})";

// A model connected to bgod 0.5.0 that has seen one list of web and job, sorted by name.
struct Fixture {
  Model model;
  Clock::time_point now = k_t0;

  Fixture() : model(Model::Options{{}, 50, {"PATH=/bin"}, false, milliseconds(60)}) {
    model.on_connected("0.5.0");
    model.on_reply(model.list_request(), list_of({k_web, k_job}), now);
  }
  std::vector<Request> requests() { return model.take_requests(now); }
  // The requests once the selection has held still long enough to be followed.
  std::vector<Request> settled() {
    now += milliseconds(100);
    return requests();
  }
  void key(Key k) { model.on_key(k, now); }
  void log(std::string name, std::string stream, std::string data) {
    model.on_notification("log", json::object{{"name", name}, {"stream", stream}, {"data", data}},
                          now, k_wall);
  }
};

std::vector<std::string> methods(const std::vector<Request>& requests) {
  std::vector<std::string> out;
  out.reserve(requests.size());
  for (const auto& r : requests) out.push_back(r.method);
  return out;
}

TEST(MonitModel, FollowsTheSelectionWithItsTail) {
  Fixture f;
  const auto first = f.requests();  // nothing followed yet: at once
  ASSERT_EQ(methods(first), std::vector<std::string>{"follow"});
  EXPECT_EQ(first[0].name, "job");
  EXPECT_EQ(first[0].params.at("lines"), 50);
  EXPECT_EQ(first[0].params.at("streams"), (json::array{"stdout", "stderr"}));
  f.model.on_reply(first[0], ok(R"({"following":"job","tails":[
                           {"stream":"stdout","exists":true,"text":"old 1\nold 2\n","truncated":true},
                           {"stream":"stderr","exists":false}]})"),
                   f.now);
  EXPECT_TRUE(f.model.following_live());
  f.log("job", "stdout", "new\n");
  f.log("web", "stdout", "not followed\n");
  f.log("job", "watcher", "not shown\n");
  ASSERT_EQ(f.model.log().size(), 3U);
  EXPECT_EQ(f.model.log()[2].text, "new");

  // Moving on: nothing until the selection holds still, then unfollow + follow.
  f.key(k_key_down);
  EXPECT_TRUE(f.requests().empty());
  EXPECT_EQ(f.model.wake_at(), f.now + milliseconds(60));
  const auto next = f.settled();
  EXPECT_EQ(methods(next), (std::vector<std::string>{"unfollow", "follow"}));
  EXPECT_EQ(next[1].name, "web");
  EXPECT_EQ(f.model.log().size(), 0U);
  // The old tail, if it still comes, is not shown; notifications wait for the new one.
  f.model.on_reply(first[0], ok(R"({"tails":[{"stream":"stdout","text":"stale\n"}]})"), f.now);
  f.log("web", "stdout", "before the tail\n");
  EXPECT_EQ(f.model.log().size(), 0U);
}

TEST(MonitModel, WatcherLogAndTimestampsToggle) {
  Fixture f;
  (void)f.requests();
  f.key('w');
  const auto again = f.requests();
  ASSERT_EQ(methods(again), std::vector<std::string>{"follow"});
  EXPECT_EQ(again[0].params.at("streams"), json::array{"watcher"});
  EXPECT_EQ(f.model.source(), LogSource::watcher);
  f.key('t');
  EXPECT_TRUE(f.model.timestamps());
}

TEST(MonitModel, RestartStopAndStart) {
  Fixture f;
  (void)f.requests();
  f.key('r');  // job is selected (sorted by name)
  auto sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"restart"});
  EXPECT_EQ(sent[0].params.at("name"), "job");
  EXPECT_EQ(sent[0].params.at("env"), json::array{"PATH=/bin"});
  EXPECT_EQ(f.model.status().text, "Restarting 'job'...");
  f.model.on_reply(sent[0], ok(R"({"name":"job","pid":99,"watch":null,"was_running":false})"),
                   f.now);
  EXPECT_EQ(f.model.status().text, "Restarted 'job' (PID 99)");
  EXPECT_EQ(f.model.status().tone, Tone::ok);

  f.key('s');  // job is stopped: start it (bgod's restart of the record)
  sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"restart"});
  EXPECT_EQ(sent[0].doing, "start");
  f.model.on_reply(sent[0], failed(Errc::spawn_failed, "Command not found: /usr/bin/job"), f.now);
  EXPECT_EQ(f.model.status().text, "Command not found: /usr/bin/job");
  EXPECT_EQ(f.model.status().tone, Tone::error);

  f.key(k_key_down);  // web runs: stop it
  f.key('s');
  sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"stop"});
  EXPECT_EQ(sent[0].params.at("name"), "web");
  f.model.on_reply(sent[0], ok(R"({"was_running":true,"pid":10,"forced":false})"), f.now);
  EXPECT_EQ(f.model.status().text, "Stopped 'web'");
}

TEST(MonitModel, DeleteAndFlushAskFirst) {
  Fixture f;
  (void)f.requests();
  f.key(k_key_down);
  f.key('d');
  EXPECT_EQ(f.model.mode(), Mode::confirm);
  EXPECT_EQ(f.model.confirmation()->question,
            "Delete 'web' (it runs: it is stopped first) and its logs? [y/N]");
  EXPECT_TRUE(methods(f.requests()) != std::vector<std::string>{"delete"});
  f.key('n');
  EXPECT_EQ(f.model.mode(), Mode::list);
  EXPECT_EQ(f.model.status().text, "Cancelled: nothing was changed");

  f.key('d');
  f.key('y');
  auto sent = f.settled();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].method, "delete");
  EXPECT_EQ(sent[0].params.at("name"), "web");
  f.model.on_reply(sent[0], ok(R"({"was_running":true,"keep_logs":false})"), f.now);
  EXPECT_EQ(f.model.status().text, "Deleted 'web'");

  f.key('f');
  EXPECT_EQ(f.model.confirmation()->question, "Empty the logs of 'web'? [y/N]");
  f.key('y');
  sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"flush"});
}

TEST(MonitModel, WatchToggles) {
  Fixture f;
  (void)f.requests();
  f.key('W');  // job has an enabled watch block
  EXPECT_EQ(methods(f.requests()), std::vector<std::string>{"unwatch"});
  f.key(k_key_down);
  f.key('W');
  auto sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"watch"});
  f.model.on_reply(
      sent[0], failed(Errc::invalid_state, "Process 'web' is not running. Start it first."), f.now);
  EXPECT_EQ(f.model.status().text, "Process 'web' is not running. Start it first.");
}

TEST(MonitModel, EnterShowsTheDetailAndEventsRefreshIt) {
  Fixture f;
  (void)f.requests();
  f.key(k_key_enter);
  auto sent = f.requests();
  ASSERT_EQ(methods(sent), std::vector<std::string>{"get"});
  ASSERT_TRUE(f.model.detail());
  f.model.on_reply(sent[0], ok(std::string(k_job)), f.now);
  ASSERT_FALSE(f.model.detail()->lines.empty());
  EXPECT_NE(f.model.detail()->lines[0].find("job"), std::string::npos);
  f.model.on_notification("event", json::object{{"kind", "spawned"}, {"name", "job"}, {"pid", 5}},
                          f.now, k_wall);
  EXPECT_EQ(methods(f.requests()), std::vector<std::string>{"get"});
  f.key(k_key_escape);
  EXPECT_FALSE(f.model.detail());
}

TEST(MonitModel, FilterTypingEditingAndClearing) {
  Fixture f;
  (void)f.requests();
  f.key('/');
  EXPECT_EQ(f.model.mode(), Mode::filter);
  for (const Key k : {Key{'w'}, Key{'e'}, Key{'x'}}) f.key(k);
  EXPECT_EQ(f.model.table().filter(), "wex");
  f.key(k_key_backspace);
  EXPECT_EQ(f.model.table().filter(), "we");
  EXPECT_EQ(f.model.table().view().size(), 1U);
  f.key(k_key_enter);
  EXPECT_EQ(f.model.mode(), Mode::list);
  EXPECT_EQ(f.model.table().selected()->row.name, "web");
  f.key(k_key_escape);  // in the list: clears the filter
  EXPECT_EQ(f.model.table().filter(), "");
}

TEST(MonitModel, SortKeysAndArrows) {
  Fixture f;
  f.key('C');
  EXPECT_EQ(f.model.table().sort_column(), Column::cpu);
  f.key('<');
  EXPECT_EQ(f.model.table().sort_column(), Column::uptime);
  f.key('>');
  f.key('>');
  EXPECT_EQ(f.model.table().sort_column(), Column::memory);
  f.key('>');  // the last column stays
  EXPECT_EQ(f.model.table().sort_column(), Column::memory);
}

TEST(MonitModel, PagingBackReadsALongerTailAtTheTop) {
  Fixture f;
  const auto first = f.requests();
  f.model.set_pane_heights(2, 5);
  f.model.on_reply(first[0], ok(R"({"tails":[{"stream":"stdout","text":"1\n2\n3\n4\n5\n6\n7\n",
                                    "truncated":true}]})"),
                   f.now);
  f.model.end_frame();
  f.key(k_key_page_up);  // four lines back: at the top of what is held
  EXPECT_EQ(f.model.log_scroll(), 2U);
  const auto more = f.requests();
  ASSERT_EQ(methods(more), std::vector<std::string>{"follow"});
  EXPECT_EQ(more[0].params.at("lines"), 200);
  // New lines while scrolled back keep the view where it is.
  f.log("job", "stdout", "8\n");  // dropped: the longer tail is on its way
  f.model.on_reply(more[0], ok(R"({"tails":[{"stream":"stdout","text":"0\n1\n2\n3\n4\n5\n6\n7\n8\n",
                                    "truncated":false}]})"),
                   f.now);
  f.model.end_frame();
  f.log("job", "stdout", "9\n");
  f.model.end_frame();
  EXPECT_EQ(f.model.log_scroll(), 3U);
  f.key(k_key_page_down);
  f.key(k_key_page_down);
  EXPECT_EQ(f.model.log_scroll(), 0U);
}

TEST(MonitModel, LosingBgodAndReconnecting) {
  Fixture f;
  (void)f.requests();
  f.key('r');
  f.model.on_disconnected();
  EXPECT_EQ(f.model.mode(), Mode::disconnected);
  EXPECT_TRUE(f.requests().empty());  // nothing is sent to nobody
  f.key('s');
  EXPECT_FALSE(f.model.take_reconnect());
  f.key('r');
  EXPECT_TRUE(f.model.take_reconnect());
  f.model.on_connected("0.5.1");
  EXPECT_EQ(f.model.mode(), Mode::list);
  EXPECT_EQ(f.model.status().text, "Connected to bgod 0.5.1");
  EXPECT_EQ(methods(f.requests()), std::vector<std::string>{"follow"});  // followed again
  f.key('q');
  EXPECT_TRUE(f.model.quit());
}

TEST(MonitModel, CutOffForAFloodPausesTheFollowThenFollowsAgain) {
  Fixture f;
  const auto first = f.requests();
  f.model.on_reply(first[0], ok(R"({"tails":[{"stream":"stdout","text":"a\n"}]})"), f.now);
  f.key('r');  // its answer is lost with the connection
  f.model.on_cut_off("0.5.0", f.now);
  EXPECT_TRUE(f.model.connected());
  EXPECT_EQ(f.model.mode(), Mode::list);
  EXPECT_TRUE(f.model.status().text.starts_with("The output came faster than this screen"));
  EXPECT_TRUE(f.requests().empty());
  EXPECT_EQ(f.model.wake_at(), f.now + Model::k_flood_pause);
  f.now += Model::k_flood_pause;
  const auto again = f.requests();
  ASSERT_EQ(methods(again), std::vector<std::string>{"follow"});
  EXPECT_EQ(again[0].name, "job");
}

TEST(MonitModel, ListRequestCarriesTheEventCount) {
  Fixture f;
  f.model.on_notification("event", json::object{{"kind", "spawned"}, {"name", "new"}, {"pid", 3}},
                          f.now, k_wall);
  const Request list = f.model.list_request();
  EXPECT_EQ(list.tag, f.model.table().event_seq());
  EXPECT_NE(f.model.table().find("new"), nullptr);
}

}  // namespace
}  // namespace bgo::client::monit
