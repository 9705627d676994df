// SPDX-License-Identifier: MIT
// Invocation, Invocations.
#include "daemon/os/invocation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <map>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/proc_stat.hpp"
#include "common/unique_fd.hpp"

namespace bgo::daemon {

namespace {

std::string hex16(uint64_t v) {
  char buf[17];
  (void)std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

uint64_t fnv1a(std::string_view text) {
  uint64_t h = 14695981039346656037ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  return h;
}

// The value of BGO_INVOCATION in /proc/<pid>/environ (the environment the process started
// with), empty when it has none or cannot be read.
std::string read_marker(pid_t pid) {
  const std::string path = "/proc/" + std::to_string(pid) + "/environ";
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string env;
  char buf[16384];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0 || env.size() > (size_t{1} << 20)) break;
    env.append(buf, static_cast<size_t>(n));
  }
  const std::string key = std::string(k_invocation_key) + '=';
  for (size_t at = 0; at < env.size();) {
    const size_t end = std::min(env.find('\0', at), env.size());
    if (env.compare(at, key.size(), key) == 0)
      return env.substr(at + key.size(), end - at - key.size());
    at = end + 1;
  }
  return {};
}

}  // namespace

std::string invocation_of(pid_t pid) { return read_marker(pid); }

std::string Invocation::text() const {
  return home + '-' + bgod + '-' + std::to_string(seq) + '-' + name;
}

std::optional<Invocation> Invocation::parse(std::string_view value) {
  Invocation out;
  const size_t a = value.find('-');
  const size_t b = a == std::string_view::npos ? a : value.find('-', a + 1);
  const size_t c = b == std::string_view::npos ? b : value.find('-', b + 1);
  if (c == std::string_view::npos || a != 16 || b != 33) return std::nullopt;
  out.home = value.substr(0, a);
  out.bgod = value.substr(a + 1, b - a - 1);
  const std::string_view seq = value.substr(b + 1, c - b - 1);
  const auto [end, ec] = std::from_chars(seq.data(), seq.data() + seq.size(), out.seq);
  if (ec != std::errc() || end != seq.data() + seq.size()) return std::nullopt;
  out.name = value.substr(c + 1);
  if (out.name.empty()) return std::nullopt;
  return out;
}

Invocations::Invocations(std::string_view home_path) : home_(hex16(fnv1a(home_path))) {
  uint64_t id = 0;
  if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) {
    id = fnv1a(std::to_string(::getpid()) + std::to_string(::time(nullptr)));
  }
  bgod_ = hex16(id);
}

Invocation Invocations::next(std::string_view name) {
  return Invocation{home_, bgod_, ++seq_, std::string(name)};
}

std::vector<UnrecordedRun> Invocations::unrecorded(const std::vector<KnownRun>& known) const {
  std::map<std::string_view, const KnownRun*> by_name;
  for (const KnownRun& k : known) by_name.emplace(k.name, &k);
  struct Member {
    pid_t pid;
    bool leader;
    uint64_t start;
  };
  std::map<std::string, std::pair<Invocation, std::vector<Member>>> runs;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return {};
  while (const dirent* e = ::readdir(proc)) {
    pid_t pid = 0;
    const std::string_view entry(e->d_name);
    if (std::from_chars(entry.data(), entry.data() + entry.size(), pid).ec != std::errc() ||
        pid == ::getpid()) {
      continue;
    }
    struct stat owner {};
    if (::stat(("/proc/" + std::string(entry)).c_str(), &owner) != 0 ||
        owner.st_uid != ::getuid()) {
      continue;
    }
    const std::string text = invocation_of(pid);
    auto inv = text.empty() ? std::nullopt : Invocation::parse(text);
    if (!inv || inv->home != home_ || inv->bgod == bgod_) continue;
    const auto ps = read_proc_stat(pid);
    if (!ps || ps->state == 'Z') continue;
    if (auto it = by_name.find(inv->name); it != by_name.end()) {
      // Its name's recorded run, or what an earlier run left behind (started before it).
      if (text == it->second->invocation || ps->start_ticks < it->second->start_ticks) continue;
    }
    auto& run = runs.try_emplace(text, *inv, std::vector<Member>{}).first->second;
    run.second.push_back(Member{pid, ps->session == pid, ps->start_ticks});
  }
  ::closedir(proc);
  std::vector<UnrecordedRun> out;
  for (auto& [text, run] : runs) {
    auto& members = run.second;
    std::sort(members.begin(), members.end(), [](const Member& a, const Member& b) {
      return a.leader != b.leader ? a.leader : a.start < b.start;
    });
    UnrecordedRun r{run.first.name, text, {}};
    for (const Member& m : members) r.pids.push_back(m.pid);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace bgo::daemon
