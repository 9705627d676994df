// SPDX-License-Identifier: MIT
// cgroup v2 rules and parsers (pure).
#include "daemon/os/cgroup_text.hpp"

#include <charconv>
#include <vector>

namespace bgo::daemon {

namespace {

// The lines of `text`, without their '\n'.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

// The space-separated words of `line`.
std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> out;
  size_t begin = 0;
  while (begin < line.size()) {
    if (line[begin] == ' ' || line[begin] == '\t') {
      ++begin;
      continue;
    }
    size_t end = begin;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
    out.push_back(line.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

// mountinfo escapes space, tab, newline and backslash as \ooo (octal).
std::string unescape_mountinfo(std::string_view field) {
  const auto octal = [](char c) { return c >= '0' && c <= '7'; };
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size() && octal(field[i + 1]) && octal(field[i + 2]) &&
        octal(field[i + 3])) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                               (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

std::string join_path(std::string_view folder, std::string_view name) {
  std::string out(folder);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

}  // namespace

bool cgroup_contains(std::string_view parent, std::string_view path) {
  if (parent == "/") return !path.empty() && path.front() == '/';
  if (path.substr(0, parent.size()) != parent) return false;
  return path.size() == parent.size() || path[parent.size()] == '/';
}

std::optional<std::string> parse_proc_cgroup(std::string_view text) {
  for (std::string_view line : lines_of(text)) {
    if (line.substr(0, 3) != "0::") continue;
    std::string_view path = line.substr(3);
    if (path.empty() || path.front() != '/') return std::nullopt;
    if (path.size() >= 10 && path.substr(path.size() - 10) == " (deleted)") return std::nullopt;
    // A cgroup outside this process's cgroup namespace shows as "/../…": not ours to use.
    if (path == "/.." || path.substr(0, 4) == "/../") return std::nullopt;
    return std::string(path);
  }
  return std::nullopt;
}

std::optional<CgroupMount> find_cgroup2_mount(std::string_view mountinfo, std::string_view cgroup) {
  for (std::string_view line : lines_of(mountinfo)) {
    const auto words = words_of(line);
    // id parent major:minor root mount-point options [optional…] - fstype source super-options
    size_t dash = 6;
    while (dash < words.size() && words[dash] != "-") ++dash;
    if (dash + 1 >= words.size() || words[dash + 1] != "cgroup2") continue;
    CgroupMount mount{unescape_mountinfo(words[4]), unescape_mountinfo(words[3])};
    if (cgroup_contains(mount.root, cgroup)) return mount;
  }
  return std::nullopt;
}

std::optional<std::string> cgroup_folder(const CgroupMount& mount, std::string_view cgroup) {
  if (!cgroup_contains(mount.root, cgroup)) return std::nullopt;
  std::string_view rest = mount.root == "/" ? cgroup : cgroup.substr(mount.root.size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  return rest.empty() ? mount.mount_point : join_path(mount.mount_point, rest);
}

std::optional<std::string> folder_cgroup(const CgroupMount& mount, std::string_view folder) {
  if (!cgroup_contains(mount.mount_point, folder)) return std::nullopt;
  std::string_view rest = folder.substr(mount.mount_point.size());
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);
  if (rest.empty()) return mount.root;
  return join_path(mount.root, rest);
}

CgroupLayout plan_cgroup_layout(std::string_view own, bool own_is_top, bool alone, uid_t uid,
                                std::string_view home) {
  CgroupLayout layout;
  if (!own_is_top && alone) {
    layout.base = std::string(own);
    layout.self_leaf = join_path(own, "bgod");
    return layout;
  }
  layout.base = join_path(own, cgroup_base_name(uid, home));
  layout.own_base = true;
  return layout;
}

std::string cgroup_base_name(uid_t uid, std::string_view home) {
  // FNV-1a, 64 bits: stable across builds and machines, which std::hash is not.
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : home) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string digits(16, '0');
  for (size_t i = 0; i < 16; ++i) digits[15 - i] = k_hex[(hash >> (4 * i)) & 0xfU];
  return "bgo-" + std::to_string(uid) + "-" + digits;
}

std::string cgroup_leaf_name(std::string_view name, uint64_t seq) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  static constexpr size_t k_max_escaped = 179;  // + "." + up to 20 digits: at most 200 bytes
  std::string out;
  for (const char c : name) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
                       (byte >= '0' && byte <= '9') || byte == '_' || byte == '-';
    if (out.size() + (plain ? 1 : 3) > k_max_escaped) break;
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 0xfU];
    }
  }
  if (out.empty()) out = "_";
  return out + "." + std::to_string(seq);
}

std::optional<uint64_t> cgroup_keyed_value(std::string_view text, std::string_view key) {
  for (std::string_view line : lines_of(text)) {
    const auto words = words_of(line);
    if (words.size() != 2 || words[0] != key) continue;
    uint64_t value = 0;
    const auto [end, ec] =
        std::from_chars(words[1].data(), words[1].data() + words[1].size(), value);
    if (ec != std::errc() || end != words[1].data() + words[1].size()) return std::nullopt;
    return value;
  }
  return std::nullopt;
}

bool has_cgroup_controller(std::string_view list, std::string_view name) {
  for (std::string_view line : lines_of(list)) {
    for (std::string_view word : words_of(line)) {
      if (word == name) return true;
    }
  }
  return false;
}

MemoryEvents parse_memory_events(std::string_view text) {
  MemoryEvents events;
  events.max = cgroup_keyed_value(text, "max").value_or(0);
  events.oom_kill = cgroup_keyed_value(text, "oom_kill").value_or(0);
  return events;
}

bool memory_breached(const MemoryEvents& before, const MemoryEvents& now) {
  return now.max > before.max || now.oom_kill > before.oom_kill;
}

uint64_t memory_high_for(uint64_t max) { return max / 10 * 9 + max % 10 * 9 / 10; }

}  // namespace bgo::daemon
