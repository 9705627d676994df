// SPDX-License-Identifier: MIT
// run_daemon(): the only place that names the concrete adapters.
#include "daemon/daemon.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <spdlog/spdlog.h>

#include "common/paths.hpp"
#include "common/unique_fd.hpp"
#include "daemon/core/desktop_notifier.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/os/asio_timer.hpp"
#include "daemon/os/cgroup_tree.hpp"
#include "daemon/os/daemon_lock.hpp"
#include "daemon/os/fd_limits.hpp"
#include "daemon/os/log_reader.hpp"
#include "daemon/os/log_sink.hpp"
#include "daemon/os/memory_trim.hpp"
#include "daemon/os/metrics_http.hpp"
#include "daemon/os/notify_sockets.hpp"
#include "daemon/os/posix_process.hpp"
#include "daemon/os/probe_runner.hpp"
#include "daemon/os/reaper.hpp"
#include "daemon/os/signal_loop.hpp"
#include "daemon/os/state_store.hpp"
#include "daemon/os/systemd.hpp"
#include "daemon/rpc/control_server.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/metrics_report.hpp"
#include "daemon/rpc/services.hpp"
#include "daemon/upgrade.hpp"

extern char** environ;

namespace bgo::daemon {

namespace {

// The running daemon. Members are declared in the order they depend on each other, so they
// are built in that order and torn down in reverse: adapters, then the Supervisor that uses
// them, then the RPC layer that calls it. The adapters' callbacks into the supervisor only
// run once the loop runs, when every member exists.
class Daemon {
 public:
  Daemon(const DaemonConfig& config, Paths paths, DaemonLock& lock, int listen_fd,
         bool listen_from_systemd, Notifier notifier, CgroupTree::Detected cgroups,
         std::optional<MetricsSocket> metrics, FdBudget budget, std::optional<Handover> handover,
         SpawnSlots slots)
      : config_(config),
        paths_(std::move(paths)),
        lock_(lock),
        listen_fd_(listen_fd),
        listen_from_systemd_(listen_from_systemd),
        handover_(std::move(handover)),
        notifier_(std::move(notifier)),
        metrics_socket_(std::move(metrics)),
        timers_(io_),
        logs_(
            io_, paths_,
            [this](pid_t pid) {
              processes_.on_output_closed(pid);
              supervisor_.on_output_closed(pid);
            },
            log_cache_bound(budget.soft)),
        containment_reason_(std::move(cgroups.reason)),
        processes_(
            io_, logs_, [this](pid_t pid, const ExitStatus& s) { supervisor_.on_exit(pid, s); },
            std::move(cgroups.tree), budget, std::move(slots)),
        store_(io_, paths_, clock_, state_fsync()),
        log_reader_(paths_),
        probes_(io_),
        notify_(
            io_, paths_,
            [this](const std::string& name, const NotifyFields& fields) {
              supervisor_.on_notify(name, fields);
            },
            handover_ ? std::move(handover_->notify_sockets) : std::vector<HandoverNotify>{}),
        desktop_(hub_, probes_, notify_settings()),
        supervisor_(processes_, store_, logs_, timers_, clock_, desktop_, settings(config)),
        upgrader_(io_, supervisor_, hub_, processes_, notifier_,
                  {[this] { return handover_base(); }, [this](bool held) { hold(held); },
                   [this] { store_.close(true); }},
                  config.args, handover_ ? handover_->upgrades : 0,
                  handover_ ? handover_->refused : std::string()),
        // Exec probes and an upgrade's check are bgod's children too: their exits end there.
        reaper_([this](pid_t pid, const ExitStatus& s) {
          if (probes_.on_exit(pid, s) || upgrader_.on_exit(pid, s)) return;
          // First: a leader's empty cgroup goes now (group_alive then falls back to its process
          // group, empty as well), and a restart in on_exit may reuse the number.
          processes_.on_reaped(pid);
          supervisor_.on_exit(pid, s);
        }),
        signals_(io_, {[this] { reaper_.on_sigchld(); }, [this] { logs_.reopen_all(); },
                       [this] { shutdown(false); },
                       [this] {
                         upgrader_.request(
                             {}, [](const Result<UpgradeStarted>&) {}, false);
                       }}),
        trim_(io_) {
    // A burst of requests or of connections leaves freed memory behind (each session's read
    // buffer is below glibc's mmap threshold): given back once the burst is over.
    dispatcher_.set_after_line([this] { trim_.note_activity(); });
    hub_.set_close_listener([this] { trim_.note_activity(); });
    // Output goes to followers and to a log readiness check (docs/health.md) still waiting
    // for its line; both are asked first, so output nobody waits for costs nothing more.
    logs_.set_output_listener(
        [this](const std::string& name, LogStream stream, std::string_view data,
               const LogPosition& end) {
          if (stream != LogStream::watcher && supervisor_.wants_output(name)) {
            supervisor_.on_output(name, data);
          }
          if (hub_.followed(name)) hub_.on_output(name, stream, data, end);
        },
        [this](const std::string& name) {
          return hub_.followed(name) || supervisor_.wants_output(name);
        });
    logs_.set_reserve(config.log_reserve);
    supervisor_.set_health_ports(&probes_, &notify_);
    // A rotated spawn journal is removed once every state saved before the rotation is on disk.
    processes_.set_journal_barrier([this](std::function<void()> done) {
      store_.when_durable(store_.newest(),
                          [done = std::move(done)](const Result<void>&) { done(); });
    });
    processes_.set_tree_listeners([this](pid_t leader) { supervisor_.on_group_empty(leader); },
                                  [this](pid_t leader) { supervisor_.on_memory_exceeded(leader); });
  }

