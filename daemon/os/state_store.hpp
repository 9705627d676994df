// SPDX-License-Identifier: MIT
// procs/<name>.json files: atomic saves, removal, and loading at startup.
#pragma once

#include <vector>

#include "common/paths.hpp"
#include "daemon/core/ports.hpp"
#include "daemon/core/supervisor.hpp"

namespace bgo::daemon {

class StateStore final : public StorePort {
 public:
  explicit StateStore(Paths paths) : paths_(std::move(paths)) {}
  Result<void> save(const ProcessRecord& record) override;
  void remove(std::string_view name) override;

  struct Loaded {
    std::vector<ProcessRecord> records;  // in file order; a later duplicate name wins
    std::vector<BrokenState> broken;
  };
  // Reads every procs/*.json with proto::load_state_dir() (trust rules: common/home_dir.hpp).
  // Unreadable, untrusted or invalid files are logged and reported, never fatal.
  Loaded load_all() const;

 private:
  Paths paths_;
};

}  // namespace bgo::daemon
