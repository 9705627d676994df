// SPDX-License-Identifier: MIT
// The processes whose log output one connection follows: some names, or every process
// (those registered later included) but the ones unfollowed since.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bgo::daemon {

// Pure bookkeeping for `follow`/`unfollow` (docs/protocol.md); the latest call wins for a name.
class FollowSet {
 public:
  void follow(const std::vector<std::string>& names) {
    for (const auto& n : names) {
      names_.insert(n);
      except_.erase(n);
    }
  }
  // Every process, now and later.
  void follow_all() {
    all_ = true;
    except_.clear();
  }
  void unfollow(const std::vector<std::string>& names) {
    for (const auto& n : names) {
      names_.erase(n);
      if (all_) except_.insert(n);
    }
  }
  void unfollow_all() {
    all_ = false;
    names_.clear();
    except_.clear();
  }

  bool contains(std::string_view name) const {
    if (names_.find(name) != names_.end()) return true;
    return all_ && except_.find(name) == except_.end();
  }
  bool empty() const { return !all_ && names_.empty(); }

  // `follow` with `positions` (or `resume`): from then on this connection's `log`
  // notifications carry the file and offset after their data.
  void want_positions() { positions_ = true; }
  bool positions() const { return positions_; }

 private:
  std::set<std::string, std::less<>> names_;
  bool all_ = false;
  std::set<std::string, std::less<>> except_;  // unfollowed while following all
  bool positions_ = false;
};

}  // namespace bgo::daemon
