// SPDX-License-Identifier: MIT
// Tests for the trust rules: open_home(), open_trusted_dir(), open_under(), open_home_file().
#include "common/home_dir.hpp"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "common/atomic_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo {
namespace {

namespace fs = std::filesystem;

class HomeDirTest : public ::testing::Test {
 protected:
  test::TempDir tmp_{"bgo_home_dir"};
  void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }
  static std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  fs::path root_ = tmp_.path();
};

TEST_F(HomeDirTest, CreatesAndAcceptsAPrivateHome) {
  const Paths paths(root_ / "home");
  auto dirs = open_home(paths, CreateDirs::yes);
  ASSERT_TRUE(dirs) << dirs.error().message;
  struct stat st {};
  ASSERT_EQ(::stat(paths.procs_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_TRUE(open_home(paths, CreateDirs::no));
}

TEST_F(HomeDirTest, MissingHomeIsAbsentNotUntrusted) {
  auto dirs = open_home(Paths(root_ / "nope"), CreateDirs::no);
  ASSERT_FALSE(dirs);
  EXPECT_TRUE(is_missing(dirs.error()));
}

TEST_F(HomeDirTest, RefusesAWritableFolderNamingPathAndMode) {
  const Paths paths(root_ / "home");
  ASSERT_TRUE(open_home(paths, CreateDirs::yes));
  ::chmod(paths.logs_dir().c_str(), 0777);
  auto dirs = open_home(paths, CreateDirs::yes);
  ASSERT_FALSE(dirs);
  EXPECT_EQ(dirs.error().cause, std::errc::operation_not_permitted);
  EXPECT_NE(dirs.error().message.find(paths.logs_dir().string()), std::string::npos);
  EXPECT_NE(dirs.error().message.find("0777"), std::string::npos) << dirs.error().message;
  ::chmod(paths.logs_dir().c_str(), 0750);  // group may read: fine
  EXPECT_TRUE(open_home(paths, CreateDirs::no));
  ::chmod(paths.home().c_str(), 0770);
  EXPECT_FALSE(open_home(paths, CreateDirs::no));
}

TEST_F(HomeDirTest, RefusesAFolderOfAnotherUserOrASymlink) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  const Paths paths(root_ / "home");
  ASSERT_TRUE(open_home(paths, CreateDirs::yes));
  ASSERT_EQ(::chown(paths.procs_dir().c_str(), 65534, 65534), 0);
  auto dirs = open_home(paths, CreateDirs::no);
  ASSERT_FALSE(dirs);
  EXPECT_NE(dirs.error().message.find("owned by uid 65534"), std::string::npos);

  fs::create_directory(root_ / "elsewhere");
  const Paths linked(root_ / "link");
  fs::create_directory_symlink(root_ / "elsewhere", linked.home());
  dirs = open_home(linked, CreateDirs::yes);
  ASSERT_FALSE(dirs);
  EXPECT_NE(dirs.error().message.find("symbolic link"), std::string::npos);
}

TEST_F(HomeDirTest, OpenUnderNeverFollowsASymlink) {
  write(root_ / "victim", "precious");
  fs::create_symlink(root_ / "victim", root_ / "a.log");
  auto fd = open_home_file(root_ / "a.log", O_WRONLY | O_CREAT | O_TRUNC);
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().cause, std::errc::operation_not_permitted);
  EXPECT_NE(fd.error().message.find("a.log"), std::string::npos);
  EXPECT_NE(fd.error().message.find("symbolic link"), std::string::npos);
  EXPECT_EQ(slurp(root_ / "victim"), "precious");
}

TEST_F(HomeDirTest, OpenUnderRefusesAFifoWithoutBlocking) {
  ASSERT_EQ(::mkfifo((root_ / "f.log").c_str(), 0600), 0);
  auto fd = open_home_file(root_ / "f.log", O_RDWR);
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("not a regular file"), std::string::npos);
  fd = open_home_file(root_ / "f.log", O_RDONLY);  // would block without O_NONBLOCK
  ASSERT_FALSE(fd);
}

TEST_F(HomeDirTest, OpenUnderChecksOwnerAndWriteBitsBeforeTruncating) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  write(root_ / "theirs.json", "{}");
  ASSERT_EQ(::chown((root_ / "theirs.json").c_str(), 65534, 65534), 0);
  auto fd = open_home_file(root_ / "theirs.json", O_WRONLY | O_TRUNC);
  ASSERT_FALSE(fd);
  EXPECT_NE(fd.error().message.find("owned by uid 65534"), std::string::npos);
  EXPECT_EQ(slurp(root_ / "theirs.json"), "{}");  // not truncated

  write(root_ / "open.json", "{}");
  ::chmod((root_ / "open.json").c_str(), 0666);
  EXPECT_FALSE(open_home_file(root_ / "open.json", O_RDONLY, 0, OtherWrite::refuse));
  EXPECT_TRUE(open_home_file(root_ / "open.json", O_RDONLY, 0, OtherWrite::allow));
}

