// SPDX-License-Identifier: MIT
// Upgrader.
#include "daemon/upgrade.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <stdexcept>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "daemon/core/supervisor.hpp"
#include "daemon/os/posix_process.hpp"
#include "daemon/rpc/event_hub.hpp"

namespace bgo::daemon {

namespace {

// The new binary gets this long to answer --handover-check.
constexpr std::chrono::seconds k_check_timeout{10};
// Requests in flight and children between phases get this long to settle; then the upgrade
// is refused (and tried again by whoever asked), never forced.
constexpr std::chrono::seconds k_settle_timeout{10};
// Answers already queued get this long to be written before the exec.
constexpr std::chrono::seconds k_flush_timeout{2};
// An image that refuses the hand-over tells the previous one why through this variable.
constexpr const char* k_refused_env = "BGOD_HANDOVER_REFUSED";

// The signals bgod handles stay blocked across the exec: one arriving in between is kept
// pending instead of meeting the default action (SIGTERM, SIGUSR2 would kill bgod), and the
// new image's SignalLoop::start() unblocks them once its handlers are installed.
sigset_t handled_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR2, SIGCHLD}) sigaddset(&set, sig);
  return set;
}

// Deadlines cross the exec as ns of CLOCK_MONOTONIC (steady_clock's epoch); -1 for none.
int64_t ns_of(std::optional<Clock::time_point> t) {
  if (!t) return -1;
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t->time_since_epoch()).count();
}

std::optional<Clock::time_point> time_of(int64_t ns) {
  if (ns < 0) return std::nullopt;
  return Clock::time_point(
      std::chrono::duration_cast<Clock::time_point::duration>(std::chrono::nanoseconds(ns)));
}

std::string monotonic_usec() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::to_string(static_cast<uint64_t>(ts.tv_sec) * 1'000'000 +
                        static_cast<uint64_t>(ts.tv_nsec) / 1000);
}

}  // namespace

Upgrader::Upgrader(boost::asio::io_context& io, Supervisor& supervisor, EventHub& hub,
                   PosixProcess& processes, const Notifier& notifier, Hooks hooks,
                   std::vector<std::string> args, uint64_t upgrades, std::string last_error)
    : io_(io),
      supervisor_(supervisor),
      hub_(hub),
      processes_(processes),
      notifier_(notifier),
      hooks_(std::move(hooks)),
      args_(std::move(args)),
      upgrades_(upgrades),
      exe_path_(current_exe_path()),
      self_(open_current_exe()),
      check_(io),
      deadline_(io),
      last_error_(std::move(last_error)) {
  hub_.set_progress_listener([this] { on_progress(); });
  if (!last_error_.empty()) spdlog::error("upgrade failed: {}", last_error_);
}

Upgrader::~Upgrader() { hub_.set_progress_listener(nullptr); }

UpgradeStatus Upgrader::status() const { return {upgrades_, exe_path_, last_error_}; }

void Upgrader::request(std::string path, UpgradeDone done, bool from_request) {
  if (step_ != Step::idle) {
    return boost::asio::post(io_, [done = std::move(done)] {
      done(make_error(Errc::invalid_state, "an upgrade is already under way"));
    });
  }
  path_ = path.empty() ? exe_path_ : std::move(path);
  done_ = std::move(done);
  from_request_ = from_request;
  step_ = Step::checking;
  spdlog::info("upgrade: checking {}", path_);
  check_.start(path_, k_check_timeout, [this](Result<std::string> v) { on_checked(std::move(v)); });
}

void Upgrader::on_checked(Result<std::string> version) {
  if (!version) return fail(version.error().message);
  version_ = *version;
  step_ = Step::settling;
  hooks_.hold(true);
  supervisor_.hold_restarts(true);
  deadline_.expires_after(k_settle_timeout);
  deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    if (step_ == Step::settling) {
      return fail("bgod stayed busy for " + std::to_string(k_settle_timeout.count()) + " s (" +
                  std::to_string(supervisor_.settling_count()) +
                  " process(es) changing state); try again");
    }
    if (step_ == Step::flushing) exec_now();  // a client too slow to read is not waited for
  });
  advance();
}

