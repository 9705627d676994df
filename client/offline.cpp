// SPDX-License-Identifier: MIT
// read_offline_state(): liveness by pid + start_ticks (or the Python bgo's lstart text).
#include "client/offline.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "common/name.hpp"
#include "common/proc_stat.hpp"
#include "proto/process_view.hpp"
#include "proto/state_codec.hpp"

namespace bgo::client {

namespace {

std::optional<ProcessRecord> load(const std::filesystem::path& file, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  auto r = proto::parse_state(text.str(), file.stem().string());
  if (!r) {
    if (error) *error = r.error().message;
    return std::nullopt;
  }
  return std::move(*r);
}

bool online(const ProcessRecord& r) {
  if (!r.pid || *r.pid <= 0) return false;
  const auto pid = static_cast<pid_t>(*r.pid);
  if (r.start_ticks) return is_alive(pid, r.start_ticks);
  if (!is_alive(pid)) return false;
  if (!r.pid_start) return true;
  auto st = read_proc_stat(pid);
  return st && lstart_from_ticks(st->start_ticks) == *r.pid_start;
}

}  // namespace

OfflineState read_offline_state(const Paths& paths) {
  OfflineState out;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(paths.procs_dir(), ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<ProcessRecord> records;
  for (const auto& f : files) {
    std::string error;
    auto r = load(f, &error);
    if (!r || !is_valid_name(r->name)) {
      out.broken.push_back(f.filename().string() + ": " + (error.empty() ? "invalid name" : error));
      continue;
    }
    std::erase_if(records, [&](const ProcessRecord& x) { return x.name == r->name; });
    records.push_back(std::move(*r));
  }
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& r : records) {
    const bool on = online(r);
    out.rows.push_back(
        proto::row_json(r, on, on ? usage_text(static_cast<pid_t>(*r.pid)) : UsageText{}));
  }
  return out;
}

std::optional<boost::json::object> read_offline_detail(const Paths& paths,
                                                       const std::string& name) {
  auto r = load(paths.state_file(name), nullptr);
  if (!r) return std::nullopt;
  const bool on = online(*r);
  return proto::detail_json(*r, on, on ? usage_text(static_cast<pid_t>(*r->pid)) : UsageText{},
                            paths);
}

}  // namespace bgo::client
