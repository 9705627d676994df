// SPDX-License-Identifier: MIT
// Checks shared by the metrics integration tests: a page read strictly, and its per-process
// figures compared with the rows of `bgo status --json`.
#pragma once

#include <cmath>
#include <set>
#include <string>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "common/time_format.hpp"
#include "tests/support/openmetrics_parser.hpp"

namespace bgo::test {

// `text` read by the strict reader; a test failure (and an empty page) when it is not valid.
inline OmExposition parsed_metrics(const std::string& text) {
  auto parsed = parse_openmetrics(text);
  EXPECT_TRUE(parsed.exposition) << parsed.error << "\n" << text;
  return parsed.exposition.value_or(OmExposition{});
}

// The keys of status rows that stay put while nothing happens (not cpu, uptime, memory).
inline boost::json::array stable_fields(const boost::json::value& rows) {
  boost::json::array out;
  for (const auto& v : rows.as_array()) {
    const auto& r = v.as_object();
    boost::json::object o;
    for (const char* key : {"name", "status", "running_pid", "restarts", "exit_code", "exit_signal",
                            "started_at", "project"}) {
      if (const auto* x = r.if_contains(key)) o[key] = *x;
    }
    out.push_back(std::move(o));
  }
  return out;
}

// Every row has its process on the page, with the same up, pid, restarts, last exit, start
// time, and usage figures exactly when it runs; and the page has no process more.
inline void expect_same_figures(const OmExposition& page, const boost::json::array& rows) {
  std::set<std::string> on_page;
  for (const OmSample* s : page.find("bgo_process_up")) on_page.insert(*s->label("name"));
  std::set<std::string> listed;
  for (const auto& v : rows) {
    const auto& row = v.as_object();
    const std::string name(row.at("name").as_string());
    listed.insert(name);
    SCOPED_TRACE(name);
    const OmLabels me{{"name", name}};
    const bool online = row.at("status") == "online";
    const auto up = page.find("bgo_process_up", me);
    ASSERT_EQ(up.size(), 1U);
    EXPECT_EQ(up[0]->value, online ? 1.0 : 0.0);
    if (const auto* project = row.if_contains("project")) {
      EXPECT_EQ(up[0]->label("project"), std::string(project->as_string()));
    } else {
      EXPECT_FALSE(up[0]->label("project"));
    }
    EXPECT_EQ(page.value("bgo_process_restarts_total", me),
              static_cast<double>(row.at("restarts").as_int64()));
    const auto expect_optional = [&](const char* sample, const char* key) {
      const auto& value = row.at(key);
      if (value.is_null()) {
        EXPECT_TRUE(page.find(sample, me).empty()) << sample;
      } else {
        EXPECT_EQ(page.value(sample, me), static_cast<double>(value.as_int64())) << sample;
      }
    };
    expect_optional("bgo_process_pid", "running_pid");
    expect_optional("bgo_process_last_exit_code", "exit_code");
    expect_optional("bgo_process_last_exit_signal", "exit_signal");
    const auto* ready = row.if_contains("ready");
    EXPECT_EQ(page.find("bgo_process_ready", me).size(),
              ready != nullptr && !ready->is_null() ? 1U : 0U);
    // Usage changes from one reading to the next: only its presence is compared.
    EXPECT_EQ(page.find("bgo_process_cpu_seconds_total", me).size(), online ? 1U : 0U);
    EXPECT_EQ(page.find("bgo_process_resident_memory_bytes", me).size(),
              online && !row.at("memory_bytes").is_null() ? 1U : 0U);
    if (online) {
      const auto started = parse_iso(std::string(row.at("started_at").as_string()));
      ASSERT_TRUE(started);
      const double expected = std::chrono::duration<double>(started->time_since_epoch()).count();
      const auto shown = page.value("bgo_process_start_time_seconds", me);
      ASSERT_TRUE(shown);
      EXPECT_NEAR(*shown, expected, 1e-6);
      EXPECT_GT(page.value("bgo_process_resident_memory_bytes", me).value_or(0), 0.0);
    } else {
      EXPECT_TRUE(page.find("bgo_process_start_time_seconds", me).empty());
    }
  }
  EXPECT_EQ(on_page, listed);
}

}  // namespace bgo::test