// Called for every answered request, written chunk, closed session and process event: only
// looks, from a posted handler, so it never runs inside the code that reported the progress.
// NOLINTNEXTLINE(misc-no-recursion): advance() runs later, from a posted handler
void Upgrader::on_progress() {
  if ((step_ != Step::settling && step_ != Step::flushing) || posted_) return;
  posted_ = true;
  boost::asio::post(io_, [this] {  // NOLINT(misc-no-recursion): see above
    posted_ = false;
    advance();
  });
}

// advance() -> on_progress() -> (posted) advance() is a cycle in the call graph only.
void Upgrader::advance() {  // NOLINT(misc-no-recursion)
  if (step_ == Step::settling) {
    const size_t own = from_request_ ? 1 : 0;  // the upgrade request waits for this answer
    if (hub_.in_flight() > own || supervisor_.settling_count() > 0) return;
    step_ = Step::flushing;
    deadline_.cancel();
    deadline_.expires_after(k_flush_timeout);
    deadline_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec && step_ == Step::flushing) exec_now();
    });
    if (auto done = std::exchange(done_, nullptr)) done(UpgradeStarted{path_, version_});
    // Behind every answer: requests still unanswered were never read, and may be sent again.
    hub_.announce_upgrade();
    // The answer is queued now; advance() runs again once it is written.
    return on_progress();
  }
  if (step_ == Step::flushing && hub_.queued_bytes() == 0 && hub_.in_flight() == 0) exec_now();
}

void Upgrader::exec_now() {
  deadline_.cancel();
  // The writer thread dies with this image: what it still holds goes to disk first, and the
  // store writes at once from now on (also if the exec fails and this image goes on).
  hooks_.flush_state();
  const auto began = std::chrono::steady_clock::now();  // the hand-over's cost, for the log
  Handover h = hooks_.fixed();
  h.upgrades = upgrades_ + 1;
  h.old_exe_fd = self_.get();
  for (const auto& c : supervisor_.own_running()) {
    const auto [out, err] = processes_.pipe_fds(c.name, c.pid);
    h.children.push_back({c.name, c.pid, c.start_ticks, out, err});
  }
  for (const auto& w : supervisor_.watch_carry()) h.watch.push_back(handover_watch(w));
  h.keeper_fd = processes_.keeper().socket_fd();
  h.keeper_pid = processes_.keeper().pid();
  auto memfd = write_handover_memfd(h);
  if (!memfd) return fail("cannot write the hand-over: " + memfd.error().message);
  std::vector<int> fds = handover_fds(h);
  fds.push_back(memfd->get());
  notifier_.send("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec() + "\nSTATUS=upgrading to " +
                 path_);
  spdlog::info("upgrade: exec {} (bgod {}), {} process(es) handed over in {} us", path_, version_,
               h.children.size(),
               std::chrono::duration_cast<std::chrono::microseconds>(
                   std::chrono::steady_clock::now() - began)
                   .count());
  spdlog::default_logger()->flush();
  const sigset_t blocked = handled_signals();
  sigset_t old_mask;
  ::sigprocmask(SIG_BLOCK, &blocked, &old_mask);
  Error e = make_error(Errc::internal, "cannot clear close-on-exec on the hand-over");
  if (set_cloexec_from_3() && set_cloexec(fds, false)) e = exec_image(path_, args_, memfd->get());
  // Still here: the exec failed and this image goes on, as if nothing had been asked (every
  // other descriptor now being close-on-exec only keeps them from children).
  (void)set_cloexec(fds, true);  // best effort: otherwise only a leak into later children
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  notifier_.send("READY=1\nSTATUS=upgrade failed; still running the previous bgod");
  fail(e.message);
}

