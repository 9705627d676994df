// SPDX-License-Identifier: MIT
// run_daemon(): the only place that names the concrete adapters.
#include "daemon/daemon.hpp"

#include <cstdio>
#include <memory>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/spdlog.h>

#include "common/paths.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/os/asio_timer.hpp"
#include "daemon/os/daemon_lock.hpp"
#include "daemon/os/log_sink.hpp"
#include "daemon/os/posix_process.hpp"
#include "daemon/os/state_store.hpp"
#include "daemon/os/systemd.hpp"
#include "daemon/rpc/control_server.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/services.hpp"

extern char** environ;

namespace bgo::daemon {

namespace {

void raise_fd_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

}  // namespace

int run_daemon(const DaemonConfig& config) {
  auto paths = Paths::resolve();
  if (!paths) throw std::runtime_error(paths.error().message);
  if (auto r = paths->ensure_dirs(); !r) throw std::runtime_error(r.error().message);
  auto lock = DaemonLock::try_acquire(*paths);
  if (!lock) {
    std::fprintf(stderr, "bgod: another bgod is already running for %s\n", paths->home().c_str());
    return 1;
  }
  // Both take their variables out of the environment before it becomes the children's default.
  const int listen_fd = take_listen_fd();
  const Notifier notifier = Notifier::from_environment();
  ::signal(SIGPIPE, SIG_IGN);
  raise_fd_limit();
  spdlog::set_pattern("[%Y-%m-%dT%H:%M:%S.%e%z] [%l] %v");
  spdlog::info("bgod {} starting (pid {}, home {})", BGO_VERSION, ::getpid(),
               paths->home().string());

  boost::asio::io_context io;
  SteadyClock clock;
  AsioTimerFactory timers(io);
  EventHub hub;
  std::unique_ptr<Supervisor> supervisor;
  LogSink logs(io, *paths, [&](pid_t pid) { supervisor->on_output_closed(pid); });
  logs.set_output_listener([&](const std::string& name, LogStream stream,
                               std::string_view data) { hub.on_output(name, stream, data); },
                           [&](const std::string& name) { return hub.followed(name); });
  logs.set_reserve(config.log_reserve);
  PosixProcess processes(io, logs,
                         [&](pid_t pid, const ExitStatus& s) { supervisor->on_exit(pid, s); });
  StateStore store(*paths);
  SupervisorSettings settings;
  settings.stop_timeout = config.stop_timeout;
  settings.default_logs = config.default_logs;
  for (char** e = environ; *e != nullptr; ++e) settings.default_env.emplace_back(*e);
  supervisor = std::make_unique<Supervisor>(processes, store, logs, timers, clock, hub, settings);

  auto loaded = store.load_all();
  supervisor->load(std::move(loaded.records), std::move(loaded.broken));

  boost::asio::signal_set signals(io, SIGTERM, SIGINT, SIGHUP);
  signals.add(SIGCHLD);
  Dispatcher dispatcher;
  std::unique_ptr<ControlServer> server;
  bool stopping = false;
  auto shutdown = [&](bool keep_children) {
    if (stopping) return;
    stopping = true;
    const std::string what =
        keep_children ? "children kept running"
                      : "stopping " + std::to_string(supervisor->online_count()) + " process(es)";
    notifier.send("STOPPING=1\nSTATUS=shutting down: " + what);
    spdlog::info("shutting down ({})",
                 keep_children ? "children kept running" : "stopping children");
    server->stop();
    supervisor->shutdown(keep_children, [&] {
      hub.close_all();
      signals.cancel();
      io.stop();
    });
  };
  Services services{*supervisor,
                    hub,
                    *paths,
                    [&](std::string_view name) { logs.flush(name); },
                    shutdown,
                    std::chrono::steady_clock::now(),
                    config.stop_timeout,
                    config.default_logs};
  register_handlers(dispatcher, services);
  server = std::make_unique<ControlServer>(io, *lock, *paths, dispatcher, hub, listen_fd);
  lock->write_pid_file();

  // SIGCHLD is coalesced: several exits may arrive as one signal, so reap until waitpid()
  // says nothing more has exited. This is the only wait*() in bgod.
  std::function<void()> arm_signals = [&] {
    signals.async_wait([&](const boost::system::error_code& ec, int sig) {
      if (ec) return;
      if (sig == SIGCHLD) {
        for (;;) {
          int status = 0;
          const pid_t pid = ::waitpid(-1, &status, WNOHANG);
          if (pid <= 0) {
            if (pid < 0 && errno == EINTR) continue;
            break;
          }
          supervisor->on_exit(pid, ExitStatus::from_wait_status(status));
        }
      } else if (sig == SIGHUP) {
        logs.reopen_all();
      } else {
        shutdown(false);
      }
      // Always re-arm: children must still be reaped while the shutdown waits for them.
      arm_signals();
    });
  };
  arm_signals();
  // Reap anything that exited before the signal set was installed.
  ::kill(::getpid(), SIGCHLD);

  server->start();
  supervisor->resurrect_on_boot();
  // READY only now: the state is loaded, the socket listens (the ControlServer constructor
  // called listen(), or systemd did) and resurrected children are spawned. A client that
  // systemd let through is queued in the backlog until io.run() accepts it.
  notifier.send("READY=1\nSTATUS=supervising " + std::to_string(supervisor->size()) +
                " process(es), " + std::to_string(supervisor->online_count()) + " running");
  spdlog::info("ready: {} process(es), {} online", supervisor->size(), supervisor->online_count());
  io.run();
  // An inherited socket belongs to systemd, which keeps listening on it (the next client
  // starts bgod again): removing its path would cut every later client off.
  if (listen_fd < 0) ::unlink(paths->socket().c_str());
  spdlog::info("bgod stopped");
  return 0;
}

}  // namespace bgo::daemon
