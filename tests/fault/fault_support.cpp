// SPDX-License-Identifier: MIT
// The fault suite's shared pieces.
#include "tests/fault/fault_support.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <boost/json.hpp>

#include "tests/integration/process_probe.hpp"

namespace bgo::test::fault {

namespace json = boost::json;

bool long_mode() {
  const char* v = std::getenv("BGO_FAULT_LONG");
  return v != nullptr && std::string(v) == "1";
}

long count(long short_count, long long_count) {
  if (!long_mode()) return short_count;
  const char* scale = std::getenv("BGO_FAULT_SCALE");
  const double factor = scale != nullptr ? std::strtod(scale, nullptr) : 1.0;
  return std::max(1L, static_cast<long>(static_cast<double>(long_count) * factor));
}

long size(long short_size, long long_size) { return long_mode() ? long_size : short_size; }

std::chrono::milliseconds duration(std::chrono::milliseconds short_time,
                                   std::chrono::milliseconds long_time) {
  return long_mode() ? long_time : short_time;
}

void figures(const std::string& scenario, const std::string& text) {
  const std::string line =
      "FAULT " + scenario + " mode=" + (long_mode() ? "long" : "short") + " " + text;
  std::cout << line << std::endl;
  if (const char* path = std::getenv("BGO_FAULT_FIGURES")) {
    std::ofstream(path, std::ios::app) << line << '\n';
  }
}

std::string tag_of(pid_t pid) {
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/cmdline");
  const std::string flag = std::string("--tag") + '\0';
  const size_t at = text.find(flag);
  if (at == std::string::npos) return {};
  const size_t begin = at + flag.size();
  const size_t end = text.find('\0', begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

namespace {

bool is_start_marker(const std::string& line) {
  if (!line.starts_with("=== [") || !line.ends_with(" ===")) return false;
  const size_t time_end = line.find("] ", 5);
  if (time_end == std::string::npos) return false;
  const std::string rest = line.substr(time_end + 2);
  return rest.starts_with("[Starting] ") || rest.starts_with("[watch restart] ");
}

}  // namespace

SeqReport check_seq_log(const std::filesystem::path& log, int64_t per_run) {
  SeqReport r;
  std::istringstream in(read_file(log));
  std::string line;
  int64_t last = -1;  // -1: before the first run
  int64_t line_no = 0;
  auto note = [&](const std::string& what) {
    if (r.first_problem.empty()) {
      r.first_problem = log.filename().string() + ":" + std::to_string(line_no) + ": " + what;
    }
  };
  auto end_run = [&] {
    if (per_run > 0 && last >= 0 && last < per_run) {
      r.lost += per_run - last;
      note("run ended at seq " + std::to_string(last));
    }
  };
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty()) continue;
    if (is_start_marker(line)) {
      end_run();
      last = 0;
      ++r.runs;
      continue;
    }
    if (line.starts_with("=== [") && line.find("[bgod] killed unrecorded") != std::string::npos) {
      ++r.killed;  // spawned just before a kill, unknown to the next bgod: cut short on purpose
      last = -1;
      continue;
    }
    if (line.starts_with("=== [")) continue;  // another marker of bgod's
    if (!line.starts_with("seq ") || line.size() > 24 ||
        line.find_first_not_of("0123456789", 4) != std::string::npos) {
      ++r.other;
      note("unexpected line '" + line.substr(0, 60) + "'");
      continue;
    }
    const int64_t k = std::stoll(line.substr(4));
    ++r.lines;
    if (k <= last) {
      ++r.duplicated;
      note("seq " + std::to_string(k) + " after seq " + std::to_string(last));
    } else if (k > last + 1) {
      r.lost += k - last - 1;
      note("seq " + std::to_string(k) + " after seq " + std::to_string(last));
    }
    last = std::max(last, k);
  }
  // The last run may still be going, or was cut by the final stop: not counted as lost.
  return r;
}

int64_t rss_kb(pid_t pid) {
  const std::string v = status_field(pid, "VmRSS");
  return v.empty() ? -1 : std::stoll(v);
}

int64_t fd_count(pid_t pid) { return static_cast<int64_t>(open_fds(pid).size()); }

std::set<pid_t> online_pids(const json::value& rows) {
  std::set<pid_t> out;
  if (!rows.is_array()) return out;
  for (const auto& v : rows.as_array()) {
    const json::object& row = v.as_object();
    if (row.at("status").as_string() == "online" && row.at("pid").is_int64()) {
      out.insert(static_cast<pid_t>(row.at("pid").as_int64()));
    }
  }
  return out;
}

int64_t killed_unrecorded_markers(const std::filesystem::path& home, std::string_view what) {
  int64_t n = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(home / "logs", ec)) {
    if (!entry.path().string().ends_with(".out.log")) continue;
    std::istringstream in(read_file(entry.path()));
    for (std::string line; std::getline(in, line);) {
      if (line.starts_with("=== [") && contains(line, std::string(what))) ++n;
    }
  }
  return n;
}

std::set<std::string> unreadable_state_files(const std::filesystem::path& home) {
  std::set<std::string> bad;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(home / "procs", ec)) {
    if (e.path().extension() != ".json") continue;
    boost::json::error_code jec;
    const boost::json::value v = boost::json::parse(read_file(e.path()), jec);
    const boost::json::object* o = jec ? nullptr : v.if_object();
    if (o == nullptr || !o->contains("name") || !o->contains("status")) {
      bad.insert(e.path().filename().string());
    }
  }
  return bad;
}

}  // namespace bgo::test::fault
