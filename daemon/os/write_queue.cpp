// SPDX-License-Identifier: MIT
// WriteQueue and DurableTickets.
#include "daemon/os/write_queue.hpp"

namespace bgo::daemon {

void WriteQueue::push(StoreTicket ticket, std::string name, std::optional<std::string> bytes) {
  BGO_ASSERT(ticket > through_, "tickets are queued in order");
  through_ = ticket;
  ++snapshots_;
  if (auto it = index_.find(name); it != index_.end()) {
    // Save-then-remove leaves the removal, remove-then-save the save: the newest wins.
    StateWrite& queued = writes_[it->second];
    queued.bytes = std::move(bytes);
    queued.tickets.push_back(ticket);
    return;
  }
  index_.emplace(name, writes_.size());
  writes_.push_back(StateWrite{std::move(name), std::move(bytes), {ticket}});
}

WriteQueue::Batch WriteQueue::take() {
  Batch batch{std::move(writes_), through_, snapshots_};
  writes_.clear();
  index_.clear();
  snapshots_ = 0;
  return batch;
}

void DurableTickets::wait(StoreTicket ticket, Done done) {
  if (ticket <= settled_) return done(result_of(ticket));
  waiters_.emplace(ticket, std::move(done));
}

Result<void> DurableTickets::result_of(StoreTicket ticket) const {
  if (auto it = failures_.find(ticket); it != failures_.end()) return it->second;
  return {};
}

void DurableTickets::settle(StoreTicket through, const Failures& failed) {
  BGO_ASSERT(through >= settled_, "tickets settle in order");
  settled_ = through;
  for (const auto& [ticket, error] : failed) failures_.insert_or_assign(ticket, error);
  // Taken out first: a waiter may save again and wait for its new ticket.
  std::vector<std::pair<Done, Result<void>>> due;
  auto end = waiters_.upper_bound(through);
  for (auto it = waiters_.begin(); it != end; ++it) {
    due.emplace_back(std::move(it->second), result_of(it->first));
  }
  waiters_.erase(waiters_.begin(), end);
  while (failures_.size() > k_kept_failures) failures_.erase(failures_.begin());
  for (auto& [done, result] : due) done(result);
}

}  // namespace bgo::daemon