void Upgrader::fail(const std::string& why) {
  deadline_.cancel();
  if (step_ == Step::settling || step_ == Step::flushing) {
    hooks_.hold(false);
    supervisor_.hold_restarts(false);
  }
  step_ = Step::idle;
  last_error_ = why;
  spdlog::error("upgrade to {} refused: {}", path_, why);
  if (auto done = std::exchange(done_, nullptr)) done(make_error(Errc::invalid_state, why));
}

HandoverWatch handover_watch(const WatchCarry& w) {
  HandoverWatch out{w.name, w.streak, ns_of(w.restart_at), w.last_uptime.count(), {}, {}};
  for (const auto ms : w.recent_restarts) out.recent_restarts_ms.push_back(ms.count());
  if (w.health) {
    const HealthCarry& c = *w.health;
    out.health = HandoverHealth{c.ready,
                                ns_of(c.ready_deadline),
                                ns_of(c.next_probe),
                                ns_of(c.watchdog_at),
                                c.live_failures,
                                c.live_ok,
                                c.detail};
  }
  return out;
}

std::vector<WatchCarry> carried_watch(const Handover& h) {
  std::vector<WatchCarry> out;
  for (const auto& w : h.watch) {
    WatchCarry c{
        w.name, w.streak, time_of(w.restart_at_ns), std::chrono::milliseconds(w.last_uptime_ms),
        {},     {}};
    for (const int64_t ms : w.recent_restarts_ms) {
      c.recent_restarts.emplace_back(ms);
    }
    if (w.health) {
      const HandoverHealth& x = *w.health;
      c.health = HealthCarry{x.ready,
                             time_of(x.ready_deadline_ns),
                             time_of(x.next_probe_ns),
                             time_of(x.watchdog_ns),
                             x.live_failures,
                             x.live_ok,
                             x.detail};
    }
    out.push_back(std::move(c));
  }
  return out;
}

Handover take_handover(int fd, const std::vector<std::string>& args, bool returned) {
  auto bytes = read_handover_bytes(fd);
  auto h = bytes ? decode_handover(*bytes) : Result<Handover>(bytes.error());
  if (!h) {
    const int back = bytes && !returned ? handover_old_exe_fd(*bytes) : -1;
    (void)std::fprintf(stderr, "bgod: cannot take over: %s%s\n", h.error().message.c_str(),
                       back >= 0 ? "; running the previous bgod again" : "");
    if (back >= 0) {
      // Why, for the previous image's daemon.status, in the environment: its command line must
      // stay one every version reads, and an image that does not know the variable ignores it.
      const std::string why = current_exe_path() + " cannot take over: " + h.error().message;
      (void)::setenv(k_refused_env, why.c_str(), 1);  // on failure only the reason is lost
      const Error e = exec_image_fd(back, args, fd);
      throw std::runtime_error("cannot take over, nor go back: " + e.message);
    }
    throw std::runtime_error("cannot take over: " + h.error().message);
  }
  if (returned) {
    // The way back: this image is the one that wrote the hand-over, counting the upgrade that
    // failed. Undone here, so that `bgo daemon upgrade` sees the count it had and reports the
    // failure, with the next image's reason.
    const char* why = std::getenv(k_refused_env);
    h->refused = why != nullptr && *why != '\0' ? why : "the new bgod could not take over";
    h->refused += "; running the previous bgod again";
    ::unsetenv(k_refused_env);  // not for the next upgrade's images
    if (h->upgrades > 0) --h->upgrades;
  }
  (void)set_cloexec(handover_fds(*h), true);       // none may leak into a child
  if (h->old_exe_fd >= 0) ::close(h->old_exe_fd);  // this image keeps its own way back
  ::close(fd);
  h->old_exe_fd = -1;
  return std::move(*h);
}

}  // namespace bgo::daemon
