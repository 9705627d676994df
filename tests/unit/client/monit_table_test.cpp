// SPDX-License-Identifier: MIT
// Tests for `bgo monit`'s process list: rows from `list` and events, the order between them,
// sorting, the filter and the selection.
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/monit/process_table.hpp"

namespace bgo::client::monit {
namespace {

const Clock::time_point k_t0{std::chrono::seconds(1000)};

Row row(std::string name, std::string status = "online", std::optional<double> cpu = 1.0,
        int64_t pid = 100) {
  Row r;
  r.name = std::move(name);
  r.status = std::move(status);
  r.pid = pid;
  if (r.online()) {
    r.cpu = cpu;
    r.memory = 1 << 20;
    r.uptime = 10;
  }
  return r;
}

Event event(std::string kind, std::string name, std::optional<int64_t> pid = std::nullopt) {
  Event e;
  e.kind = std::move(kind);
  e.name = std::move(name);
  e.pid = pid;
  return e;
}

std::vector<std::string> names(const ProcessTable& table) {
  std::vector<std::string> out;
  for (const Entry* e : table.view()) out.push_back(e->row.name);
  return out;
}

TEST(MonitTable, ListRowsReplaceAndRemove) {
  ProcessTable table;
  table.apply_list({row("b"), row("a")}, table.event_seq());
  EXPECT_EQ(names(table), (std::vector<std::string>{"a", "b"}));
  table.apply_list({row("b")}, table.event_seq());
  EXPECT_EQ(names(table), (std::vector<std::string>{"b"}));
  EXPECT_EQ(table.find("b")->cpu.size(), 2U);  // a sample per list
}

TEST(MonitTable, AStartEventShowsTheProcessAtOnce) {
  ProcessTable table;
  table.apply_list({row("a")}, table.event_seq());
  table.apply_event(event("spawned", "new", 4242), k_t0);
  const Entry* e = table.find("new");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->state(), RowState::online);
  EXPECT_EQ(e->row.pid, 4242);
}

TEST(MonitTable, AnEventNewerThanTheListWins) {
  ProcessTable table;
  table.apply_list({row("web", "online", 1.0, 100)}, table.event_seq());
  const std::uint64_t sent = table.event_seq();  // a list goes out...
  table.apply_event(event("stopped", "web", 100), k_t0);
  table.apply_event(event("spawned", "new", 7), k_t0);
  // ...and its answer, made before those events, arrives after them.
  table.apply_list({row("web", "online", 1.0, 100), row("gone")}, sent);
  EXPECT_EQ(table.find("web")->row.status, "stopped");
  EXPECT_FALSE(table.find("web")->row.cpu);
  ASSERT_NE(table.find("new"), nullptr);
  EXPECT_NE(table.find("gone"), nullptr);
  // The next list, sent after the events, is the truth.
  table.apply_list({row("web", "online", 2.0, 300)}, table.event_seq());
  EXPECT_EQ(table.find("web")->row.pid, 300);
  EXPECT_EQ(table.find("new"), nullptr);
}

TEST(MonitTable, ADeletedProcessDoesNotComeBackFromAnOlderList) {
  ProcessTable table;
  table.apply_list({row("web")}, table.event_seq());
  const std::uint64_t sent = table.event_seq();
  table.apply_event(event("deleted", "web"), k_t0);
  table.apply_list({row("web")}, sent);
  EXPECT_EQ(table.find("web"), nullptr);
  table.apply_list({row("web")}, table.event_seq());  // registered again since
  EXPECT_NE(table.find("web"), nullptr);
}

TEST(MonitTable, BackoffCountsDownUntilTheSpawn) {
  ProcessTable table;
  table.apply_list({row("w")}, table.event_seq());
  Event exited = event("exited", "w", 100);
  exited.exit_code = 1;
  table.apply_event(exited, k_t0);
  EXPECT_EQ(table.find("w")->state(), RowState::crashed);
  Event scheduled = event("restart_scheduled", "w", 100);
  scheduled.delay_ms = 4000;
  table.apply_event(scheduled, k_t0);
  EXPECT_EQ(table.find("w")->state(), RowState::backoff);
  EXPECT_EQ(table.find("w")->backoff_until, k_t0 + std::chrono::seconds(4));
  // A list in between (the process is stopped there) keeps the countdown.
  Row stopped = row("w", "stopped");
  stopped.stop_reason = "crashed";
  table.apply_list({stopped}, table.event_seq());
  EXPECT_EQ(table.find("w")->state(), RowState::backoff);
  table.apply_event(event("spawned", "w", 101), k_t0);
  EXPECT_EQ(table.find("w")->state(), RowState::online);
}

TEST(MonitTable, HealthAndWaitingEvents) {
  ProcessTable table;
  Row r = row("api");
  r.ready = true;
  r.health = "ready";
  table.apply_list({r}, table.event_seq());
  table.apply_event(event("spawned", "api", 5), k_t0);
  EXPECT_EQ(table.find("api")->state(), RowState::not_ready);
  table.apply_event(event("ready", "api"), k_t0);
  EXPECT_EQ(table.find("api")->state(), RowState::online);
  table.apply_event(event("unhealthy", "api"), k_t0);
  EXPECT_EQ(table.find("api")->state(), RowState::unhealthy);
  Event waiting = event("waiting", "worker");
  waiting.reason = "db (ready), cache (started)";
  table.apply_event(waiting, k_t0);
  EXPECT_EQ(table.find("worker")->state(), RowState::waiting);
  EXPECT_EQ(table.find("worker")->row.waiting_for,
            (std::vector<std::string>{"db (ready)", "cache (started)"}));
  table.apply_event(event("errored", "worker"), k_t0);
  EXPECT_EQ(table.find("worker")->state(), RowState::errored);
}

TEST(MonitTable, SortsByAnyColumnEitherWay) {
  ProcessTable table;
  table.apply_list({row("a", "online", 5.0), row("b", "online", 50.0), row("c", "stopped")},
                   table.event_seq());
  table.sort_by(Column::cpu);  // numbers: largest first
  EXPECT_EQ(names(table), (std::vector<std::string>{"b", "a", "c"}));
  table.sort_by(Column::cpu);
  EXPECT_EQ(names(table), (std::vector<std::string>{"c", "a", "b"}));
  table.sort_by(Column::name);
  EXPECT_EQ(names(table), (std::vector<std::string>{"a", "b", "c"}));
  table.sort_by(Column::name);
  EXPECT_EQ(names(table), (std::vector<std::string>{"c", "b", "a"}));
  table.sort_by(Column::state);  // most urgent first: stopped after online
  EXPECT_EQ(names(table), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(MonitTable, FilterMatchesNameOrProjectIgnoringCase) {
  ProcessTable table;
  Row api = row("api");
  api.project = "Shop";
  table.apply_list({api, row("web"), row("worker")}, table.event_seq());
  table.set_filter("W");
  EXPECT_EQ(names(table), (std::vector<std::string>{"web", "worker"}));
  table.set_filter("shop");
  EXPECT_EQ(names(table), (std::vector<std::string>{"api"}));
  EXPECT_TRUE(table.has_projects());
}

TEST(MonitTable, SelectionFollowsItsProcessAndFallsToItsPlace) {
  ProcessTable table;
  table.apply_list({row("a", "online", 1.0), row("b", "online", 2.0), row("c", "online", 3.0)},
                   table.event_seq());
  table.move_selection(1);
  EXPECT_EQ(table.selected()->row.name, "b");
  table.sort_by(Column::cpu);  // c, b, a: still b
  EXPECT_EQ(table.selected()->row.name, "b");
  EXPECT_EQ(table.selected_index(), 1U);
  table.apply_event(event("deleted", "b"), k_t0);
  EXPECT_EQ(table.selected()->row.name, "a");  // now at index 1
  table.move_selection(-5);
  EXPECT_EQ(table.selected()->row.name, "c");
  table.select_last();
  EXPECT_EQ(table.selected()->row.name, "a");
  table.set_filter("zzz");
  EXPECT_EQ(table.selected(), nullptr);
}

TEST(MonitTable, ParsesEvents) {
  const auto e = parse_event(boost::json::parse(
                                 R"j({"kind":"exited","name":"web","pid":4,"exit_code":null,
                                      "exit_signal":9,"reason":"signal 9 (Killed)"})j")
                                 .as_object());
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, "exited");
  EXPECT_EQ(e->exit_signal, 9);
  EXPECT_FALSE(e->exit_code);
  EXPECT_FALSE(parse_event(boost::json::object{{"kind", "x"}}));
}

}  // namespace
}  // namespace bgo::client::monit
