// SPDX-License-Identifier: MIT
// The pipes that the keepers of earlier bgods hold, found through /proc.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

#include "common/unique_fd.hpp"

namespace bgo::daemon {

// A bgod killed before it logged what a child wrote leaves that output in the child's pipes,
// which its pipe keeper (`bgod --keep-pipes`, pipe_keeper.hpp) holds even after the child
// exited. The next bgod finds those keepers (processes of its uid running exactly that command
// line), re-opens a pipe it wants through /proc/<keeper>/fd/N by its inode number (recorded
// in the run's state file), reads it, and then tells the keepers to let go of what is empty.
class KeptPipes {
 public:
  // Looks at /proc once (later calls do nothing): every keeper of this uid but `own`, and the
  // pipes each holds. Keepers of other homes are seen too: an inode names one pipe, so only
  // the pipes asked for are ever opened.
  void scan(pid_t own);
  // A new read end (O_NONBLOCK) of the held pipe with inode `ino`; empty when none holds it.
  // Its keepers are told to let go by recheck() from now on.
  UniqueFd open(uint64_t ino);
  // True when a keeper started by a bgod of this home (set_home) holds the pipe `ino`.
  bool held_in_home(uint64_t ino) const;
  // This bgod reads the pipe with inode `ino` (an adopted child's): its keepers are told to let
  // go by recheck() from now on.
  void note(uint64_t ino);
  // Sends k_recheck_signal to the keepers of the pipes opened or noted (through a pidfd opened
  // for the purpose and the start time checked, so never to a stranger that got the number):
  // each closes its hung-up pipes that are empty now. Forgets the keepers that are gone.
  void recheck();
  // The home of this bgod: scan() marks the keepers whose environment names it.
  void set_home(const std::string& home) { home_var_ = "BGO_HOME=" + home + '\0'; }
  // Once every run the state files name has been recovered: sends k_release_signal to the
  // keepers of this home (pidfd and start time checked, as recheck() does), which then let go
  // of every hung-up pipe they hold. What this bgod opened it holds itself; what no record
  // names nobody can claim, and would otherwise keep those keepers alive for good.
  void release_home();

 private:
  struct Keeper {
    pid_t pid = 0;
    uint64_t start_ticks = 0;
    bool ours = false;       // holds a pipe this bgod reads
    bool same_home = false;  // started by a bgod of this home
  };
  // Sends `sig` to the keepers `pick` selects that still run; forgets (unpicks) the others.
  void signal_keepers(bool Keeper::*pick, int sig);
  std::string home_var_;
  std::multimap<uint64_t, std::pair<std::string, size_t>> pipes_;  // inode -> (path, keeper)
  std::vector<Keeper> keepers_;
  bool scanned_ = false;
};

// A new read end (O_NONBLOCK) of the pipe that is descriptor `fd` of process `pid` (its stdout
// or stderr), through /proc; empty when that is not a pipe or cannot be opened.
UniqueFd reopen_pipe(pid_t pid, int fd);

// The inode of a descriptor of ours (0 when fstat fails): what a state file records of a pipe.
uint64_t inode_of(int fd);

}  // namespace bgo::daemon
