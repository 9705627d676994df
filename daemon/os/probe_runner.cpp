// SPDX-License-Identifier: MIT
// ProbeRunner: one Attempt object per run(), kept alive by its own pending handlers.
#include "daemon/os/probe_runner.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <spawn.h>
#include <string>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "common/endpoint.hpp"
#include "common/spawn_attr.hpp"

namespace bgo::daemon {

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// A status line and headers larger than this are not a health endpoint's answer.
constexpr std::size_t k_max_header_bytes = std::size_t{16} * 1024;

// One attempt. Every handler it queues holds a shared_ptr to it, so it lives until the last
// one has run, even after its handle is gone; `finished_` makes the late ones no-ops.
class Attempt : public std::enable_shared_from_this<Attempt> {
 public:
  Attempt(asio::io_context& io, std::function<void(ProbeResult)> done)
      : io_(io), deadline_(io), done_(std::move(done)) {}
  virtual ~Attempt() = default;
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;

  // The handle was destroyed: stop everything, and never call `done`.
  void cancel() {
    if (finished_) return;
    finished_ = true;
    done_ = nullptr;
    deadline_.cancel();
    stop();
  }

 protected:
  void arm_deadline(std::chrono::milliseconds timeout) {
    deadline_.expires_after(timeout);
    deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
      if (!ec) self->finish(false, "timed out");
    });
  }

  // Reports a failure that happened inside run(): `done` must not run before run() returns.
  void fail_later(std::string detail) {
    asio::post(io_, [self = shared_from_this(), detail = std::move(detail)]() mutable {
      self->finish(false, std::move(detail));
    });
  }

  void finish(bool ok, std::string detail) {
    if (finished_) return;
    finished_ = true;
    deadline_.cancel();
    stop();
    // Moved out first: `done` may destroy the handle, which calls cancel() on us (a no-op now).
    auto done = std::move(done_);
    done(ProbeResult{ok, std::move(detail)});
  }

  bool finished() const { return finished_; }
  asio::io_context& io() { return io_; }

 private:
  // Releases what the attempt holds: closes sockets, kills an exec probe's group.
  virtual void stop() = 0;

  asio::io_context& io_;
  asio::steady_timer deadline_;
  std::function<void(ProbeResult)> done_;
  bool finished_ = false;
};

class RunHandle final : public ProbeRun {
 public:
  explicit RunHandle(std::shared_ptr<Attempt> attempt) : attempt_(std::move(attempt)) {}
  ~RunHandle() override { attempt_->cancel(); }
  RunHandle(const RunHandle&) = delete;
  RunHandle& operator=(const RunHandle&) = delete;

 private:
  std::shared_ptr<Attempt> attempt_;
};

// "connection refused", "network is unreachable": the system's words, as a detail.
std::string describe(const error_code& ec) {
  if (ec == asio::error::connection_refused) return "connection refused";
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message) {
    return "connection closed before an answer";
  }
  if (ec.category() == make_error_code(http::error::bad_version).category()) {
    return "bad HTTP answer: " + ec.message();
  }
  std::string text = ec.message();
  if (!text.empty() && text.front() >= 'A' && text.front() <= 'Z') {
    text.front() = static_cast<char>(text.front() - 'A' + 'a');
  }
  return text;
}

// tcp and http: resolve (skipped for an IP address), connect, then for http one request and
// the answer's header. The socket is closed as soon as the header is in.
class NetAttempt final : public Attempt {
 public:
  NetAttempt(asio::io_context& io, std::function<void(ProbeResult)> done)
      : Attempt(io, std::move(done)), resolver_(io), socket_(io) {}

  void start(const ProbeSpec& spec) {
    if (spec.kind == ProbeKind::http) {
      auto url = parse_http_url(spec.target);
      if (!url) return fail_later(url.error().message);
      host_ = url->host;
      port_ = url->port;
      request_.emplace(http::verb::get, url->target, 11);
      request_->set(http::field::host, url->host_header);
      request_->set(http::field::user_agent, "bgod/" BGO_VERSION " (health probe)");
      request_->set(http::field::accept, "*/*");
      request_->set(http::field::connection, "close");
      parser_.emplace();
      parser_->header_limit(k_max_header_bytes);
    } else {
      auto endpoint = parse_host_port(spec.target);
      if (!endpoint) return fail_later(endpoint.error().message);
      host_ = endpoint->host;
      port_ = endpoint->port;
    }
    arm_deadline(spec.timeout);
    error_code ec;
    const auto address = asio::ip::make_address(host_, ec);
    if (!ec) {
      socket_.async_connect(tcp::endpoint(address, port_),
                            [self = shared()](const error_code& e) { self->on_connect(e); });
      return;
    }
    // A name: getaddrinfo runs on Asio's resolver thread, so a slow DNS never blocks the loop.
    resolver_.async_resolve(
        host_, std::to_string(port_), tcp::resolver::numeric_service,
        [self = shared()](const error_code& e, const tcp::resolver::results_type& results) {
          self->on_resolve(e, results);
        });
  }

 private:
  std::shared_ptr<NetAttempt> shared() {
    return std::static_pointer_cast<NetAttempt>(shared_from_this());
  }

