// SPDX-License-Identifier: MIT
// write_file_atomically().
#include "common/atomic_file.hpp"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <linux/magic.h>
#include <string>
#include <sys/vfs.h>
#include <unistd.h>

#include "common/unique_fd.hpp"

namespace bgo {

namespace {

Result<void> write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    const ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io_error, errno_message("write", errno));
    }
    content.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

}  // namespace

Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view content,
                                   SyncDir sync_dir) {
  const std::filesystem::path dir = target.parent_path();
  std::string tmp = (dir / (target.stem().string() + ".XXXXXX")).string();
  const int raw = ::mkostemp(tmp.data(), O_CLOEXEC);
  if (raw < 0) return make_error(Errc::io_error, errno_message("cannot create " + tmp, errno));
  UniqueFd fd(raw);
  // mkostemp cannot take a suffix portably; rename the temp to end in .tmp so that a crash
  // leaves nothing that matches *.json or the random prefix of another save.
  const std::string tmp_final = tmp + ".tmp";
  if (::rename(tmp.c_str(), tmp_final.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return make_error(Errc::io_error, errno_message("rename " + tmp, err));
  }
  auto fail = [&](const std::string& what, int err) -> Result<void> {
    ::unlink(tmp_final.c_str());
    return make_error(Errc::io_error, errno_message(what, err));
  };
  if (auto r = write_all(fd.get(), content); !r) {
    ::unlink(tmp_final.c_str());
    return r;
  }
  if (::fsync(fd.get()) != 0) return fail("fsync " + tmp_final, errno);
  fd.reset();
  if (::rename(tmp_final.c_str(), target.c_str()) != 0) {
    return fail("rename to " + target.string(), errno);
  }
  if (sync_dir == SyncDir::yes) {
    // The rename is durable only once the folder entry is on disk.
    if (auto dfd = open_fd(dir, O_RDONLY | O_DIRECTORY)) ::fsync(dfd->get());
  }
  return {};
}

Result<StagedFile> stage_file_at(int dirfd, std::string_view name, std::string_view content,
                                 SyncFile sync_file) {
  BGO_ASSERT(!name.empty() && name.find('/') == std::string_view::npos, "one path component");
  static std::atomic<unsigned> counter{0};
  StagedFile staged{{}, std::string(name)};
  UniqueFd fd;
  // Unpredictable enough and unique within this process; O_EXCL settles any collision.
  for (int attempt = 0; attempt < 100 && !fd; ++attempt) {
    char suffix[64];
    (void)std::snprintf(suffix, sizeof suffix, ".%d.%llx.%u.tmp", static_cast<int>(::getpid()),
                        static_cast<unsigned long long>(
                            std::chrono::steady_clock::now().time_since_epoch().count()),
                        counter.fetch_add(1));
    staged.temp = "." + staged.target + suffix;
    const int raw = ::openat(dirfd, staged.temp.c_str(),
                             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
    if (raw >= 0) {
      fd.reset(raw);
    } else if (errno != EEXIST) {
      return make_error(Errc::io_error, errno_message("cannot create " + staged.temp, errno));
    }
  }
  if (!fd) return make_error(Errc::io_error, "cannot create a temp file for " + staged.target);
  if (auto r = write_all(fd.get(), content); !r) {
    discard_staged_at(dirfd, staged);
    return r.error();
  }
  if (sync_file == SyncFile::yes && ::fsync(fd.get()) != 0) {
    const int err = errno;
    discard_staged_at(dirfd, staged);
    return make_error(Errc::io_error, errno_message("fsync " + staged.temp, err));
  }
  return staged;
}

Result<void> install_staged_at(int dirfd, const StagedFile& staged) {
  if (::renameat(dirfd, staged.temp.c_str(), dirfd, staged.target.c_str()) != 0) {
    const int err = errno;
    discard_staged_at(dirfd, staged);
    return make_error(Errc::io_error, errno_message("rename to " + staged.target, err));
  }
  return {};
}

void discard_staged_at(int dirfd, const StagedFile& staged) {
  (void)::unlinkat(dirfd, staged.temp.c_str(), 0);
}

bool syncfs_covers_every_file(int fd) {
  struct statfs fs {};
  if (::fstatfs(fd, &fs) != 0) return false;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case EXT4_SUPER_MAGIC:  // ext2 and ext3 too: the same number
    case XFS_SUPER_MAGIC:
    case BTRFS_SUPER_MAGIC:
    case F2FS_SUPER_MAGIC:
    case TMPFS_MAGIC:
    case OVERLAYFS_SUPER_MAGIC:  // a container's: its syncfs syncs the upper file system
      return true;
    default:
      return false;
  }
}

Result<void> write_file_atomically_at(int dirfd, std::string_view name, std::string_view content,
                                      SyncDir sync_dir, SyncFile sync_file) {
  auto staged = stage_file_at(dirfd, name, content, sync_file);
  if (!staged) return staged.error();
  if (auto r = install_staged_at(dirfd, *staged); !r) return r;
  if (sync_dir == SyncDir::yes) ::fsync(dirfd);  // the rename is durable once the entry is
  return {};
}

}  // namespace bgo
