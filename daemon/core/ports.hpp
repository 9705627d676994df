// SPDX-License-Identifier: MIT
// What the supervisor needs from the outside world. Implemented in daemon/os (production) and
// tests/support (fakes). No Asio, no JSON, no syscalls here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/clock.hpp"
#include "common/errors.hpp"
#include "common/latency_histogram.hpp"
#include "common/log_position.hpp"
#include "common/log_tail.hpp"
#include "common/paths.hpp"
#include "common/process_record.hpp"
#include "common/usage_text.hpp"

namespace bgo::daemon {

struct SpawnRequest {
  std::string name;               // output goes to this name's logs
  std::vector<std::string> argv;  // argv[0] already resolved
  std::vector<std::string> env;   // the complete "K=V" list
  std::string cwd;
  LogOptions logs;
  // Run it in a cgroup of its own when bgod can (ProcessPort::containment() is cgroup): every
  // process it forks is then signalled, counted and measured with it (docs/health.md).
  bool contain = true;
  std::optional<uint64_t> memory_max;  // memory.high = 90%, memory.max = this; needs a cgroup
};

// How a child's whole process tree is held together (`bgo daemon status` says which).
enum class Containment {
  process_group,  // its process group: members that call setsid() escape
  cgroup,         // a cgroup v2 of its own under bgod's delegated cgroup
};

struct Spawned {
  pid_t pid = 0;
  uint64_t start_ticks = 0;
  uint64_t out_pipe = 0;  // inode numbers of its stdout/stderr pipes (0: unknown)
  uint64_t err_pipe = 0;
  std::string invocation;  // its BGO_INVOCATION marker (empty: none)
};

// What a state file says of its name's latest run: its marker and its leader's start.
struct KnownRun {
  std::string name;
  std::string invocation;    // empty: none recorded
  uint64_t start_ticks = 0;  // 0: unknown
};

// A process started by a bgod that died before the run's state file reached the disk: no
// record names it (found by its BGO_INVOCATION marker, docs/reliability.md).
struct UnrecordedRun {
  std::string name;
  std::string invocation;
  std::vector<pid_t> pids;  // every live process of the run, its leader first
};

// A run the spawn journal names that no record claims, whose pipes a keeper of a dead bgod
// still holds with output in them: spawned just before a kill, it exited while no bgod ran.
struct JournaledRun {
  std::string name;
  std::string invocation;
  uint64_t out_pipe = 0;  // inode numbers (0: none)
  uint64_t err_pipe = 0;
  // An earlier run of a name whose record names a later one (its output outlived the 250 ms
  // drain in a descendant), not a run no record ever named.
  bool earlier = false;
};

// Processes. Exits and end-of-output come back as Supervisor::on_exit / on_output_closed.
class ProcessPort {
 public:
  virtual ~ProcessPort() = default;
  // Starts the child as leader of a new session with stdout/stderr captured into its logs.
  // Errors: Errc::spawn_failed with detail "not_found", "permission" or "other".
  [[nodiscard]] virtual Result<Spawned> spawn(const SpawnRequest& request) = 0;
  // Resolves argv[0] like `which` with the PATH of `env` (spec §4.1) and checks that `cwd` is a
  // directory. Errors: spawn_failed ("Command not found: x"), invalid_params (bad cwd).
  [[nodiscard]] virtual Result<std::vector<std::string>> resolve(
      const std::vector<std::string>& command, const std::vector<std::string>& env,
      const std::string& cwd) = 0;
  // Signals the process group led by `pid`. The caller guarantees that the leader is not yet
  // reaped, or that the group still has members (group_alive): either way the kernel cannot
  // have given the number to another process.
  virtual void signal_group(pid_t pid, int sig) = 0;
  // True while some process is a member of process group `pgid` (or, for a contained child
  // whose leader was `pgid`, while its cgroup is populated).
  virtual bool group_alive(pid_t /*pgid*/) { return false; }
  // What spawn() can do for SpawnRequest::contain.
  virtual Containment containment() const { return Containment::process_group; }
  // Watches a process bgod did not spawn (left by an earlier bgod) for its exit. False if it
  // is gone or is not the process that started at `start_ticks`.
  // Its output pipes are re-attached to `name`'s logs when they are still open.
  [[nodiscard]] virtual bool adopt(pid_t pid, uint64_t start_ticks, const std::string& name,
                                   const LogOptions& logs) = 0;
  // The run `record` names is gone: logs what it left in its pipes (which a pipe keeper may
  // still hold, record.out_pipe/err_pipe), at once, before anything else is written to them.
  virtual void recover_output(const ProcessRecord& /*record*/, const LogOptions& /*logs*/) {}
  // After a bgod died: the runs it spawned that no record knows (`known`: every record's
  // latest run). Empty when the previous bgod stopped cleanly.
  virtual std::vector<UnrecordedRun> unrecorded_runs(const std::vector<KnownRun>& /*known*/) {
    return {};
  }
  // Kills such a run and logs what it wrote, before returning.
  virtual void end_unrecorded(const UnrecordedRun& /*run*/, const LogOptions& /*logs*/) {}
  // After a bgod died, once the unrecorded runs are ended: the runs of the spawn journal that
  // no record (`known`) names and that left output in pipes a keeper holds, in spawn order.
  virtual std::vector<JournaledRun> journaled_runs(const std::vector<KnownRun>& /*known*/) {
    return {};
  }
  // Logs what such a run left in its pipes, then a marker saying it was not recorded.
  virtual void recover_journaled(const JournaledRun& /*run*/, const LogOptions& /*logs*/) {}
  // Every record has been adopted, recovered or found dead, and every unrecorded run ended:
  // what the previous bgods' pipe keepers still hold, nobody will claim.
  virtual void recovery_done() {}
  // True when `pid` was handed over by the previous image of this bgod (a live upgrade): it
  // is still bgod's own child, so its exit comes through on_exit() with its real status and
  // both its output pipes are attached, as after a spawn.
  virtual bool handed_over(pid_t /*pid*/) const { return false; }
  // The start ticks of the process `record` names (its `pid`) iff that pid is alive and is
  // still the process the file recorded (docs/architecture.md, "Adoption": start_ticks,
  // the Python bgo's pid_start, or a 0.2 file's command line); nullopt otherwise.
  [[nodiscard]] virtual std::optional<uint64_t> identify(const ProcessRecord& record) = 0;
  // CPU, memory and uptime text for a live process.
  virtual UsageText usage(pid_t pid) = 0;
  // The `ps -o lstart` text of a process that started at `start_ticks` (the Python bgo's
  // pid_start, written for its sake).
  virtual std::string lstart(uint64_t start_ticks) = 0;
};

// A save's or removal's place in the store's queue: the n-th call gets ticket n (from 1).
using StoreTicket = uint64_t;

// State files, written behind: a save hands a snapshot to the store's writer and returns at
// once; the writer puts it on disk later, several files to one fsync of procs/ (group commit,
// docs/architecture.md "What is durable when"). Nothing here waits for the disk.
class StorePort {
 public:
  virtual ~StorePort() = default;
  // Queues a copy of `record`, to replace its file atomically. Saves and removals of one name
  // reach the disk in the order they were made (only the newest may be written).
  [[nodiscard]] virtual StoreTicket save(const ProcessRecord& record) = 0;
  // Queues the removal of `name`'s file. A failure is logged, never reported.
  virtual StoreTicket remove(std::string_view name) = 0;
  // Calls `done` on the loop once `ticket`'s write (or a later one of the same name that
  // replaced it) is on disk or has failed, with its result (io_error naming the cause: a full
  // disk). Every earlier ticket is settled by then too. Runs inside this call when `ticket` is
  // already settled.
  virtual void when_durable(StoreTicket ticket, std::function<void(Result<void>)> done) = 0;
  // The newest ticket handed out (0: none yet): waiting for it waits for every write so far.
  [[nodiscard]] virtual StoreTicket newest() const = 0;
};

// What the store's writes have cost since bgod started: kept by the store adapter, shown by
// the metrics (docs/metrics.md). The supervisor never reads it.
struct StoreStats {
  static LatencyHistogram histogram() {
    return LatencyHistogram{{std::chrono::microseconds(100), std::chrono::microseconds(250),
                             std::chrono::microseconds(500), std::chrono::microseconds(1000),
                             std::chrono::microseconds(2500), std::chrono::microseconds(5000),
                             std::chrono::microseconds(10000), std::chrono::microseconds(25000),
                             std::chrono::microseconds(50000), std::chrono::microseconds(100000),
                             std::chrono::microseconds(250000), std::chrono::microseconds(500000),
                             std::chrono::microseconds(1000000),
                             std::chrono::microseconds(2500000)}};
  }
  uint64_t writes = 0;     // files written or removed (one per name and group commit)
  uint64_t failures = 0;   // of those, the ones that replaced nothing
  uint64_t coalesced = 0;  // snapshots replaced by a newer one of their name before written
  uint64_t commits = 0;    // group commits: one fsync of procs/ each
  // How long each file took: temp file, write, fsync of the file, rename (~0.1 ms on tmpfs, a
  // few ms on a disk, seconds on a disk under load). Failed ones too.
  LatencyHistogram latency = histogram();
  // How long each group commit took, from the first snapshot handed over to the fsync of
  // procs/: what a reply that promises durability waits at most.
  LatencyHistogram commit_latency = histogram();
};

// Log files.
class LogPort {
 public:
  virtual ~LogPort() = default;
  virtual void append_marker(std::string_view name, std::string_view marker) = 0;
  virtual void watcher_line(std::string_view name, std::string_view message) = 0;
  virtual std::string stderr_tail(std::string_view name) = 0;
  virtual void remove_logs(std::string_view name) = 0;
  // Closes what `name`'s logs hold open; the files stay. For a process that is forgotten.
  virtual void release(std::string_view /*name*/) {}
};

// The bytes a follower missed, read back from the log files (LogReadPort::catch_up).
struct LogCatchUp {
  struct Piece {
    std::string data;  // at most k_piece_bytes, from one file
    LogPosition end;   // the position just after `data`
  };
  static constexpr std::size_t k_piece_bytes = std::size_t{256} * 1024;
  std::vector<Piece> pieces;  // in order
  std::uint64_t skipped = 0;  // left out after the start point, to stay within the bound
  ResumeReset reset = ResumeReset::none;
};

// Reads of the log files, for the `logs` and `follow` methods (bounded; blocking file I/O).
class LogReadPort {
 public:
  virtual ~LogReadPort() = default;
  virtual std::string path(std::string_view name, LogStream stream) const = 0;
  // The last `lines` lines of a log as `tail_log` reads them (common/log_tail.hpp; lines
  // <= 0: as much as `options.max_bytes` allows), across a rotation that just happened;
  // nullopt when it cannot be read.
  virtual std::optional<TailResult> tail(std::string_view name, LogStream stream, long lines,
                                         const TailOptions& options) = 0;
  // True when the log exists and is not empty.
  virtual bool has_output(std::string_view name, LogStream stream) = 0;
  // The identity and end of the current log file (identity unknown, offset 0: no file yet).
  virtual LogPosition position(std::string_view name, LogStream stream) = 0;
  // What the log holds after `from` (the rotated copies still there included, oldest first),
  // up to the end of the current file less `hold` bytes, at most `max_bytes`: the newest
  // bytes when more are there (docs/protocol.md, `follow` with `resume`).
  virtual LogCatchUp catch_up(std::string_view name, LogStream stream, const LogPosition& from,
                              std::uint64_t hold, std::uint64_t max_bytes) = 0;
};

// A one-shot timer. It may be destroyed from its own callback (LazyTimer does).
class Timer {
 public:
  virtual ~Timer() = default;
  // Replaces any earlier arming.
  virtual void arm(Clock::time_point deadline, std::function<void()> fn) = 0;
  virtual void cancel() = 0;
};

class TimerFactory {
 public:
  virtual ~TimerFactory() = default;
  virtual std::unique_ptr<Timer> make_timer() = 0;
};

// Health probes run on bgod's loop by an OS adapter (docs/health.md).
enum class ProbeKind { http, tcp, exec };
struct ProbeSpec {
  ProbeKind kind = ProbeKind::tcp;
  std::string target;             // http: the URL; tcp: HOST:PORT; exec: the command as typed
  std::vector<std::string> argv;  // exec: the command, argv[0] resolved (no shell)
  std::vector<std::string> env;   // exec: the child's complete environment
  std::string cwd;                // exec
  std::chrono::milliseconds timeout{1000};  // one attempt, connect to answer or spawn to exit
};
struct ProbeResult {
  bool ok = false;
  std::string detail;  // for the log and the detail view: "HTTP 503", "exit 1", "timed out"
};
// One attempt in flight; destroying it cancels the attempt and `done` is then never called.
class ProbeRun {
 public:
  virtual ~ProbeRun() = default;
};
class ProbePort {
 public:
  virtual ~ProbePort() = default;
  // Starts one attempt; `done` runs exactly once on the loop unless the handle is destroyed.
  [[nodiscard]] virtual std::unique_ptr<ProbeRun> run(const ProbeSpec& spec,
                                                      std::function<void(ProbeResult)> done) = 0;
};

// sd_notify(3) sockets, one per child that asks for one. Messages come back through the
// callback the adapter was built with: (name, the datagram's "KEY=VALUE" lines).
class NotifyPort {
 public:
  virtual ~NotifyPort() = default;
  // A socket for `name`; the value of NOTIFY_SOCKET for its environment. Idempotent.
  [[nodiscard]] virtual Result<std::string> open(std::string_view name) = 0;
  virtual void close(std::string_view name) = 0;
  // Whether `name` has a socket: opened, or handed over by a live upgrade's previous image.
  [[nodiscard]] virtual bool is_open(std::string_view name) const = 0;
};

enum class EventKind {
  spawned,
  exited,
  restart_scheduled,
  errored,
  stopped,
  deleted,
  ready,            // its readiness check passed
  unready,          // its readiness check failed or timed out
  unhealthy,        // its liveness check failed --live-failures times in a row
  waiting,          // a start waits for its dependencies (reason: for what)
  memory_exceeded,  // its cgroup reached --max-memory
};
std::string_view to_string(EventKind kind);

// A state change, for subscribers (docs/protocol.md "Events").
struct ProcessEvent {
  EventKind kind = EventKind::spawned;
  std::string name;
  std::optional<int64_t> pid;
  std::optional<int64_t> exit_code;
  std::optional<int64_t> exit_signal;
  std::optional<int64_t> delay_ms;
  std::string reason;
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_process_event(const ProcessEvent& event) = 0;
};

}  // namespace bgo::daemon
