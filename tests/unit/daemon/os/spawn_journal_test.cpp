// SPDX-License-Identifier: MIT
// The spawn journal: what is appended reads back in order; torn, hostile and foreign lines are
// skipped; it starts afresh, and stays bounded by rotation behind the durability barrier.
#include "daemon/os/spawn_journal.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "daemon/os/invocation.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::daemon {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

class SpawnJournalTest : public ::testing::Test {
 protected:
  SpawnJournalTest() { fs::permissions(dir_.path(), fs::perms::owner_all); }
  std::string marker(const std::string& name) { return invocations_.next(name).text(); }
  const std::string& home_id() const { return invocations_.home_id(); }
  fs::path file() const { return dir_.path() / "spawns.journal"; }
  fs::path old_file() const { return dir_.path() / "spawns.journal.old"; }

  test::TempDir dir_;
  Invocations invocations_{"/home/u/.bgo"};
};

TEST_F(SpawnJournalTest, AppendsReadBackInOrderAfterTheHeader) {
  SpawnJournal journal(dir_.path());
  journal.reset();
  const std::string a = marker("web");
  const std::string b = marker("web-api-2");
  journal.append(11, 12, a);
  journal.append(21, 0, b);
  EXPECT_EQ(slurp(file()), "bgo-spawns 1\nspawn 11 12 " + a + "\nspawn 21 0 " + b + "\n");
  const auto entries = journal.read(home_id());
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].name, "web");
  EXPECT_EQ(entries[0].out_pipe, 11U);
  EXPECT_EQ(entries[0].err_pipe, 12U);
  EXPECT_EQ(entries[0].invocation, a);
  EXPECT_EQ(entries[1].name, "web-api-2");
  EXPECT_EQ(entries[1].err_pipe, 0U);
  struct stat st {};
  ASSERT_EQ(::stat(file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600U);

  journal.reset();  // a new bgod, once its recovery read the journal
  EXPECT_EQ(slurp(file()), "bgo-spawns 1\n");
  EXPECT_TRUE(journal.read(home_id()).empty());
}

TEST_F(SpawnJournalTest, TornForeignAndHostileLinesAreSkipped) {
  const std::string good = marker("ok");
  const std::string text =
      "bgo-spawns 1\n"
      "spawn 1 2 " +
      good +
      "\n"
      "garbage\n"
      "spawn x 2 " +
      marker("a") +
      "\n"
      "spawn 1 2 0123456789abcdef-0123456789abcdef-1-foreign\n"  // another home
      "spawn 1 2 " +
      home_id() +
      "-0123456789abcdef-1-../evil\n"  // not a valid name
      "spawn 1 2 " +
      home_id() +
      "-0123456789abcdef-1-bad\xff\n"  // not UTF-8
      "spawn 99999999999999999999999 2 " +
      marker("big") +
      "\n"
      "spawn 1 2 " +
      marker(std::string(300, 'x')) +
      "\n"  // too long
      "\n"
      "spawn 3 4 " +
      marker("torn");  // no newline: a write cut short
  const JournalContent c = parse_spawn_journal(text, home_id());
  ASSERT_EQ(c.entries.size(), 1U);
  EXPECT_EQ(c.entries[0].invocation, good);
  EXPECT_EQ(c.bad_lines, 8U);
  EXPECT_TRUE(c.torn);
  EXPECT_FALSE(c.wrong_header);

  EXPECT_TRUE(
      parse_spawn_journal("bgo-spawns 2\nspawn 1 2 " + good + "\n", home_id()).wrong_header);
  EXPECT_TRUE(parse_spawn_journal(std::string("\0\0\0", 3), home_id()).wrong_header);
  const JournalContent empty = parse_spawn_journal("", home_id());
  EXPECT_TRUE(empty.entries.empty());
  EXPECT_FALSE(empty.wrong_header);
}

TEST_F(SpawnJournalTest, SymlinksAndOtherFilesAreNeverFollowedAndAreReplaced) {
  test::TempDir outside;
  const fs::path target = outside.path() / "target";
  const std::string planted = "bgo-spawns 1\nspawn 1 2 " + marker("outside") + "\n";
  spit(target, planted);
  fs::create_symlink(target, file());
  ASSERT_EQ(::mkfifo(old_file().c_str(), 0600), 0);
  SpawnJournal journal(dir_.path());
  EXPECT_TRUE(journal.read(home_id()).empty());  // neither is read (and the FIFO never hangs)
  journal.reset();
  journal.append(5, 6, marker("x"));
  EXPECT_FALSE(fs::is_symlink(file()));
  EXPECT_FALSE(fs::exists(old_file()));
  EXPECT_EQ(journal.read(home_id()).size(), 1U);
  EXPECT_EQ(slurp(target), planted);  // never written through the link
}

TEST_F(SpawnJournalTest, StaysBoundedRotatingBehindTheBarrier) {
  constexpr std::size_t k_bound = 1000;
  SpawnJournal journal(dir_.path(), k_bound);
  std::vector<std::function<void()>> waiting;
  journal.set_barrier([&](std::function<void()> done) { waiting.push_back(std::move(done)); });
  journal.reset();
  std::vector<std::string> all;
  for (int i = 0; i < 40; ++i) {
    all.push_back(marker("p" + std::to_string(i)));
    journal.append(static_cast<uint64_t>(i) + 1, 0, all.back());
  }
  // Rotated once; the old generation stays until the saves before the rotation are durable,
  // and meanwhile the current one grows on: nothing is lost, both are read, old first.
  ASSERT_EQ(waiting.size(), 1U);
  EXPECT_TRUE(fs::exists(old_file()));
  auto entries = journal.read(home_id());
  ASSERT_EQ(entries.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(entries[i].invocation, all[i]);
  EXPECT_GT(fs::file_size(file()), k_bound);

  waiting.front()();  // durable: the old generation goes
  EXPECT_FALSE(fs::exists(old_file()));
  const std::string next = marker("next");
  journal.append(100, 0, next);  // past the bound: rotates again
  ASSERT_EQ(waiting.size(), 2U);
  entries = journal.read(home_id());
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries.back().invocation, next);
  EXPECT_LT(fs::file_size(file()), k_bound);
  journal.reset();  // a barrier that comes after a fresh start removes nothing of it
  journal.append(200, 0, marker("after"));
  waiting.back()();
  EXPECT_EQ(journal.read(home_id()).size(), 1U);
}

}  // namespace
}  // namespace bgo::daemon
