// SPDX-License-Identifier: MIT
// ImageCheck and the execve of the next image.
#include "daemon/os/image_swap.hpp"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <spawn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/spawn_attr.hpp"
#include "daemon/os/handover.hpp"

extern char** environ;

namespace bgo::daemon {

namespace {

constexpr size_t k_max_answer = 4096;
constexpr std::string_view k_deleted = " (deleted)";

std::vector<std::string> image_argv(const std::string& argv0, const std::vector<std::string>& args,
                                    int handover_fd) {
  std::vector<std::string> argv{argv0};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.emplace_back("--handover");
  argv.push_back(std::to_string(handover_fd));
  return argv;
}

std::vector<char*> c_argv(std::vector<std::string>& argv) {
  std::vector<char*> out;
  out.reserve(argv.size() + 1);
  for (auto& a : argv) out.push_back(a.data());
  out.push_back(nullptr);
  return out;
}

// The last line of what the check printed, for an error message.
std::string last_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  const size_t nl = text.rfind('\n');
  if (nl != std::string::npos) text.erase(0, nl + 1);
  return text;
}

}  // namespace

std::string current_exe_path() {
  std::array<char, 4096> buf{};
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return {};
  std::string path(buf.data(), static_cast<size_t>(n));
  if (path.size() > k_deleted.size() && path.ends_with(k_deleted)) {
    path.resize(path.size() - k_deleted.size());
  }
  return path;
}

UniqueFd open_current_exe() { return UniqueFd(::open("/proc/self/exe", O_PATH | O_CLOEXEC)); }

struct ImageCheck::Run {
  explicit Run(boost::asio::io_context& io) : output(io), timer(io) {}
  std::string path;
  Done done;
  pid_t pid = 0;
  boost::asio::posix::stream_descriptor output;
  boost::asio::steady_timer timer;
  std::array<char, 512> buffer{};
  std::string answer;
  std::optional<ExitStatus> exit;
  bool eof = false;
  bool timed_out = false;
};

ImageCheck::ImageCheck(boost::asio::io_context& io) : io_(io) {}

ImageCheck::~ImageCheck() {
  if (run_ && run_->pid > 0 && !run_->exit) ::kill(run_->pid, SIGKILL);
}

bool ImageCheck::busy() const { return run_ != nullptr; }

void ImageCheck::start(const std::string& path, std::chrono::milliseconds timeout, Done done) {
  auto fail = [this, &done](std::string why) {
    boost::asio::post(io_, [done = std::move(done), why = std::move(why)] {
      done(make_error(Errc::invalid_params, why));
    });
  };
  if (run_) return fail("an upgrade is already being checked");
  auto pipe = make_pipe();
  if (!pipe) return fail("cannot check " + path + ": " + pipe.error().message);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe->write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, pipe->write.get(), 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  const CleanSpawnAttr attr;
  std::vector<std::string> argv{path, "--handover-check", std::to_string(handover_version())};
  auto cargv = c_argv(argv);
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, path.c_str(), &actions, attr.get(), cargv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return fail("cannot run " + path + ": " + std::strerror(rc));
  pipe->write.reset();
  run_ = std::make_unique<Run>(io_);
  run_->path = path;
  run_->done = std::move(done);
  run_->pid = pid;
  run_->output.assign(pipe->read.release());
  Run* run = run_.get();
  run->timer.expires_after(timeout);
  run->timer.async_wait([this, run](const boost::system::error_code& ec) {
    if (ec || run_.get() != run || run->exit) return;
    run->timed_out = true;
    ::kill(run->pid, SIGKILL);  // not reaped yet: the pid is still the check's
  });
  struct Reader {
    ImageCheck* self;
    Run* run;
    void operator()() const {
      run->output.async_read_some(
          boost::asio::buffer(run->buffer),
          [self = self, run = run](const boost::system::error_code& ec, size_t n) {
            if (self->run_.get() != run) return;
            if (ec) {
              run->eof = true;
              return self->finish_if_done();
            }
            if (run->answer.size() < k_max_answer) run->answer.append(run->buffer.data(), n);
            Reader{self, run}();
          });
    }
  };
  Reader{this, run}();
}

bool ImageCheck::on_exit(pid_t pid, const ExitStatus& status) {
  if (!run_ || run_->pid != pid) return false;
  run_->exit = status;
  finish_if_done();
  return true;
}

void ImageCheck::finish_if_done() {
  if (!run_ || !run_->exit || !run_->eof) return;
  std::unique_ptr<Run> run = std::move(run_);
  run->timer.cancel();
  const std::string expect = "bgod-handover " + std::to_string(handover_version()) + " ok ";
  const std::string line = last_line(run->answer);
  Result<std::string> result = make_error(Errc::invalid_params, "");
  if (run->timed_out) {
    result = make_error(Errc::invalid_params,
                        run->path + " did not answer the upgrade check in time (killed)");
  } else if (run->exit->code == 0 && line.starts_with(expect)) {
    result = line.substr(expect.size());
  } else {
    std::string why =
        run->exit->code == 0 ? "exited 0 without the expected answer" : run->exit->describe();
    if (!line.empty()) why += ": " + line;
    result = make_error(Errc::invalid_params,
                        run->path + " cannot take over (bgod --handover-check " +
                            std::to_string(handover_version()) + " failed, " + why + ")");
  }
  boost::asio::post(io_, [done = std::move(run->done), result = std::move(result)]() mutable {
    done(std::move(result));
  });
}

Error exec_image(const std::string& path, const std::vector<std::string>& args, int handover_fd) {
  auto argv = image_argv(path, args, handover_fd);
  auto cargv = c_argv(argv);
  ::execve(path.c_str(), cargv.data(), environ);
  return make_error(Errc::internal, errno_message("execve " + path, errno));
}

Error exec_image_fd(int exe_fd, const std::vector<std::string>& args, int handover_fd) {
  auto argv = image_argv("bgod", args, handover_fd);
  argv.emplace_back("--handover-returned");  // that image never goes back again: no loop
  auto cargv = c_argv(argv);
  ::syscall(SYS_execveat, exe_fd, "", cargv.data(), environ, AT_EMPTY_PATH);
  return make_error(Errc::internal, errno_message("execveat of the previous image", errno));
}

}  // namespace bgo::daemon
