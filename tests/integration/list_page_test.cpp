// SPDX-License-Identifier: MIT
// `list` with fields and pages (issue #18) on the socket, `bgo status --json --fields`, and
// the status table and `status -w` cut to a terminal's height (through a pty).
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/integration/pty_session.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class ListPageTest : public PtyTest {
 protected:
  // Starts `n` test children named p00, p01, ... in one `bgo start --from -`.
  std::vector<std::string> start_many(int n, const std::string& prefix = "p") {
    std::string lines;
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
      const std::string name = prefix + (i < 10 ? "0" : "") + std::to_string(i);
      names.push_back(name);
      lines += name + " -- " + bin("bgo_test_child") + "\n";
    }
    const RunResult r = bgo_within(120s, {"start", "--from", "-"}, {}, lines);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    return names;
  }

  std::filesystem::path sock() const { return home_ / "bgo.sock"; }

  static std::vector<std::string> names_of(const json::value& result) {
    std::vector<std::string> out;
    for (const auto& row : result.at("processes").as_array()) {
      out.emplace_back(row.at("name").as_string());
    }
    return out;
  }

  static std::vector<std::string> keys_of(const json::object& row) {
    std::vector<std::string> out;
    for (const auto& kv : row) out.emplace_back(kv.key());
    return out;
  }
};

TEST_F(ListPageTest, PagesWalkEveryNameOnceInOrder) {
  std::vector<std::string> all = start_many(23);
  RawClient c(sock());
  ASSERT_TRUE(c.ok());
  std::vector<std::string> seen;
  json::object params{{"limit", 5}};
  int pages = 0;
  for (;;) {
    const json::value v = c.call("list", params);
    ASSERT_TRUE(v.as_object().contains("result")) << json::serialize(v);
    const json::value& result = v.at("result");
    ++pages;
    EXPECT_EQ(result.at("total"), 23);
    const auto names = names_of(result);
    EXPECT_LE(names.size(), 5u);
    seen.insert(seen.end(), names.begin(), names.end());
    if (result.at("next").is_null()) break;
    EXPECT_EQ(result.at("next"), json::value(names.back()));
    params["after"] = result.at("next");
    ASSERT_LT(pages, 10);
  }
  EXPECT_EQ(pages, 5);
  EXPECT_EQ(seen, all);
  // A cursor that is no name, and one past the end.
  json::value v = c.call("list", {{"after", "p10x"}, {"limit", 2}});
  EXPECT_EQ(names_of(v.at("result")), (std::vector<std::string>{"p11", "p12"}));
  v = c.call("list", {{"after", "q"}});
  EXPECT_TRUE(v.at("result").at("processes").as_array().empty());
  EXPECT_TRUE(v.at("result").at("next").is_null());
  // Without params: every row, and no paging keys (the answer of before).
  v = c.call("list");
  EXPECT_EQ(names_of(v.at("result")), all);
  EXPECT_FALSE(v.at("result").as_object().contains("total"));
  EXPECT_FALSE(v.at("result").as_object().contains("next"));
}

// Names come and go between pages: every name that exists throughout the walk is listed once,
// the names stay in order, a removed name not yet reached is not listed, and a name added
// after the cursor is.
TEST_F(ListPageTest, AWalkStaysInOrderWhileNamesComeAndGo) {
  start_many(12);
  RawClient c(sock());
  json::value v = c.call("list", {{"limit", 4}});
  std::vector<std::string> seen = names_of(v.at("result"));
  ASSERT_EQ(seen.back(), "p03");
  // Behind the cursor: p01 goes, p005 comes; ahead: p07 goes, p075 comes.
  for (const char* gone : {"p01", "p07"}) {
    const RunResult r = bgo({"delete", "-y", gone});
    ASSERT_EQ(r.code, 0) << r.err;
  }
  start_many(1, "p005x");
  start_many(1, "p075x");
  json::value next = v.at("result").at("next");
  while (!next.is_null()) {
    v = c.call("list", {{"limit", 4}, {"after", next}});
    const auto names = names_of(v.at("result"));
    seen.insert(seen.end(), names.begin(), names.end());
    next = v.at("result").at("next");
  }
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
  const std::vector<std::string> expected = {"p00", "p01",     "p02", "p03", "p04", "p05",
                                             "p06", "p075x00", "p08", "p09", "p10", "p11"};
  EXPECT_EQ(seen, expected);
  EXPECT_EQ(v.at("result").at("total"), 12);  // 12 - 2 + 2
}

TEST_F(ListPageTest, FieldsGiveExactlyTheKeysAsked) {
  start_many(3);
  RawClient c(sock());
  json::value v = c.call("list", {{"fields", {"uptime_seconds", "status", "pid"}}});
  const json::array& rows = v.at("result").at("processes").as_array();
  ASSERT_EQ(rows.size(), 3u);
  const json::value full = c.call("list").at("result").at("processes");
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const json::object& row = rows[i].as_object();
    // In the row's order, whatever the order asked, and the values of the full row.
    EXPECT_EQ(keys_of(row), (std::vector<std::string>{"name", "pid", "status", "uptime_seconds"}));
    EXPECT_EQ(row.at("pid"), full.at(i).at("pid"));
    EXPECT_EQ(row.at("status"), "online");
    EXPECT_TRUE(row.at("uptime_seconds").is_int64());
  }
  v = c.call("list", {{"fields", json::array{}}, {"limit", 1}});
  EXPECT_EQ(keys_of(v.at("result").at("processes").at(0).as_object()),
            (std::vector<std::string>{"name"}));
  EXPECT_EQ(v.at("result").at("next"), "p00");
  // A key only a project's rows have stays absent in the others.
  v = c.call("list", {{"fields", {"project"}}});
  EXPECT_EQ(keys_of(v.at("result").at("processes").at(0).as_object()),
            (std::vector<std::string>{"name"}));
}

