// SPDX-License-Identifier: MIT
// procs/<name>.json files: atomic saves, removal, and loading at startup.
#pragma once

#include <vector>

#include "common/clock.hpp"
#include "common/paths.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

class StateStore final : public StorePort {
 public:
  // `clock` times each save for stats(); it must outlive the store.
  StateStore(Paths paths, const Clock& clock) : paths_(std::move(paths)), clock_(clock) {}
  Result<void> save(const ProcessRecord& record) override;
  void remove(std::string_view name) override;
  // Every save() so far: how many, how many failed, how long each took.
  const StoreStats& stats() const { return stats_; }

  struct Loaded {
    std::vector<ProcessRecord> records;  // in file order; a later duplicate name wins
    std::vector<BrokenState> broken;
  };
  // Reads every procs/*.json with proto::load_state_dir() (trust rules: common/home_dir.hpp).
  // Unreadable, untrusted or invalid files are logged and reported, never fatal.
  Loaded load_all() const;

 private:
  Result<void> write(const ProcessRecord& record);

  Paths paths_;
  const Clock& clock_;
  StoreStats stats_;
};

}  // namespace bgo::daemon
