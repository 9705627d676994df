// SPDX-License-Identifier: MIT
// open_trusted_dir(), open_under(), open_home(): the one place that decides what bgo trusts.
#include "common/home_dir.hpp"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bgo {

namespace {

std::string octal_mode(mode_t mode) {
  char buf[16];
  (void)std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

Error untrusted(const std::filesystem::path& shown, const std::string& why) {
  // EPERM: what refuses it is bgo's own rule, not the file system.
  return errno_error(Errc::io_error, "refusing " + shown.string() + ": " + why, EPERM);
}

Error open_failure(const std::filesystem::path& shown, int err, const char* kind) {
  if (err == ELOOP) {
    return untrusted(shown, std::string("it is a symbolic link (bgo never follows symbolic links "
                                        "in its home; remove it)"));
  }
  if (err == ENOTDIR) return untrusted(shown, std::string("it is not a ") + kind);
  return errno_error(Errc::io_error, errno_message(shown.string(), err), err);
}

// Owner and write bits, common to folders and files.
Result<void> check_owner_and_mode(const struct stat& st, OtherWrite other,
                                  const std::filesystem::path& shown) {
  const uid_t me = ::geteuid();
  if (st.st_uid != me) {
    return untrusted(shown, "it is owned by uid " + std::to_string(st.st_uid) + ", not by uid " +
                                std::to_string(me) + " (the user bgo runs as)");
  }
  if (other == OtherWrite::refuse && (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return untrusted(shown, "it is writable by group or others (mode " + octal_mode(st.st_mode) +
                                "); fix it with: chmod go-w " + shown.string());
  }
  return {};
}

Result<UniqueFd> checked_dir(int fd, const std::filesystem::path& shown) {
  if (fd < 0) return open_failure(shown, errno, "directory");
  UniqueFd owner(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return make_error(Errc::io_error, errno_message(shown.string(), errno));
  if (!S_ISDIR(st.st_mode)) return untrusted(shown, "it is not a directory");
  if (auto r = check_owner_and_mode(st, OtherWrite::refuse, shown); !r) return r.error();
  return owner;
}

constexpr int k_dir_flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

// openat() of a folder without following a symlink. With O_DIRECTORY, Linux reports a symlink
// as ENOTDIR; it is told apart here so that the message says what is wrong.
int open_dir_nofollow(int dirfd, const char* name) {
  const int fd = ::openat(dirfd, name, k_dir_flags);
  if (fd < 0 && errno == ENOTDIR) {
    struct stat st {};
    if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
      errno = ELOOP;
    } else {
      errno = ENOTDIR;
    }
  }
  return fd;
}

Result<UniqueFd> open_dir_at(int dirfd, const char* name, const std::filesystem::path& shown,
                             CreateDirs create) {
  if (create == CreateDirs::yes && ::mkdirat(dirfd, name, 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::io_error, errno_message("cannot create " + shown.string(), errno));
  }
  return checked_dir(open_dir_nofollow(dirfd, name), shown);
}

}  // namespace

Result<UniqueFd> open_trusted_dir(const std::filesystem::path& path) {
  return checked_dir(open_dir_nofollow(AT_FDCWD, path.c_str()), path);
}

Result<UniqueFd> open_under(int dirfd, std::string_view name, int flags, mode_t mode,
                            OtherWrite other, const std::filesystem::path& shown) {
  BGO_ASSERT(
      !name.empty() && name.find('/') == std::string_view::npos && name != "." && name != "..",
      "open_under takes one path component");
  const std::string file(name);
  // O_NONBLOCK: opening a FIFO for writing (or reading) would otherwise wait for a peer.
  // O_TRUNC waits until we know what we opened.
  const int open_flags = (flags & ~O_TRUNC) | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK;
  const int fd = ::openat(dirfd, file.c_str(), open_flags, mode);
  if (fd < 0) return open_failure(shown, errno, "regular file");
  UniqueFd owner(fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0)
    return make_error(Errc::io_error, errno_message(shown.string(), errno));
  if (!S_ISREG(st.st_mode)) return untrusted(shown, "it is not a regular file");
  if (auto r = check_owner_and_mode(st, other, shown); !r) return r.error();
  if ((flags & O_NONBLOCK) == 0) (void)::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  if ((flags & O_TRUNC) != 0 && ::ftruncate(fd, 0) != 0) {
    return errno_error(Errc::io_error, errno_message("truncate " + shown.string(), errno), errno);
  }
  return owner;
}

Result<UniqueFd> open_home_file(const std::filesystem::path& path, int flags, mode_t mode,
                                OtherWrite other) {
  auto dir = open_trusted_dir(path.parent_path());
  if (!dir) return dir.error();
  return open_under(dir->get(), path.filename().string(), flags, mode, other, path);
}

Result<std::string> read_all(int fd, std::size_t cap, const std::filesystem::path& shown) {
  std::string out;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(Errc::io_error, errno_message(shown.string(), errno), errno);
    }
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > cap) {
      return make_error(Errc::io_error,
                        shown.string() + ": larger than " + std::to_string(cap) + " bytes");
    }
    out.append(buf, static_cast<std::size_t>(n));
  }
}

Result<HomeDirs> open_home(const Paths& paths, CreateDirs create) {
  const std::filesystem::path& home = paths.home();
  if (create == CreateDirs::yes) {
    std::error_code ec;
    std::filesystem::create_directories(home.parent_path(), ec);  // parents keep the umask
    if (::mkdir(home.c_str(), 0700) != 0 && errno != EEXIST) {
      return make_error(Errc::io_error, errno_message("cannot create " + home.string(), errno));
    }
  }
  HomeDirs dirs;
  auto h = open_trusted_dir(home);
  if (!h) return h.error();
  dirs.home = std::move(*h);
  auto procs = open_dir_at(dirs.home.get(), "procs", paths.procs_dir(), create);
  if (!procs) return procs.error();
  dirs.procs = std::move(*procs);
  auto logs = open_dir_at(dirs.home.get(), "logs", paths.logs_dir(), create);
  if (!logs) return logs.error();
  dirs.logs = std::move(*logs);
  return dirs;
}

}  // namespace bgo