TEST_F(HomeDirTest, OpenUnderCreatesTruncatesAndIsBlocking) {
  write(root_ / "a.log", "old");
  auto fd = open_home_file(root_ / "a.log", O_WRONLY | O_TRUNC);
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_EQ(::fcntl(fd->get(), F_GETFL) & O_NONBLOCK, 0);
  EXPECT_NE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC, 0);
  EXPECT_EQ(slurp(root_ / "a.log"), "");
  EXPECT_TRUE(open_home_file(root_ / "new.log", O_WRONLY | O_CREAT, 0600));
  auto missing = open_home_file(root_ / "missing.log", O_RDONLY);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(is_missing(missing.error()));
}

TEST_F(HomeDirTest, AtomicWriteAtReplacesASymlinkInsteadOfFollowingIt) {
  write(root_ / "victim", "precious");
  fs::create_symlink(root_ / "victim", root_ / "web.json");
  auto dir = open_trusted_dir(root_);
  ASSERT_TRUE(dir);
  ASSERT_TRUE(write_file_atomically_at(dir->get(), "web.json", "{\"a\":1}"));
  EXPECT_FALSE(fs::is_symlink(root_ / "web.json"));
  EXPECT_EQ(slurp(root_ / "web.json"), "{\"a\":1}");
  EXPECT_EQ(slurp(root_ / "victim"), "precious");
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root_)) ++files;
  EXPECT_EQ(files, 2);  // no temp file left behind
}

TEST_F(HomeDirTest, AStagedFileReplacesItsTargetOnlyWhenInstalled) {
  write(root_ / "a.json", "old");
  auto dir = open_trusted_dir(root_);
  ASSERT_TRUE(dir);
  auto a = stage_file_at(dir->get(), "a.json", "new", SyncFile::no);
  auto b = stage_file_at(dir->get(), "b.json", "bee", SyncFile::yes);
  ASSERT_TRUE(a);
  ASSERT_TRUE(b);
  EXPECT_EQ(a->target, "a.json");
  EXPECT_TRUE(a->temp.starts_with(".a.json.") && a->temp.ends_with(".tmp")) << a->temp;
  // Staged: the targets are untouched, the temp files hold the new bytes.
  EXPECT_EQ(slurp(root_ / "a.json"), "old");
  EXPECT_FALSE(fs::exists(root_ / "b.json"));
  EXPECT_EQ(slurp(root_ / a->temp), "new");
  ASSERT_TRUE(install_staged_at(dir->get(), *a));
  discard_staged_at(dir->get(), *b);
  EXPECT_EQ(slurp(root_ / "a.json"), "new");
  EXPECT_FALSE(fs::exists(root_ / "b.json"));
  int files = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(root_)) ++files;
  EXPECT_EQ(files, 1);  // both temp files gone: one renamed, one discarded
  // A temp file that is gone by the time of the rename fails cleanly.
  auto c = stage_file_at(dir->get(), "c.json", "sea", SyncFile::no);
  ASSERT_TRUE(c);
  discard_staged_at(dir->get(), *c);
  EXPECT_FALSE(install_staged_at(dir->get(), *c));
  EXPECT_FALSE(fs::exists(root_ / "c.json"));
}

TEST_F(HomeDirTest, OneSyncfsStandsForEveryFsyncOnlyOnALocalFileSystem) {
  auto proc = open_fd("/proc", O_RDONLY | O_DIRECTORY);
  ASSERT_TRUE(proc);
  EXPECT_FALSE(syncfs_covers_every_file(proc->get()));  // procfs: not one of them
  EXPECT_FALSE(syncfs_covers_every_file(-1));
  // The tests' temporary folder, when it is on ext4 or tmpfs (on this machine, ext4).
  auto dir = open_trusted_dir(root_);
  ASSERT_TRUE(dir);
  struct statfs fs {};
  ASSERT_EQ(::fstatfs(dir->get(), &fs), 0);
  if (fs.f_type == EXT4_SUPER_MAGIC || fs.f_type == TMPFS_MAGIC) {
    EXPECT_TRUE(syncfs_covers_every_file(dir->get()));
  }
}

}  // namespace
}  // namespace bgo