  int run() {
    // bgod.pid is removed by a bgod that exits, written by one that is ready: still there, the
    // previous bgod died, maybe between a spawn and its state file.
    struct stat pid_file {};
    processes_.set_home(paths_.home().string(),
                        !handover_ && ::lstat(paths_.pid_file().c_str(), &pid_file) == 0);
    auto loaded = store_.load_all();
    if (handover_) {
      // The previous image's children are still ours: taken as such, with their pipes.
      if (handover_->keeper_fd >= 0) {
        processes_.keeper().adopt(UniqueFd(handover_->keeper_fd), handover_->keeper_pid);
      }
      processes_.expect_handed_over(std::move(handover_->children));
    }
    supervisor_.load(std::move(loaded.records), std::move(loaded.broken));
    processes_.finish_handover();
    // Backoffs go on to the same deadlines, streaks where they were, health checks (on the
    // notify sockets taken above) where they stood.
    if (handover_) supervisor_.resume_watch(carried_watch(*handover_));
    Services services{supervisor_,
                      hub_,
                      log_reader_,
                      clock_,
                      paths_,
                      [this](std::string_view name) { logs_.flush(name); },
                      [this](bool keep) { shutdown(keep); },
                      clock_.now(),
                      config_.stop_timeout,
                      config_.default_logs,
                      containment_status(),
                      store_.stats(),
                      metrics_socket_ ? metrics_socket_->url : std::string(),
                      [this](std::string path, UpgradeDone done) {
                        upgrader_.request(std::move(path), std::move(done), true);
                      },
                      [this] { return upgrader_.status(); }};
    register_handlers(dispatcher_, services);
    server_ = std::make_unique<ControlServer>(io_, lock_, paths_, dispatcher_, hub_, listen_fd_);
    if (metrics_socket_) {
      metrics_ = std::make_unique<MetricsHttpServer>(
          io_, std::move(metrics_socket_->fd), [&services] { return metrics_text(services); });
    }
    lock_.write_pid_file();
    signals_.start();
    server_->start();
    if (metrics_) {
      metrics_->start();
      spdlog::info("metrics: serving {}", services.metrics_url);
    }
    if (metrics_) metrics_url_ = services.metrics_url;
    // A live upgrade is no boot: what was stopped stays stopped.
    if (!handover_) supervisor_.resurrect_on_boot();
    // READY only now: the state is loaded, the socket listens (the ControlServer constructor
    // called listen(), or systemd did) and resurrected children are spawned. A client that
    // systemd let through is queued in the backlog until io.run() accepts it.
    notifier_.send("READY=1\nSTATUS=supervising " + std::to_string(supervisor_.size()) +
                   " process(es), " + std::to_string(supervisor_.online_count()) + " running");
    spdlog::info("ready: {} process(es), {} online", supervisor_.size(),
                 supervisor_.online_count());
    io_.run();
    // Whatever is still queued reaches the disk before bgod exits, however the loop ended.
    store_.close();
    // An inherited socket belongs to systemd, which keeps listening on it (the next client
    // starts bgod again): removing its path would cut every later client off.
    if (!listen_from_systemd_) ::unlink(paths_.socket().c_str());
    spdlog::info("bgod stopped");
    return 0;
  }

