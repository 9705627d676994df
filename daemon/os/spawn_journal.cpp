// SPDX-License-Identifier: MIT
// SpawnJournal.
#include "daemon/os/spawn_journal.hpp"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "common/home_dir.hpp"
#include "common/name.hpp"
#include "daemon/os/invocation.hpp"

namespace bgo::daemon {

namespace {

constexpr std::string_view k_current = "spawns.journal";
constexpr std::string_view k_old = "spawns.journal.old";
constexpr std::size_t k_max_line = 256;

bool parse_inode(std::string_view text, uint64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// "spawn OUT ERR INVOCATION"
std::optional<JournalEntry> parse_line(std::string_view line, std::string_view home_id) {
  constexpr std::string_view k_head = "spawn ";
  if (line.size() > k_max_line || !line.starts_with(k_head)) return std::nullopt;
  line.remove_prefix(k_head.size());
  const size_t a = line.find(' ');
  const size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  JournalEntry e;
  if (!parse_inode(line.substr(0, a), e.out_pipe) ||
      !parse_inode(line.substr(a + 1, b - a - 1), e.err_pipe)) {
    return std::nullopt;
  }
  const std::string_view text = line.substr(b + 1);
  const auto inv = Invocation::parse(text);
  if (!inv || inv->home != home_id || !is_valid_name(inv->name)) return std::nullopt;
  e.invocation = text;
  e.name = inv->name;
  return e;
}

}  // namespace

JournalContent parse_spawn_journal(std::string_view content, std::string_view home_id) {
  JournalContent out;
  if (content.empty()) return out;
  if (!content.starts_with(k_journal_header)) {
    out.wrong_header = true;
    return out;
  }
  content.remove_prefix(k_journal_header.size());
  while (!content.empty()) {
    const size_t end = content.find('\n');
    if (end == std::string_view::npos) {
      out.torn = true;  // appended in one write: only a power cut or a full disk tears one
      break;
    }
    if (auto e = parse_line(content.substr(0, end), home_id)) {
      out.entries.push_back(std::move(*e));
    } else {
      ++out.bad_lines;
    }
    content.remove_prefix(end + 1);
  }
  return out;
}

SpawnJournal::SpawnJournal(std::filesystem::path home, std::size_t rotate_bytes)
    : home_(std::move(home)), rotate_bytes_(rotate_bytes) {}

std::vector<JournalEntry> SpawnJournal::read(std::string_view home_id) const {
  std::vector<JournalEntry> out;
  auto dir = open_trusted_dir(home_);
  if (!dir) return out;
  for (const std::string_view name : {k_old, k_current}) {
    const auto shown = home_ / name;
    auto fd = open_under(dir->get(), name, O_RDONLY, 0, OtherWrite::refuse, shown);
    if (!fd) {
      if (fd.error().cause.value() != ENOENT) {
        spdlog::warn("spawn journal skipped: {}", fd.error().message);
      }
      continue;
    }
    auto text = read_all(fd->get(), k_max_read_bytes, shown);
    if (!text) {
      spdlog::warn("spawn journal skipped: {}", text.error().message);
      continue;
    }
    JournalContent content = parse_spawn_journal(*text, home_id);
    if (content.wrong_header) {
      spdlog::warn("spawn journal skipped: {} is not a journal of this bgod ('{}' expected)",
                   shown.string(), k_journal_header.substr(0, k_journal_header.size() - 1));
    }
    if (content.bad_lines > 0) {
      spdlog::warn("spawn journal {}: {} bad line(s) skipped", shown.string(), content.bad_lines);
    }
    if (content.torn) spdlog::warn("spawn journal {}: a torn last line skipped", shown.string());
    for (auto& e : content.entries) out.push_back(std::move(e));
  }
  return out;
}

void SpawnJournal::reset() {
  old_waiting_ = false;
  ++generation_;
  if (!dir_) {
    auto dir = open_trusted_dir(home_);
    if (!dir) {
      spdlog::warn("spawn journal off: {}", dir.error().message);
      return;
    }
    dir_ = std::move(*dir);
  }
  // Not a file bgod opens for reading: unlinkat removes a symlink itself, never its target.
  if (::unlinkat(dir_.get(), std::string(k_old).c_str(), 0) != 0 && errno != ENOENT) {
    spdlog::warn("spawn journal: cannot remove {}: {}", (home_ / k_old).string(),
                 std::strerror(errno));
  }
  start_current();
}

// The current generation, the header alone (replacing whatever is there, a symlink included),
// opened for appends. No fsync: the journal is only read after a crash of bgod, not of the
// machine.
void SpawnJournal::start_current() {
  fd_.reset();
  size_ = 0;
  if (auto w = write_file_atomically_at(dir_.get(), k_current, k_journal_header, SyncDir::no,
                                        SyncFile::no);
      !w) {
    spdlog::warn("spawn journal off: {}", w.error().message);
    return;
  }
  auto fd = open_under(dir_.get(), k_current, O_WRONLY | O_APPEND, 0, OtherWrite::refuse,
                       home_ / k_current);
  if (!fd) {
    spdlog::warn("spawn journal off: {}", fd.error().message);
    return;
  }
  fd_ = std::move(*fd);
  size_ = k_journal_header.size();
}

void SpawnJournal::append(uint64_t out_pipe, uint64_t err_pipe, std::string_view invocation) {
  if (!fd_) return;
  if (size_ >= rotate_bytes_ && !old_waiting_ && barrier_) rotate();
  std::string line = "spawn ";
  line += std::to_string(out_pipe);
  line += ' ';
  line += std::to_string(err_pipe);
  line += ' ';
  line += invocation;
  line += '\n';
  // One write: appended whole (O_APPEND), so a kill -9 of bgod leaves the line or nothing.
  const ssize_t n = ::write(fd_.get(), line.data(), line.size());
  if (n == static_cast<ssize_t>(line.size())) {
    size_ += line.size();
    failing_ = false;
    return;
  }
  if (!failing_) {
    spdlog::warn(
        "spawn journal: append failed ({}): output of a run spawned just before a crash "
        "of bgod may be lost",
        n < 0 ? std::strerror(errno) : "short write");
  }
  failing_ = true;
  if (n > 0) size_ += static_cast<std::uintmax_t>(n);  // a torn line: skipped when read
}

// Every spawn so far has its save queued (Child::spawn saves in the same call), so once those
// saves are on disk the old generation names no run that a record will not.
void SpawnJournal::rotate() {
  if (::renameat(dir_.get(), std::string(k_current).c_str(), dir_.get(),
                 std::string(k_old).c_str()) != 0) {
    spdlog::warn("spawn journal: cannot rotate: {}", std::strerror(errno));
    return;
  }
  old_waiting_ = true;
  barrier_([this, generation = ++generation_] {
    if (generation != generation_) return;  // started afresh meanwhile: not this old file
    (void)::unlinkat(dir_.get(), std::string(k_old).c_str(), 0);  // gone already: fine
    old_waiting_ = false;
  });
  start_current();
}

}  // namespace bgo::daemon
