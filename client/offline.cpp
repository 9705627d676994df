// SPDX-License-Identifier: MIT
// read_offline_state(): the state files through bgod's loader, liveness by bgod's identity rule.
#include "client/offline.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "common/home_dir.hpp"
#include "common/process_identity.hpp"
#include "proto/process_view.hpp"
#include "proto/state_dir.hpp"

namespace bgo::client {

namespace {

// Same answer as bgod's adoption check (common/process_identity.hpp), so `bgo status` does not
// call a recycled pid online just because something runs under it.
bool online(const ProcessRecord& r) { return identify(r).has_value(); }

}  // namespace

OfflineState read_offline_state(const Paths& paths) {
  OfflineState out;
  auto dirs = open_home(paths, CreateDirs::no);
  if (!dirs) {
    // No home yet: nothing recorded. An untrusted one is refused as bgod would refuse it.
    if (!is_missing(dirs.error())) out.broken.push_back(dirs.error().message);
    return out;
  }
  auto loaded = proto::load_state_dir(dirs->procs.get(), paths.procs_dir());
  for (const auto& s : loaded.skipped) out.broken.push_back(s.file + ": " + s.error);
  std::sort(loaded.records.begin(), loaded.records.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& r : loaded.records) {
    const bool on = online(r);
    out.rows.push_back(
        proto::row_json(r, on, on ? usage_text(static_cast<pid_t>(*r.pid)) : UsageText{}));
  }
  return out;
}

std::optional<boost::json::object> read_offline_detail(const Paths& paths,
                                                       const std::string& name) {
  auto dirs = open_home(paths, CreateDirs::no);
  if (!dirs) return std::nullopt;
  auto r = proto::load_state_file(dirs->procs.get(), name + ".json", paths.procs_dir());
  if (!r) return std::nullopt;
  const bool on = online(*r);
  return proto::detail_json(*r, on, on ? usage_text(static_cast<pid_t>(*r->pid)) : UsageText{},
                            paths);
}

}  // namespace bgo::client
