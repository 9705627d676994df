// SPDX-License-Identifier: MIT
// Where `bgo logs -f` stands in each log it shows, so that it can resume on a new connection
// after a live upgrade of bgod closed the old one (docs/protocol.md, `follow`: `resume`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/fwd.hpp>

namespace bgo::client {

// Pure bookkeeping over the `follow` result and the `log` notifications.
class FollowPositions {
 public:
  // The result's `positions` (a bgod that sends none is older: nothing is known): each stream
  // not known yet starts there. A known one keeps its own, since the catch-up that follows
  // the answer brings it to the same point (and if the connection closes before that, its
  // own is the right one to resume from).
  void on_result(const boost::json::value& result);
  // The position after a `log` notification's data (`params`; none without file and offset).
  void on_log(const boost::json::value& params);
  bool empty() const { return at_.empty(); }
  // `resume` for the next `follow`: every stream known, by name then stream.
  boost::json::array resume() const;
  // What the result's `resumed` says was lost, one sentence per stream that lost something
  // (a rotation or truncation while away, or bytes over the catch-up bound).
  static std::vector<std::string> losses(const boost::json::value& result);

 private:
  using Key = std::pair<std::string, std::string>;  // (name, stream)
  struct At {
    std::string file;
    std::uint64_t offset = 0;
  };
  // A position object's key and position: `positions` items and `log` params carry the same
  // four keys (none without all four).
  static std::optional<std::pair<Key, At>> entry_of(const boost::json::object& o);
  std::map<Key, At> at_;
};

}  // namespace bgo::client
