// SPDX-License-Identifier: MIT
// Keeps children's output pipes open while no bgod runs, in a small helper process.
#pragma once

#include <csignal>
#include <initializer_list>
#include <string>
#include <sys/types.h>

#include "common/unique_fd.hpp"

namespace bgo::daemon {

// A child writes its stdout/stderr into pipes that bgod reads. If the last reader of a pipe
// goes away (bgod killed, or stopped with --keep-children for an upgrade), the child's next
// write raises SIGPIPE and kills it. So bgod hands a second reference to every read end to a
// keeper process (`bgod --keep-pipes`), which never reads and never signals anything: it only
// holds the pipes until their writers are gone. While no bgod runs, output waits in the pipe
// (a writer blocks once it is full, 64 KiB on Linux); the next bgod re-opens the same pipes
// through /proc/<pid>/fd and logs it. A pipe whose writers are all gone (the child exited) is
// closed at once when empty; one that still holds output is kept, out of the poll set, until
// it is found empty: on any message from its bgod (recheck() after bgod read a pipe to its
// end), or on k_recheck_signal from a later bgod that drained it through
// /proc/<keeper>/fd/N (KeptPipes). One keeper per bgod; it exits once bgod has gone and every
// pipe it holds has been closed by its writers and emptied.
class PipeKeeper {
 public:
  PipeKeeper() = default;
  PipeKeeper(const PipeKeeper&) = delete;
  PipeKeeper& operator=(const PipeKeeper&) = delete;

  // Gives the keeper a reference to each descriptor in `fds` (read ends of a child's pipes;
  // negative entries are skipped). Starts the keeper on first use, and again if it died.
  // Never blocks; best effort: a failure is logged, and only costs the protection.
  void keep(std::initializer_list<int> fds);

  // Asks the keeper to let go of the hung-up pipes it holds that are empty now (bgod just read
  // one to its end). Never blocks; best effort.
  void recheck();
  // bgod stops cleanly, its children stopped and drained: the keeper closes every hung-up
  // pipe it holds, read or not (nobody will read it now), and from then on closes each pipe
  // as soon as it hangs up; it exits once they are all closed.
  void let_go();

  // The home the keeper serves, put in its environment (BGO_HOME=...) so that a later bgod of
  // the same home can tell it apart from other homes' keepers (KeptPipes::release_home).
  void set_home(std::string home) { home_ = std::move(home); }

  pid_t pid() const { return pid_; }
  // Live upgrade: the socket to the running keeper (-1 when none), handed to the next image,
  // which takes it back with adopt() (the keeper stays bgod's child across exec).
  int socket_fd() const { return socket_.get(); }
  void adopt(UniqueFd socket, pid_t pid) {
    socket_ = std::move(socket);
    pid_ = pid;
  }

 private:
  bool start();
  bool send(std::initializer_list<int> fds);
  void tell(char byte);  // a message without descriptors

  std::string home_;
  UniqueFd socket_;  // bgod's end of a SOCK_SEQPACKET pair; the keeper has the other as fd 3
  pid_t pid_ = 0;
  bool warned_ = false;
};

// Makes a keeper recheck its hung-up pipes. Ignored by default, so a keeper of an older bgod
// that does not know it is unharmed.
inline constexpr int k_recheck_signal = SIGWINCH;
// Sent by a later bgod of the same home once it has recovered every run its state files name:
// the keeper lets go of every hung-up pipe it holds, empty or not (what that bgod wanted it has
// opened and holds itself; nobody can claim the rest). Ignored by default, as above.
inline constexpr int k_release_signal = SIGURG;

// The keeper process (`bgod --keep-pipes`): receives descriptors on fd 3 and holds each until
// it reports hang-up. Returns its exit code.
int run_pipe_keeper();

}  // namespace bgo::daemon
