// SPDX-License-Identifier: MIT
// Trust on disk (ssh's StrictModes): the home and its folders opened as directory descriptors
// and checked, and every file under them opened without following symlinks and checked.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/errors.hpp"
#include "common/paths.hpp"
#include "common/unique_fd.hpp"

namespace bgo {

// Whether a file opened with open_under() may be writable by its group or by others. State
// files and bgod's own files must not be (bgo acts on what they say); logs may.
enum class OtherWrite { refuse, allow };

// Opens the directory `path` (O_DIRECTORY | O_NOFOLLOW) and checks that it is trusted: owned by
// geteuid() and not writable by group or others. Errors are Errc::io_error with a message that
// names the path and the offending mode or owner, and detail "absent" (ENOENT) or "untrusted".
Result<UniqueFd> open_trusted_dir(const std::filesystem::path& path);

// Opens `name` (one path component, no '/') inside the directory `dirfd` with O_NOFOLLOW,
// O_NOCTTY and O_CLOEXEC added and without blocking (a FIFO cannot hang bgod), then fstat()s
// what was opened: it must be a regular file owned by geteuid(), and with OtherWrite::refuse
// carry no group/other write bit. O_TRUNC is applied only after these checks, and the returned
// descriptor is blocking again. `shown` is the path used in error messages. Errors: io_error,
// detail "absent" when the file does not exist (and O_CREAT was not given), else "untrusted"
// for a refused file or "io" for another failure.
Result<UniqueFd> open_under(int dirfd, std::string_view name, int flags, mode_t mode,
                            OtherWrite other, const std::filesystem::path& shown);

// THE helper for a file inside the bgo home given as a path (logs/NAME.out.log, bgod.log,
// procs/NAME.json): open_trusted_dir(path.parent_path()) then open_under() of the file name.
// Use it for every open of a file under $BGO_HOME, in bgod and in the client alike.
Result<UniqueFd> open_home_file(const std::filesystem::path& path, int flags, mode_t mode = 0600,
                                OtherWrite other = OtherWrite::allow);

// The whole content of `fd` from its current offset; an error past `cap` bytes.
Result<std::string> read_all(int fd, std::size_t cap, const std::filesystem::path& shown);

struct HomeDirs {
  UniqueFd home;
  UniqueFd procs;
  UniqueFd logs;
};
enum class CreateDirs { yes, no };
// Opens $BGO_HOME, procs/ and logs/ as checked directory descriptors, first creating the
// missing ones (mode 0700; the home's parents with the umask) when `create` is yes. Errors as
// open_trusted_dir(), so the message is ready to show the user.
Result<HomeDirs> open_home(const Paths& paths, CreateDirs create);

}  // namespace bgo
