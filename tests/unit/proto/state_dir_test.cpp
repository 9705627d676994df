// SPDX-License-Identifier: MIT
// Tests for the procs/ loader: what it loads and what it skips, and why.
#include "proto/state_dir.hpp"

#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/home_dir.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::proto {
namespace {

namespace fs = std::filesystem;

class StateDirTest : public ::testing::Test {
 protected:
  test::TempDir tmp_{"bgo_state_dir"};
  fs::path dir_ = tmp_.path();
  void write(const std::string& file, const std::string& name) {
    std::ofstream(dir_ / file) << R"({"name": ")" << name << R"(", "command": ["true"]})";
    ::chmod((dir_ / file).c_str(), 0600);
  }
  LoadedStates load() {
    auto fd = open_trusted_dir(dir_);
    EXPECT_TRUE(fd);
    return load_state_dir(fd->get(), dir_);
  }
  static bool skipped(const LoadedStates& l, const std::string& file, const std::string& why) {
    for (const auto& s : l.skipped) {
      if (s.file == file && s.error.find(why) != std::string::npos) return true;
    }
    return false;
  }
};

TEST_F(StateDirTest, LoadsOwnFilesInNameOrder) {
  write("b.json", "b");
  write("a.json", "a");
  write("notes.txt", "x");
  const LoadedStates l = load();
  ASSERT_EQ(l.records.size(), 2u);
  EXPECT_EQ(l.records[0].name, "a");
  EXPECT_EQ(l.records[1].name, "b");
  EXPECT_TRUE(l.skipped.empty());
}

TEST_F(StateDirTest, SkipsUntrustedAndBrokenFiles) {
  write("good.json", "good");
  write("open.json", "open");
  ::chmod((dir_ / "open.json").c_str(), 0666);
  write("target", "link");
  fs::create_symlink(dir_ / "target", dir_ / "link.json");
  write("wrong.json", "other");
  std::ofstream(dir_ / "bad.json") << "{";
  if (::geteuid() == 0) {
    write("theirs.json", "theirs");
    ASSERT_EQ(::chown((dir_ / "theirs.json").c_str(), 65534, 65534), 0);
  }
  const LoadedStates l = load();
  ASSERT_EQ(l.records.size(), 1u);
  EXPECT_EQ(l.records[0].name, "good");
  EXPECT_TRUE(skipped(l, "open.json", "writable by group or others"));
  EXPECT_TRUE(skipped(l, "link.json", "symbolic link"));
  EXPECT_TRUE(skipped(l, "wrong.json", "does not match"));
  EXPECT_TRUE(skipped(l, "bad.json", ""));
  if (::geteuid() == 0) {
    EXPECT_TRUE(skipped(l, "theirs.json", "owned by uid 65534"));
  }
}

TEST_F(StateDirTest, LoadsOneFile) {
  write("web.json", "web");
  auto fd = open_trusted_dir(dir_);
  ASSERT_TRUE(fd);
  auto r = load_state_file(fd->get(), "web.json", dir_);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->name, "web");
  auto missing = load_state_file(fd->get(), "nope.json", dir_);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(is_missing(missing.error()));
}

}  // namespace
}  // namespace bgo::proto
