// SPDX-License-Identifier: MIT
// What a lean spawn (lean_clone.hpp) needs from bgod, reserved once at start: three descriptor
// slots at the lowest numbers from 3 up and a stack for the child.
#pragma once

#include <array>
#include <cstddef>

#include "common/errors.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

struct LeanChild;

// The slots hold /dev/null for bgod's whole life and are never free: a spawn dup3()s the pipe
// ends into the output slots just before clone3 and /dev/null back over them just after,
// atomically, so no other thread (the state writer opens files) can ever be given one of them.
// The child shares bgod's descriptor table and copies only those below keep_below().
class SpawnSlots {
 public:
  SpawnSlots() = default;  // none: every spawn copies bgod (the old path)
  // Call before bgod opens anything else, so that the slots are low. Empty when descriptors
  // or memory are short.
  static SpawnSlots reserve();
  SpawnSlots(SpawnSlots&& other) noexcept;
  SpawnSlots& operator=(SpawnSlots&& other) noexcept;
  SpawnSlots(const SpawnSlots&) = delete;
  SpawnSlots& operator=(const SpawnSlots&) = delete;
  ~SpawnSlots();

  bool usable() const { return stack_ != nullptr; }
  int in() const { return fds_[0].get(); }  // /dev/null, always
  int out() const { return fds_[1].get(); }
  int err() const { return fds_[2].get(); }
  // The child may share the table and copy the descriptors below this number only: 0 when the
  // slots came out too high (bgod inherited many descriptors), and the child copies them all.
  unsigned keep_below() const { return keep_below_; }

  // Puts the pipe ends `out` and `err` into the output slots.
  Result<void> lend(int out, int err);
  // /dev/null back into the output slots: bgod holds no write end of a child's pipes.
  void take_back();

  // A LeanChild at the top of the child's stack, and the stack below it (16-byte aligned).
  LeanChild& child_record();
  void* stack() const;
  std::size_t stack_size() const;

 private:
  std::array<UniqueFd, 3> fds_;
  unsigned keep_below_ = 0;
  void* stack_ = nullptr;  // mapping: a guard page, then the stack, then the LeanChild
  std::size_t mapped_ = 0;
};

}  // namespace bgo::daemon
