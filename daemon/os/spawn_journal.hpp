// SPDX-License-Identifier: MIT
// $BGO_HOME/spawns.journal: each run's marker and pipe inodes, appended before its spawn.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.hpp"

namespace bgo::daemon {

// One spawn as the journal recorded it, before the spawn.
struct JournalEntry {
  uint64_t out_pipe = 0;  // inode numbers of its stdout/stderr pipes
  uint64_t err_pipe = 0;
  std::string invocation;  // its BGO_INVOCATION value
  std::string name;        // the name the invocation carries
};

// What parse_spawn_journal() made of a file.
struct JournalContent {
  std::vector<JournalEntry> entries;  // in the order they were appended
  std::size_t bad_lines = 0;          // refused (too long, malformed, another home's)
  bool torn = false;                  // the last line has no newline (a write cut short)
  bool wrong_header = false;          // not a journal of this version: nothing was read
};

inline constexpr std::string_view k_journal_header = "bgo-spawns 1\n";

// Parses a journal: the header line, then one `spawn OUT ERR INVOCATION` line per spawn (OUT
// and ERR decimal inode numbers, INVOCATION a BGO_INVOCATION value of the home `home_id` whose
// name is valid), each at most 256 bytes. Anything else is counted and skipped. Pure.
JournalContent parse_spawn_journal(std::string_view content, std::string_view home_id);

// A bgod killed between a spawn and the rename of the run's state file leaves a run no record
// names. Its marker finds it while it lives (invocation.hpp), but once it has exited only its
// pipes remain, held by the dead bgod's keeper, and only their inode numbers find them. So
// before each spawn one line goes to this journal: one write(2) with O_APPEND, no fsync (a
// kill -9 of bgod cannot lose a write that returned; a power cut kills the children too).
//
// An entry is needed only until the run's state file is on disk. The journal is started
// afresh when bgod starts (once the recovery read it), and when it passes k_rotate_bytes it is
// renamed to spawns.journal.old, which is removed once every state saved before the rename is
// durable; until then the current one grows on. The next bgod reads both, the old first.
// Files are opened without following symlinks and checked (regular, our uid, not writable by
// others), as every file in the home is; one that fails is skipped with a warning and
// replaced when the journal starts afresh.
class SpawnJournal {
 public:
  static constexpr std::size_t k_rotate_bytes = std::size_t{1} << 20;
  static constexpr std::size_t k_max_read_bytes = std::size_t{4} << 20;

  // `home`: the bgo home (already checked). Opens nothing yet.
  explicit SpawnJournal(std::filesystem::path home, std::size_t rotate_bytes = k_rotate_bytes);

  // The entries of both generations, the old one first; bad lines are warned about.
  std::vector<JournalEntry> read(std::string_view home_id) const;
  // Starts afresh: the old generation removed, the current one replaced by the header alone
  // (a symlink or anything else there is replaced, not followed). Then appends go to it.
  void reset();
  // Appends one spawn. Never fails the spawn: an error is logged (once until a write works).
  void append(uint64_t out_pipe, uint64_t err_pipe, std::string_view invocation);
  // How the journal learns that what was saved so far is on disk: `barrier(done)` calls
  // `done` on the loop once every state file saved before the call is durable (or failed).
  void set_barrier(std::function<void(std::function<void()>)> barrier) {
    barrier_ = std::move(barrier);
  }
  std::uintmax_t size() const { return size_; }

 private:
  void rotate();
  void start_current();
  std::filesystem::path home_;
  std::size_t rotate_bytes_;
  UniqueFd dir_;  // the home, opened by reset()
  UniqueFd fd_;   // the current generation, O_APPEND
  std::uintmax_t size_ = 0;
  bool old_waiting_ = false;  // spawns.journal.old exists until the barrier passes
  bool failing_ = false;      // an append failed: said once
  uint64_t generation_ = 0;   // counts rotations and fresh starts: a late barrier is ignored
  std::function<void(std::function<void()>)> barrier_;
};

}  // namespace bgo::daemon
