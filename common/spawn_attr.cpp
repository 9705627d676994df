// SPDX-License-Identifier: MIT
// CleanSpawnAttr.
#include "common/spawn_attr.hpp"

#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX sigset_t, sigemptyset

namespace bgo {

CleanSpawnAttr::CleanSpawnAttr() {
  posix_spawnattr_init(&attr_);
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr_, &empty);
  posix_spawnattr_setsigdefault(&attr_, &all);
  posix_spawnattr_setflags(&attr_,
                           POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
}

CleanSpawnAttr::~CleanSpawnAttr() { posix_spawnattr_destroy(&attr_); }

}  // namespace bgo
