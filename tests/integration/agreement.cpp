// SPDX-License-Identifier: MIT
#include "tests/integration/agreement.hpp"

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/process_probe.hpp"

namespace bgo::test {

namespace json = boost::json;

namespace {

json::object state_file(const std::filesystem::path& home, const std::string& name) {
  json::error_code ec;
  auto v = json::parse(read_file(home / "procs" / (name + ".json")), ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

}  // namespace

Agreement agreement(const json::value& rows, const std::filesystem::path& home,
                    const std::set<pid_t>& live) {
  Agreement out;
  if (!rows.is_array()) {
    out.why = "status --json is not an array: " + json::serialize(rows);
    return out;
  }
  std::set<std::string> listed;
  for (const auto& v : rows.as_array()) {
    const json::object& row = v.as_object();
    const std::string name(row.at("name").as_string());
    const bool is_online = row.at("status").as_string() == "online";
    const pid_t pid = row.at("pid").is_int64() ? static_cast<pid_t>(row.at("pid").as_int64()) : 0;
    listed.insert(name);
    out.view += name + '=' + (is_online ? std::to_string(pid) : "stopped") + ' ';
    const json::object st = state_file(home, name);
    const json::value* status = st.if_contains("status");
    const json::value* file_pid = st.if_contains("pid");
    if (status == nullptr) {
      out.why += name + ": listed without a readable state file; ";
    } else if (is_online) {
      out.online[name] = pid;
      if (*status != "running" || file_pid == nullptr || *file_pid != pid) {
        out.why += name + ": online as " + std::to_string(pid) + " but the file says " +
                   json::serialize(st) + "; ";
      }
      if (live.count(pid) == 0) {
        out.why += name + ": online as " + std::to_string(pid) + ", not live; ";
      }
    } else if (*status != "stopped") {
      out.why += name + ": stopped but the file says " + json::serialize(*status) + "; ";
    }
  }
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(home / "procs", ec)) {
    const std::string stem = e.path().stem().string();
    if (e.path().extension() == ".json" && listed.count(stem) == 0) {
      out.why += "procs/" + stem + ".json of no listed entry; ";
    }
  }
  std::set<pid_t> online_pids;
  for (const auto& [name, pid] : out.online) online_pids.insert(pid);
  for (pid_t p : live) {
    if (online_pids.count(p) == 0) out.why += "untracked process" + describe({p}) + "; ";
    out.view += std::to_string(p) + ' ';
  }
  return out;
}

}  // namespace bgo::test
