// SPDX-License-Identifier: MIT
// Supervisor::list(ListQuery): pages by name, project filter, and /proc reads only where asked.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/unit/daemon/supervisor_fixture.hpp"

namespace bgo::daemon {
namespace {

std::vector<std::string> names(const ListPage& page) {
  std::vector<std::string> out;
  for (const auto& s : page.rows) out.push_back(s.record->name);
  return out;
}

class SupervisorListTest : public SupervisorTest {
 protected:
  void SetUp() override {
    for (const char* name : {"c", "a", "e", "b", "d"}) start_plain(name);
    processes.usage_reads = 0;
  }
};

TEST_F(SupervisorListTest, WithoutAQueryEveryRowHasItsUsage) {
  const ListPage page = sup.list(ListQuery{});
  EXPECT_EQ(names(page), (Lines{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(page.total, 5u);
  EXPECT_FALSE(page.next.has_value());
  EXPECT_EQ(processes.usage_reads, 5);
}

TEST_F(SupervisorListTest, PagesWalkEveryNameOnceAndReadOnlyTheirRows) {
  ListQuery q;
  q.limit = 2;
  Lines seen;
  for (int pages = 1;; ++pages) {
    const ListPage page = sup.list(q);
    EXPECT_EQ(page.total, 5u);
    for (auto& n : names(page)) seen.push_back(n);
    EXPECT_EQ(processes.usage_reads, static_cast<int>(seen.size()));
    if (!page.next) {
      EXPECT_EQ(pages, 3);
      break;
    }
    EXPECT_EQ(*page.next, seen.back());
    q.after = page.next;
  }
  EXPECT_EQ(seen, (Lines{"a", "b", "c", "d", "e"}));
}

TEST_F(SupervisorListTest, TheCursorNeedNotBeAName) {
  ListQuery q;
  q.after = "bb";  // between b and c
  q.limit = 10;
  EXPECT_EQ(names(sup.list(q)), (Lines{"c", "d", "e"}));
  q.after = "z";
  const ListPage last = sup.list(q);
  EXPECT_TRUE(last.rows.empty());
  EXPECT_FALSE(last.next.has_value());
  EXPECT_EQ(last.total, 5u);
}

// A page that ends exactly on the last name says so (no empty page after it).
TEST_F(SupervisorListTest, AFullLastPageHasNoNext) {
  ListQuery q;
  q.after = "c";
  q.limit = 2;
  const ListPage page = sup.list(q);
  EXPECT_EQ(names(page), (Lines{"d", "e"}));
  EXPECT_FALSE(page.next.has_value());
}

TEST_F(SupervisorListTest, WithoutUsageNothingIsRead) {
  ListQuery q;
  q.usage = false;
  EXPECT_EQ(sup.list(q).rows.size(), 5u);
  EXPECT_EQ(processes.usage_reads, 0);
}

TEST_F(SupervisorListTest, AProjectIsCountedAndPagedApart) {
  StartParams p = params("b2");
  p.project = "shop";
  start(p);
  p = params("d2");
  p.project = "shop";
  start(p);
  ListQuery q;
  q.project = "shop";
  q.limit = 1;
  ListPage page = sup.list(q);
  EXPECT_EQ(names(page), (Lines{"b2"}));
  EXPECT_EQ(page.total, 2u);
  ASSERT_TRUE(page.next.has_value());
  q.after = page.next;
  page = sup.list(q);
  EXPECT_EQ(names(page), (Lines{"d2"}));
  EXPECT_FALSE(page.next.has_value());
}

}  // namespace
}  // namespace bgo::daemon
