// SPDX-License-Identifier: MIT
// posix_spawn attributes for a child that must start clean; shared by every spawner.
#pragma once

#include <spawn.h>

namespace bgo {

// Leader of a new session and process group, no blocked signal, and every signal at its
// default disposition (SIG_IGN survives exec: bgod ignores SIGPIPE). RAII over
// posix_spawnattr_t; pass get() to posix_spawn.
class CleanSpawnAttr {
 public:
  CleanSpawnAttr();
  ~CleanSpawnAttr();
  CleanSpawnAttr(const CleanSpawnAttr&) = delete;
  CleanSpawnAttr& operator=(const CleanSpawnAttr&) = delete;
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

}  // namespace bgo
