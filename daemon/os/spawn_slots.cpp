// SPDX-License-Identifier: MIT
// SpawnSlots.
#include "daemon/os/spawn_slots.hpp"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <new>
#include <sys/mman.h>
#include <unistd.h>
#include <utility>

#include <spdlog/spdlog.h>

#include "daemon/os/lean_clone.hpp"

namespace bgo::daemon {

namespace {

constexpr std::size_t k_guard = 4096;
constexpr std::size_t k_mapped = std::size_t{64} * 1024;  // the child uses well under 4 KiB of it
// Slots above this are not worth sharing the table for (a live upgrade's new image may find
// the low numbers taken by the pipes it inherited): the child copies bgod's table instead.
constexpr unsigned k_max_keep_below = 64;
// The record sits at the top of the mapping, the stack grows down from just below it.
constexpr std::size_t k_record_offset = (k_mapped - sizeof(LeanChild)) & ~std::size_t{15};

}  // namespace

SpawnSlots SpawnSlots::reserve() {
  SpawnSlots slots;
  auto devnull = open_fd("/dev/null", O_RDONLY);
  if (!devnull) return {};
  for (auto& fd : slots.fds_) {
    fd = UniqueFd(::fcntl(devnull->get(), F_DUPFD_CLOEXEC, 3));
    if (!fd) return {};
  }
  const int highest = std::max({slots.in(), slots.out(), slots.err()});
  if (static_cast<unsigned>(highest) < k_max_keep_below) {
    slots.keep_below_ = static_cast<unsigned>(highest) + 1;
  } else {
    spdlog::info("spawn: descriptor slots at {}: children copy bgod's descriptor table", highest);
  }
  void* map = ::mmap(nullptr, k_mapped, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (map == MAP_FAILED) return {};
  (void)::mprotect(map, k_guard, PROT_NONE);  // best effort: an overflow faults, not corrupts
  slots.stack_ = map;
  slots.mapped_ = k_mapped;
  return slots;
}

SpawnSlots::SpawnSlots(SpawnSlots&& other) noexcept
    : fds_(std::move(other.fds_)),
      keep_below_(std::exchange(other.keep_below_, 0)),
      stack_(std::exchange(other.stack_, nullptr)),
      mapped_(std::exchange(other.mapped_, 0)) {}

SpawnSlots& SpawnSlots::operator=(SpawnSlots&& other) noexcept {
  if (this != &other) {
    if (stack_ != nullptr) ::munmap(stack_, mapped_);
    fds_ = std::move(other.fds_);
    keep_below_ = std::exchange(other.keep_below_, 0);
    stack_ = std::exchange(other.stack_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
  }
  return *this;
}

SpawnSlots::~SpawnSlots() {
  if (stack_ != nullptr) ::munmap(stack_, mapped_);
}

Result<void> SpawnSlots::lend(int out, int err) {
  if (::dup3(out, this->out(), O_CLOEXEC) < 0 || ::dup3(err, this->err(), O_CLOEXEC) < 0) {
    const int e = errno;
    take_back();
    return errno_error(Errc::io_error, errno_message("dup3", e), e);
  }
  return {};
}

void SpawnSlots::take_back() {
  // Cannot fail: both are open descriptors below the limit, and no other thread is allocating
  // a slot (EBUSY), since none is ever free.
  if (::dup3(in(), out(), O_CLOEXEC) < 0 || ::dup3(in(), err(), O_CLOEXEC) < 0) {
    spdlog::error("spawn: cannot put /dev/null back into a descriptor slot");
  }
}

LeanChild& SpawnSlots::child_record() {
  void* at = static_cast<char*>(stack_) + k_record_offset;
  return *new (at) LeanChild{};
}

void* SpawnSlots::stack() const { return static_cast<char*>(stack_) + k_guard; }

std::size_t SpawnSlots::stack_size() const { return k_record_offset - k_guard; }

}  // namespace bgo::daemon