  void on_resolve(const error_code& ec, const tcp::resolver::results_type& results) {
    if (finished()) return;
    if (ec) return finish(false, "cannot resolve " + host_ + ": " + describe(ec));
    // Tries each address in turn ("localhost" may be ::1 then 127.0.0.1).
    asio::async_connect(socket_, results,
                        [self = shared()](const error_code& e, const tcp::endpoint& /*used*/) {
                          self->on_connect(e);
                        });
  }

  void on_connect(const error_code& ec) {
    if (finished()) return;
    if (ec) return finish(false, describe(ec));
    if (!request_) return finish(true, "connected");
    http::async_write(socket_, *request_,
                      [self = shared()](const error_code& e, std::size_t) { self->on_written(e); });
  }

  void on_written(const error_code& ec) {
    if (finished()) return;
    if (ec) return finish(false, describe(ec));
    http::async_read_header(
        socket_, buffer_, *parser_,
        [self = shared()](const error_code& e, std::size_t) { self->on_header(e); });
  }

  void on_header(const error_code& ec) {
    if (finished()) return;
    if (ec) return finish(false, describe(ec));
    const unsigned status = parser_->get().result_int();
    finish(status >= 200 && status < 400, "HTTP " + std::to_string(status));
  }

  void stop() override {
    resolver_.cancel();
    error_code ignored;
    socket_.close(ignored);  // cancels what is pending; a close error changes nothing here
  }

  tcp::resolver resolver_;
  tcp::socket socket_;
  std::string host_;
  uint16_t port_ = 0;
  std::optional<http::request<http::empty_body>> request_;  // http only
  std::optional<http::response_parser<http::empty_body>> parser_;
  boost::beast::flat_buffer buffer_{k_max_header_bytes};
};

// The exec probe: a child of bgod, reaped by the Reaper like any other and handed back here
// through ProbeRunner::on_exit().
class ExecAttempt final : public Attempt {
 public:
  using Attempt::Attempt;

  // The pid, or 0 when the spawn failed (then the failure is already on its way to `done`).
  pid_t start(const ProbeSpec& spec) {
    if (spec.argv.empty()) {
      fail_later("no command to run");
      return 0;
    }
    // argv and envp are built before spawning: nothing allocates between fork and exec.
    std::vector<char*> argv, envp;
    for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (!spec.cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, spec.cwd.c_str());
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    // A session of its own (so a group of its own: the timeout kills all of it), no blocked
    // signal, every signal at its default (bgod ignores SIGPIPE).
    const CleanSpawnAttr attr;
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, argv[0], &actions, attr.get(), argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      fail_later("cannot run " + spec.argv.front() + ": " + std::strerror(rc));
      return 0;
    }
    pid_ = pid;
    arm_deadline(spec.timeout);
    return pid;
  }

  void on_reaped(const ExitStatus& status) {
    reaped_ = true;
    if (status.code) {
      finish(*status.code == 0, "exit " + std::to_string(*status.code));
    } else {
      finish(false, status.describe());
    }
  }

 private:
  void stop() override {
    // Only an unreaped child is signalled: until then its pid (and group id) is still ours.
    if (pid_ <= 0 || reaped_) return;
    if (::kill(-pid_, SIGKILL) != 0 && errno == ESRCH) (void)::kill(pid_, SIGKILL);
  }

  pid_t pid_ = 0;
  bool reaped_ = false;
};

}  // namespace

struct ProbeRunner::Impl {
  explicit Impl(asio::io_context& context) : io(context) {}
  asio::io_context& io;
  // Every exec probe spawned and not yet reaped; the attempt may be gone (cancelled).
  std::map<pid_t, std::weak_ptr<ExecAttempt>> exec;
};

ProbeRunner::ProbeRunner(asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

ProbeRunner::~ProbeRunner() {
  for (const auto& [pid, attempt] : impl_->exec) {
    if (::kill(-pid, SIGKILL) != 0 && errno == ESRCH) (void)::kill(pid, SIGKILL);
  }
}

std::unique_ptr<ProbeRun> ProbeRunner::run(const ProbeSpec& spec,
                                           std::function<void(ProbeResult)> done) {
  if (spec.kind == ProbeKind::exec) {
    auto attempt = std::make_shared<ExecAttempt>(impl_->io, std::move(done));
    if (const pid_t pid = attempt->start(spec); pid > 0) impl_->exec[pid] = attempt;
    return std::make_unique<RunHandle>(std::move(attempt));
  }
  auto attempt = std::make_shared<NetAttempt>(impl_->io, std::move(done));
  attempt->start(spec);
  return std::make_unique<RunHandle>(std::move(attempt));
}

bool ProbeRunner::on_exit(pid_t pid, const ExitStatus& status) {
  const auto it = impl_->exec.find(pid);
  if (it == impl_->exec.end()) return false;
  const std::shared_ptr<ExecAttempt> attempt = it->second.lock();
  impl_->exec.erase(it);
  if (attempt) attempt->on_reaped(status);
  return true;
}

std::size_t ProbeRunner::exec_children() const { return impl_->exec.size(); }

}  // namespace bgo::daemon
