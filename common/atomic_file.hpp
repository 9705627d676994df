// SPDX-License-Identifier: MIT
// Crash-safe whole-file replacement: temp file in the same folder, fsync, rename, fsync folder.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo {

// Replaces `target` with `content` so that a reader (or a crash at any point) sees either the
// old file or the new one, never a mix. The temp file is `<stem>.<random>.tmp` (never `*.json`)
// created 0600 and removed on every failure path.
enum class SyncDir { yes, no };
// SyncFile::no skips the fsync of the file as well: for benchmarks only (BGO_UNSAFE_NO_FSYNC),
// a crash may then leave an empty file behind.
enum class SyncFile { yes, no };
Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view content,
                                   SyncDir sync_dir = SyncDir::yes);

// The same inside the directory `dirfd` (from open_home()/open_trusted_dir()), for files under
// the bgo home: the temp file `.<name>.<random>.tmp` is created with O_EXCL | O_NOFOLLOW, the
// rename is renameat() within `dirfd` (a symlink planted at `name` is replaced, never
// followed), and `dirfd` itself is fsync'ed unless SyncDir::no (the caller then fsyncs it once
// for several files). `name` is one path component.
Result<void> write_file_atomically_at(int dirfd, std::string_view name, std::string_view content,
                                      SyncDir sync_dir = SyncDir::yes,
                                      SyncFile sync_file = SyncFile::yes);

// The same in two steps, for a group of files made durable at once: stage_file_at() writes
// the temp file (fsync'ed only with SyncFile::yes) and install_staged_at() renames it over its
// target (removing it on failure). In between, the caller makes every staged file durable
// (syncfs(2)), or discards it with discard_staged_at().
struct StagedFile {
  std::string temp;    // ".<target>.<pid>.<time>.<n>.tmp" in the folder
  std::string target;  // one path component
};
Result<StagedFile> stage_file_at(int dirfd, std::string_view name, std::string_view content,
                                 SyncFile sync_file);
Result<void> install_staged_at(int dirfd, const StagedFile& staged);
void discard_staged_at(int dirfd, const StagedFile& staged);
// Whether one syncfs(2) of the file system holding `fd` is as good as an fsync of each of its
// files: true for the local file systems whose sync writes back and flushes every file (ext4,
// xfs, btrfs, f2fs, tmpfs, and overlayfs, which syncs its upper one); false elsewhere (FUSE may
// ignore a syncfs, NFS and others are left to their fsync), and when it cannot be told.
bool syncfs_covers_every_file(int fd);

}  // namespace bgo
