// SPDX-License-Identifier: MIT
// DaemonTest.
#include "tests/integration/daemon_harness.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <poll.h>
#include <signal.h>  // NOLINT(modernize-deprecated-headers): POSIX kill() and SIGKILL
#include <spawn.h>
#include <sstream>
#include <stdlib.h>  // NOLINT(modernize-deprecated-headers): POSIX mkdtemp()
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>

extern char** environ;

namespace bgo::test {

std::vector<std::string> env_with_home(const std::filesystem::path& home) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    if (kv.rfind("BGO_HOME=", 0) == 0 || kv.rfind("BGO_NO_AUTOSTART=", 0) == 0) continue;
    env.push_back(kv);
  }
  env.push_back("BGO_HOME=" + home.string());
  return env;
}

namespace json = boost::json;

std::string bin(const std::string& name) { return std::string(BGO_BIN_DIR) + "/" + name; }

bool pid_alive(pid_t pid) {
  if (pid <= 0) return false;
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos || close + 2 >= text.size()) return false;
  return text[close + 2] != 'Z' && text[close + 2] != 'X';
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void DaemonTest::SetUp() {
  char tmpl[] = "/tmp/bgo-test-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  home_ = std::filesystem::path(tmpl) / "home";
}

void DaemonTest::TearDown() {
  const pid_t daemon = daemon_pid();
  if (daemon > 0 && pid_alive(daemon)) bgo({"daemon", "stop"});
  if (daemon > 0 && pid_alive(daemon)) ::kill(daemon, SIGKILL);
  // Everything a test started, by pid: recorded children (their groups) and extras.
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(home_ / "procs", ec)) {
    if (e.path().extension() != ".json") continue;
    json::error_code jec;
    auto v = json::parse(read_file(e.path()), jec);
    if (jec || !v.is_object()) continue;
    if (const auto* pid = v.as_object().if_contains("pid");
        pid && pid->is_int64() && pid->as_int64() > 1) {
      const auto p = static_cast<pid_t>(pid->as_int64());
      if (pid_alive(p)) {
        ::kill(-p, SIGKILL);
        ::kill(p, SIGKILL);
      }
    }
  }
  for (pid_t p : extra_pids_) {
    if (pid_alive(p)) ::kill(p, SIGKILL);
  }
  if (HasFailure()) {
    std::cerr << "---- bgod.log ----\n" << read_file(home_ / "bgod.log") << "------------------\n";
  }
  std::filesystem::remove_all(home_.parent_path(), ec);
}

RunResult DaemonTest::bgo(const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env,
                          const std::string& stdin_text, const std::string& cwd) {
  return bgo_within(std::chrono::seconds(60), args, env, stdin_text, cwd);
}

RunResult DaemonTest::bgo_within(std::chrono::milliseconds limit,
                                 const std::vector<std::string>& args,
                                 const std::map<std::string, std::string>& env,
                                 const std::string& stdin_text, const std::string& cwd) {
  std::vector<std::string> argv{bin("bgo")};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_within(limit, argv, env, stdin_text, cwd);
}

RunResult DaemonTest::run_within(std::chrono::milliseconds limit,
                                 const std::vector<std::string>& program_args,
                                 const std::map<std::string, std::string>& env,
                                 const std::string& stdin_text, const std::string& cwd) {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e; ++e) {
    std::string kv(*e);
    const size_t eq = kv.find('=');
    if (eq != std::string::npos) vars[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  vars["BGO_HOME"] = home_.string();
  vars.erase("BGO_NO_AUTOSTART");
  vars.erase("COLUMNS");
  vars.erase("BGO_TABLE");
  for (const auto& [k, v] : env) vars[k] = v;
  std::vector<std::string> env_strings;
  env_strings.reserve(vars.size());
  for (const auto& [k, v] : vars) env_strings.push_back(std::string(k).append("=").append(v));
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_s = program_args;
  std::vector<char*> argv;
  argv.reserve(argv_s.size() + 1);
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  EXPECT_EQ(::pipe2(in_pipe, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(out_pipe, O_CLOEXEC), 0);
  EXPECT_EQ(::pipe2(err_pipe, O_CLOEXEC), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  RunResult r;
  if (rc != 0) {
    ADD_FAILURE() << "cannot spawn bgo: " << rc;
    return r;
  }
  if (!stdin_text.empty()) {
    (void)!::write(in_pipe[1], stdin_text.data(), stdin_text.size());
  }
  ::close(in_pipe[1]);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_count = 2;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (open_count > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (::poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 1000))) <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
      char buf[65536];
      const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
      } else {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  int status = 0;
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (!wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; },
                  std::max(left, std::chrono::milliseconds(100)))) {  // exit follows EOF
    r.timed_out = true;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    std::string call;
    for (const auto& a : program_args) call += (call.empty() ? "" : " ") + a;
    ADD_FAILURE() << call << " did not finish within " << limit.count() << " ms (killed)";
  }
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

json::value DaemonTest::status_json() {
  RunResult r = bgo({"status", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  json::error_code ec;
  json::value v = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << r.out;
  return v;
}

std::optional<json::object> DaemonTest::row(const std::string& name) {
  json::value v = status_json();
  if (!v.is_array()) return std::nullopt;
  for (auto& r : v.as_array()) {
    if (r.as_object().at("name").as_string() == name) return r.as_object();
  }
  return std::nullopt;
}

json::object DaemonTest::state(const std::string& name) {
  json::error_code ec;
  auto v = json::parse(read_file(home_ / "procs" / (name + ".json")), ec);
  if (ec || !v.is_object()) return {};
  return v.as_object();
}

pid_t DaemonTest::daemon_pid() {
  const std::string text = read_file(home_ / "bgod.pid");
  return text.empty() ? 0 : static_cast<pid_t>(std::strtol(text.c_str(), nullptr, 10));
}

pid_t DaemonTest::crash_daemon() {
  const pid_t old = daemon_pid();
  EXPECT_GT(old, 0);
  EXPECT_EQ(::kill(old, SIGKILL), 0);
  EXPECT_TRUE(wait_until([&] { return !pid_alive(old); }));
  return old;
}

pid_t DaemonTest::online_pid(const std::string& name) {
  const auto r = row(name);
  if (!r || r->at("status").as_string() != "online") return 0;
  return static_cast<pid_t>(r->at("pid").as_int64());
}

std::vector<std::string> DaemonTest::child(std::vector<std::string> args) {
  args.insert(args.begin(), bin("bgo_test_child"));
  return args;
}

void DaemonTest::start_ok(const std::string& name, const std::vector<std::string>& child_args,
                          std::vector<std::string> opts) {
  std::vector<std::string> args{"start"};
  args.insert(args.end(), opts.begin(), opts.end());
  args.push_back(name);
  args.emplace_back("--");
  for (auto& a : child(child_args)) args.push_back(a);
  RunResult r = bgo(args);
  ASSERT_EQ(r.code, 0) << r.out << r.err;
}

}  // namespace bgo::test
