// SPDX-License-Identifier: MIT
// The state store's queue of file changes, coalesced per name, and its durability tickets.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/errors.hpp"
#include "daemon/core/ports.hpp"

namespace bgo::daemon {

// One state file's change as the loop handed it over: its new bytes, or its removal.
struct StateWrite {
  std::string name;
  std::optional<std::string> bytes;  // nullopt: remove the file
  std::vector<StoreTicket> tickets;  // every queued ticket of `name` this write settles
};

// The changes queued since the writer last took them, one write per name: a later save or
// removal of a name replaces the queued one (the file only ever needs its newest state).
// Pure and single-threaded: the store guards it with its mutex.
class WriteQueue {
 public:
  struct Batch {
    std::vector<StateWrite> writes;  // one per name, in the order each name was first queued
    StoreTicket through = 0;         // the newest ticket in the batch: all up to it are in it
    size_t snapshots = 0;            // tickets in the batch (writes.size() after coalescing)
  };

  // Queues `name`'s new bytes (nullopt: its removal) under `ticket`, which is newer than any
  // ticket queued before (BGO_ASSERT).
  void push(StoreTicket ticket, std::string name, std::optional<std::string> bytes);
  bool empty() const { return writes_.empty(); }
  // Everything queued, emptying the queue.
  Batch take();

 private:
  std::vector<StateWrite> writes_;
  std::unordered_map<std::string, size_t> index_;  // name -> its entry in writes_
  StoreTicket through_ = 0;
  size_t snapshots_ = 0;
};

// Who waits for which ticket, and what became of each. Tickets settle in order: a group
// commit settles every ticket up to its newest, each with the result of the write that
// carried it. Pure and single-threaded (the loop's).
class DurableTickets {
 public:
  using Done = std::function<void(Result<void>)>;
  using Failures = std::vector<std::pair<StoreTicket, Error>>;

  // Runs `done` now when `ticket` is settled, else once it is.
  void wait(StoreTicket ticket, Done done);
  // Every ticket up to `through` is settled: on disk, but for `failed` ones. Runs the waiters
  // of those tickets, in ticket order (a waiter may queue and wait for more).
  void settle(StoreTicket through, const Failures& failed);
  StoreTicket settled() const { return settled_; }
  size_t waiting() const { return waiters_.size(); }

 private:
  Result<void> result_of(StoreTicket ticket) const;

  StoreTicket settled_ = 0;
  std::multimap<StoreTicket, Done> waiters_;
  // The most recent failures, for a wait that comes after its ticket settled; an older one is
  // forgotten (reported as success) once k_kept_failures newer ones exist.
  std::map<StoreTicket, Error> failures_;
  static constexpr size_t k_kept_failures = 4096;
};

}  // namespace bgo::daemon