 private:
  static SupervisorSettings settings(const DaemonConfig& config) {
    SupervisorSettings s;
    s.stop_timeout = config.stop_timeout;
    s.default_logs = config.default_logs;
    for (char** e = environ; *e != nullptr; ++e) s.default_env.emplace_back(*e);
    return s;
  }

  // BGO_NOTIFY and BGO_NOTIFY_CMD (spec §10.3) from bgod's environment; the command runs with
  // that environment too (DBUS_SESSION_BUS_ADDRESS, DISPLAY: docs/startup.md).
  NotifySettings notify_settings() {
    NotifySettings n;
    const char* gate = std::getenv("BGO_NOTIFY");
    n.gate = parse_notify_gate(gate != nullptr ? gate : "");
    if (const char* cmd = std::getenv("BGO_NOTIFY_CMD"); cmd != nullptr && *cmd != '\0') {
      n.command = cmd;
    }
    for (char** e = environ; *e != nullptr; ++e) n.env.emplace_back(*e);
    n.find_program = [this, env = n.env](const std::string& program) -> std::optional<std::string> {
      auto found = processes_.resolve({program}, env, "/");
      if (!found) return std::nullopt;
      return found->front();
    };
    n.log = [](const std::string& line) { spdlog::warn("{}", line); };
    return n;
  }

  // BGO_UNSAFE_NO_FSYNC=1 is for benchmarks only (bench/README.md): the no-fsync reference.
  static Fsync state_fsync() {
    const char* unsafe = std::getenv("BGO_UNSAFE_NO_FSYNC");
    if (unsafe == nullptr || std::string_view(unsafe) != "1") return Fsync::yes;
    spdlog::warn("BGO_UNSAFE_NO_FSYNC=1: state files are not fsync'ed (benchmarks only)");
    return Fsync::no;
  }

  ContainmentStatus containment_status() const {
    ContainmentStatus status;
    status.mode = processes_.containment();
    status.cgroup = processes_.cgroup_folder();
    status.memory_controller = processes_.memory_controller();
    status.reason = containment_reason_;
    return status;
  }

  // Live upgrade: what the next image needs besides the children (daemon/upgrade.hpp).
  Handover handover_base() {
    Handover h;
    h.lock_fd = lock_.fd();
    h.listen_fd = server_ ? server_->native_handle() : -1;
    h.listen_from_systemd = listen_from_systemd_;
    h.notify_socket = notifier_.path();
    h.notify_sockets = notify_.handover();
    h.metrics_fd = metrics_ ? metrics_->listening_fd() : -1;
    h.metrics_url = metrics_url_;
    return h;
  }

  void hold(bool held) {
    if (stopping_ || !server_) return;
    if (held) {
      server_->hold();
    } else {
      server_->release();
    }
    hub_.hold_all(held);
  }

  void shutdown(bool keep_children) {
    if (stopping_) return;
    stopping_ = true;
    const std::string what =
        keep_children ? "children kept running"
                      : "stopping " + std::to_string(supervisor_.online_count()) + " process(es)";
    // Stopping needs descriptors (a cgroup's member list, pidfds, state files): at the limit,
    // these are the ones it gets.
    for (SpareFd& spare : stop_spares_) spare.release();
    notifier_.send("STOPPING=1\nSTATUS=shutting down: " + what);
    spdlog::info("shutting down ({})",
                 keep_children ? "children kept running" : "stopping children");
    if (server_) server_->stop();
    if (metrics_) metrics_->stop();
    // The children's last states (stopped by the daemon) are on disk before the loop ends.
    supervisor_.shutdown(keep_children, [this, keep_children] {
      supervisor_.when_all_saved([this, keep_children] {
        if (!keep_children) processes_.keeper().let_go();
        hub_.close_all();
        signals_.cancel();
        io_.stop();
      });
    });
  }