TEST_F(ListPageTest, BadParamsAreRefusedNamingTheParam) {
  start_many(1);
  RawClient c(sock());
  const std::vector<std::pair<json::object, std::string>> bad = {
      {{{"fields", {"name", "rss"}}}, "fields"},
      {{{"fields", "name"}}, "fields"},
      {{{"fields", {1}}}, "fields"},
      {{{"limit", 0}}, "limit"},
      {{{"limit", -3}}, "limit"},
      {{{"limit", 1.5}}, "limit"},
      {{{"limit", "5"}}, "limit"},
      {{{"after", 5}}, "after"},
      {{{"project", true}}, "project"}};
  for (const auto& [params, param] : bad) {
    const json::value v = c.call("list", params);
    ASSERT_TRUE(v.as_object().contains("error")) << json::serialize(params);
    EXPECT_EQ(v.at("error").at("code"), -32602) << json::serialize(params);
    EXPECT_EQ(v.at("error").at("data").at("param"), json::value(param)) << json::serialize(params);
  }
  const json::value v = c.call("list", {{"fields", {"rss"}}});
  EXPECT_TRUE(contains(std::string(v.at("error").at("message").as_string()),
                       "unknown field 'rss' in 'fields' (choose from name, pid,"));
  // The connection still answers.
  EXPECT_EQ(names_of(c.call("list").at("result")), (std::vector<std::string>{"p00"}));
}

TEST_F(ListPageTest, StatusJsonFieldsAndItsUsageErrors) {
  start_many(2);
  RunResult r = bgo({"status", "--json", "--fields", "status, memory_bytes"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json::value rows = json::parse(r.out);
  ASSERT_EQ(rows.as_array().size(), 2u);
  for (const auto& row : rows.as_array()) {
    EXPECT_EQ(keys_of(row.as_object()),
              (std::vector<std::string>{"name", "status", "memory_bytes"}));
  }
  r = bgo({"status", "p01", "--json", "--fields", "pid"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(keys_of(json::parse(r.out).as_object()), (std::vector<std::string>{"name", "pid"}));
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"status", "--json", "--fields", "rss"},
        std::vector<std::string>{"status", "--json", "--fields", "name,,pid"},
        std::vector<std::string>{"status", "--fields", "pid"},
        std::vector<std::string>{"status", "-o", "name", "--fields", "pid"}}) {
    r = bgo(args);
    EXPECT_EQ(r.code, 2) << args.back();
    EXPECT_TRUE(contains(r.err, "argument --fields: ")) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
  EXPECT_TRUE(contains(bgo({"status", "--json", "--fields", "rss"}).err, "unknown field 'rss'"));
  // -o asks for its fields only, and prints as before.
  r = bgo({"status", "-o", "name,status"});
  EXPECT_EQ(r.out, "p00\tonline\np01\tonline\n");
  // Without a terminal nothing is cut, whatever LINES says.
  r = bgo({"status"}, {{"LINES", "3"}});
  EXPECT_TRUE(contains(r.out, "p01")) << r.out;
  EXPECT_FALSE(contains(r.out, "not shown")) << r.out;
}

// On a terminal of 15 rows the table keeps its header, footer and a last line for the rows
// it leaves out; --all lists them all; status -w asks for the rows it shows.
TEST_F(ListPageTest, OnATerminalTheTableIsCutToTheScreen) {
  const std::vector<std::string> all = start_many(20);
  RunResult r = pty({"status", "--plain"}, {}, {}, 100, 15);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 20 | ON: 20 | OFF: 0")) << r.out;
  // 15 lines: header, rule, 9 rows, rule, Total, the "not shown" line, the prompt.
  EXPECT_TRUE(contains(r.out, "p08 ")) << r.out;
  EXPECT_FALSE(contains(r.out, "p09 ")) << r.out;
  EXPECT_TRUE(contains(r.out, "... 11 more not shown: add --all to list every row")) << r.out;
  r = pty({"status", "--plain", "--all"}, {}, {}, 100, 15);
  EXPECT_TRUE(contains(r.out, "p19 ")) << r.out;
  EXPECT_FALSE(contains(r.out, "not shown")) << r.out;
  // Fits: nothing said.
  r = pty({"status", "--plain"}, {}, {}, 100, 40);
  EXPECT_TRUE(contains(r.out, "p19 ")) << r.out;
  EXPECT_FALSE(contains(r.out, "not shown")) << r.out;
  // status -w: the first frame (8 rows above the footers, a blank line and "Refreshing"),
  // then Ctrl-C.
  r = pty({"status", "-w", "--plain"}, {{"Refreshing every", "\x03"}}, {}, 100, 15);
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 20 | ON: 20 | OFF: 0")) << r.out;
  EXPECT_TRUE(contains(r.out, "p07 ")) << r.out;
  EXPECT_FALSE(contains(r.out, "p08 ")) << r.out;
  EXPECT_TRUE(contains(r.out, "... 12 more not shown")) << r.out;
}

}  // namespace
}  // namespace bgo::test
