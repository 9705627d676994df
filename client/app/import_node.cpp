// SPDX-License-Identifier: MIT
// node as an evaluator of ecosystem.config.js: spawned without a shell, bounded in time and
// output.
#include "client/app/import_node.hpp"

#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/app/import_util.hpp"
#include "common/spawn_attr.hpp"
#include "common/unique_fd.hpp"

namespace bgo::app {

namespace {

constexpr size_t k_max_output = size_t{32} * 1024 * 1024;
constexpr std::chrono::seconds k_timeout{10};

// What node runs: require() the file (node 20 also requires ES modules, as {__esModule,
// default}); an older node's ERR_REQUIRE_ESM falls back to import(). The export is printed
// whole: pm2 reads `apps`, else `pm2`, else the export itself.
constexpr std::string_view k_script = R"JS(
const p = process.argv[1];
const out = (c) => {
  if (c && c.__esModule && c.default !== undefined) c = c.default;
  let t;
  try { t = JSON.stringify(c === undefined ? null : c); }
  catch (e) { t = JSON.stringify({ apps: c && c.apps }); }
  process.stdout.write(t === undefined ? "null" : t);
};
const fail = (e) => { process.stderr.write(String((e && e.stack) || e) + "\n"); process.exit(1); };
if (process.argv[2] === "expression") {
  try {
    const t = require("fs").readFileSync(p, "utf8").replace(/^\uFEFF/, "");
    out(require("vm").runInThisContext("(" + t + ")", { filename: p, timeout: 5000 }));
  } catch (e) { fail(e); }
} else try { out(require(p)); } catch (e) {
  if (e && e.code === "ERR_REQUIRE_ESM") {
    import(require("url").pathToFileURL(p).href).then((m) => out(m.default !== undefined ? m.default : m), fail);
  } else { fail(e); }
}
)JS";

bool on_path(const std::string& program) {
  if (program.find('/') != std::string::npos) return ::access(program.c_str(), X_OK) == 0;
  const char* path = std::getenv("PATH");
  std::string_view rest = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  for (;;) {
    const size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (dir.empty()) dir = ".";
    dir.append("/").append(program);
    if (::access(dir.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
}

std::string last_lines(const std::string& text, int count) {
  size_t pos = text.size();
  while (pos > 0 && text[pos - 1] == '\n') --pos;
  const size_t end = pos;
  for (int n = 0; n < count && pos > 0; ++n) {
    const size_t nl = text.rfind('\n', pos - 1);
    pos = nl == std::string::npos ? 0 : nl;
  }
  return text.substr(pos == 0 ? 0 : pos + 1, end - (pos == 0 ? 0 : pos + 1));
}

}  // namespace

Result<std::string> evaluate_js_module(const std::string& file, const std::string& node,
                                       const std::map<std::string, std::string>& environment,
                                       JsSource source) {
  if (!on_path(node)) {
    return make_error(Errc::invalid_params,
                      file +
                          " is JavaScript, and reading it needs node, which is not on PATH. "
                          "Install Node.js, or export the apps as JSON (node -e "
                          "\"console.log(JSON.stringify(require('./" +
                          std::filesystem::path(file).filename().string() +
                          "'),null,2))\" > ecosystem.config.json on a machine with node) and "
                          "import that");
  }
  auto out_pipe = make_pipe();
  if (!out_pipe) return out_pipe.error();
  auto err_pipe = make_pipe();
  if (!err_pipe) return err_pipe.error();

  std::vector<std::string> env_text;
  env_text.reserve(environment.size());
  for (const auto& [key, value] : environment) {
    std::string entry = key;
    entry.append("=").append(value);
    env_text.push_back(std::move(entry));
  }
  std::vector<char*> envp;
  envp.reserve(env_text.size() + 1);
  for (auto& entry : env_text) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string script(k_script);
  std::string node_arg = node;
  std::string e_flag = "-e";
  std::string file_arg = file;
  std::string mode = source == JsSource::expression ? "expression" : "module";
  std::array<char*, 6> argv{node_arg.data(), e_flag.data(), script.data(),
                            file_arg.data(), mode.data(),   nullptr};

  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  (void)::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  (void)::posix_spawn_file_actions_adddup2(&actions, out_pipe->write.get(), 1);
  (void)::posix_spawn_file_actions_adddup2(&actions, err_pipe->write.get(), 2);
  const std::string folder = folder_of(file);
  (void)::posix_spawn_file_actions_addchdir_np(&actions, folder.c_str());
  pid_t pid = -1;
  const CleanSpawnAttr attr;  // bgo ignores SIGPIPE; node must not inherit that
  const int rc = ::posix_spawnp(&pid, argv[0], &actions, attr.get(), argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  out_pipe->write.reset();
  err_pipe->write.reset();
  if (rc != 0)
    return errno_error(Errc::spawn_failed, "cannot run " + node + ": " + std::strerror(rc), rc);

  std::string out;
  std::string err;
  std::array<pollfd, 2> fds{{{out_pipe->read.get(), POLLIN, 0}, {err_pipe->read.get(), POLLIN, 0}}};
  const auto deadline = std::chrono::steady_clock::now() + k_timeout;
  bool timed_out = false;
  bool too_big = false;
  std::array<char, 65536> buffer{};
  while (fds[0].fd >= 0 || fds[1].fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {
        fds[i].fd = -1;
        continue;
      }
      std::string& sink = i == 0 ? out : err;
      sink.append(buffer.data(), static_cast<size_t>(n));
      if (sink.size() > k_max_output) too_big = true;
    }
    if (too_big) break;
  }
  if (timed_out || too_big) (void)::kill(pid, SIGKILL);  // ours, not yet reaped
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return make_error(Errc::invalid_params,
                      file +
                          ": node did not finish evaluating it within 10 s (does it start "
                          "something rather than export a configuration?)");
  }
  if (too_big) return make_error(Errc::invalid_params, file + ": node printed more than 32 MiB");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return make_error(Errc::invalid_params,
                      file + ": node could not evaluate it:\n" + last_lines(err, 8));
  }
  return out;
}

}  // namespace bgo::app