  const DaemonConfig& config_;
  Paths paths_;
  DaemonLock& lock_;
  int listen_fd_;
  bool listen_from_systemd_;  // never unlinked: systemd owns it
  std::optional<Handover> handover_;
  Notifier notifier_;
  std::optional<MetricsSocket> metrics_socket_;  // bound before the Daemon, served from run()
  std::array<SpareFd, 4> stop_spares_;           // given up when shutdown begins
  boost::asio::io_context io_;
  SteadyClock clock_;
  AsioTimerFactory timers_;
  EventHub hub_;
  LogSink logs_;
  std::string containment_reason_;  // why children are not in cgroups (empty when they are)
  PosixProcess processes_;
  StateStore store_;
  LogReader log_reader_;
  ProbeRunner probes_;       // before the supervisor: its children hold probe handles
  NotifySockets notify_;     // built under bgod.lock: removes an earlier bgod's sockets,
                             // but those the previous image of a live upgrade handed over
  DesktopNotifier desktop_;  // between the supervisor's events and the hub
  Supervisor supervisor_;
  Upgrader upgrader_;
  Reaper reaper_;
  SignalLoop signals_;
  MemoryTrim trim_;
  Dispatcher dispatcher_;
  std::unique_ptr<ControlServer> server_;
  std::unique_ptr<MetricsHttpServer> metrics_;
  std::string metrics_url_;
  bool stopping_ = false;
};

}  // namespace

int run_daemon(const DaemonConfig& config) {
  // First, while the lowest descriptors are free: children are spawned without copying bgod's
  // descriptor table, which then holds no more than these below them (spawn_slots.hpp).
  SpawnSlots slots = SpawnSlots::reserve();
  auto paths = Paths::resolve();
  if (!paths) throw std::runtime_error(paths.error().message);
  if (auto r = paths->ensure_dirs(); !r) throw std::runtime_error(r.error().message);
  // Started by a live upgrade: the lock, the sockets and the children come from the previous
  // image (which this call execs back if the hand-over cannot be read).
  std::optional<Handover> handover;
  if (config.handover_fd >= 0)
    handover = take_handover(config.handover_fd, config.args, config.handover_returned);
  auto lock = handover ? DaemonLock::adopt(*paths, UniqueFd(handover->lock_fd))
                       : DaemonLock::try_acquire(*paths);
  if (!lock) {
    (void)std::fprintf(stderr, "bgod: another bgod is already running for %s\n",
                       paths->home().c_str());
    return 1;
  }
  // The metrics address next, before anything is started or written: one that cannot be bound
  // stops bgod here, not half-way with children running and no page to read them from.
  std::optional<MetricsSocket> metrics;
  if (handover && handover->metrics_fd >= 0) {
    metrics = MetricsSocket{UniqueFd(handover->metrics_fd), handover->metrics_url};
  } else if (config.metrics_listen) {
    auto bound = listen_metrics(*config.metrics_listen);
    if (!bound) {
      (void)std::fprintf(stderr, "bgod: --metrics-listen %s\n", bound.error().message.c_str());
      return 1;
    }
    metrics = std::move(*bound);
  }
  // Both take their variables out of the environment before it becomes the children's default.
  int listen_fd = take_listen_fd();
  bool listen_from_systemd = listen_fd >= 0;
  Notifier notifier = Notifier::from_environment();
  if (handover) {
    listen_fd = handover->listen_fd;
    listen_from_systemd = handover->listen_from_systemd;
    notifier = Notifier(handover->notify_socket);
  }
  (void)::signal(SIGPIPE, SIG_IGN);  // cannot fail for SIGPIPE
  const FdBudget budget = raise_fd_limit();
  // Orphans of a child's process group are reparented to bgod, which reaps them and so learns
  // when a group it is stopping has become empty (docs/states.md, `lingering`).
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
    spdlog::warn("cannot become a subreaper: {}", std::strerror(errno));
  }
  spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%e%z] [%l] %v");
  spdlog::info("bgod {} starting (pid {}, home {})", BGO_VERSION, ::getpid(),
               paths->home().string());
  spdlog::info("descriptors: limit {} (hard {}), children get {}", budget.soft, budget.hard,
               budget.original_soft);
  // Before anything is spawned (the pipe keeper included): a delegated cgroup gets bgod moved
  // into its leaf first.
  const char* setting = std::getenv("BGO_CGROUP");
  auto cgroups = CgroupTree::detect(paths->home().string(), setting ? setting : "");
  if (cgroups.tree) {
    spdlog::info("containment: cgroup {} (memory controller: {})", cgroups.tree->folder(),
                 cgroups.tree->memory() ? "yes" : "no");
  } else {
    spdlog::info("containment: process groups ({})", cgroups.reason);
  }
  Daemon daemon(config, *paths, *lock, listen_fd, listen_from_systemd, std::move(notifier),
                std::move(cgroups), std::move(metrics), budget, std::move(handover),
                std::move(slots));
  return daemon.run();
}

}  // namespace bgo::daemon
