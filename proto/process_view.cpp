// SPDX-License-Identifier: MIT
// row_json / detail_json.
#include "proto/process_view.hpp"

#include <sys/stat.h>

#include <boost/json.hpp>

#include "proto/state_codec.hpp"

namespace bgo::proto {

namespace json = boost::json;

namespace {

template <class T>
json::value opt(const std::optional<T>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value log_entry(const Paths& paths, const std::string& name, LogStream stream) {
  const auto path = paths.log_file(name, stream);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return nullptr;
  if (stream == LogStream::watcher && st.st_size == 0) return nullptr;
  return json::object{{"path", path.string()}, {"size", static_cast<int64_t>(st.st_size)}};
}

}  // namespace

json::object row_json(const ProcessRecord& r, bool online, const UsageText& usage) {
  json::array command;
  for (const auto& a : r.command) command.emplace_back(a);
  json::object o;
  o["name"] = r.name;
  o["pid"] = opt(r.pid);
  o["status"] = online ? "online" : "stopped";
  o["cpu"] = online ? usage.cpu : "-";
  o["mem"] = online ? usage.mem : "-";
  o["uptime"] = online ? usage.uptime : "-";
  o["command"] = std::move(command);
  o["cwd"] = opt(r.cwd);
  o["started_at"] = opt(r.started_at);
  o["watch"] = r.watch ? json::value(to_json(*r.watch)) : json::value(nullptr);
  return o;
}

json::object detail_json(const ProcessRecord& r, bool online, const UsageText& usage,
                         const Paths& paths) {
  json::object o = row_json(r, online, usage);
  if (r.has_pgid) o["pgid"] = opt(r.pgid);
  o["autostart"] = to_string(r.autostart_policy());
  o["logs"] = json::object{{"stdout", log_entry(paths, r.name, LogStream::out)},
                           {"stderr", log_entry(paths, r.name, LogStream::err)},
                           {"watcher", log_entry(paths, r.name, LogStream::watcher)}};
  o["stop_reason"] = r.stop_reason ? json::value(to_string(*r.stop_reason)) : json::value(nullptr);
  o["exit_code"] = opt(r.exit_code);
  o["exit_signal"] = opt(r.exit_signal);
  return o;
}

}  // namespace bgo::proto
