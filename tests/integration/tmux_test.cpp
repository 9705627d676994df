// SPDX-License-Identifier: MIT
// TmuxTest.
#include "tests/integration/tmux_test.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/text.hpp"

extern char** environ;

namespace bgo::test {

using namespace std::chrono_literals;

size_t columns_of(const std::string& line) {
  size_t width = 0;
  for (const char c : line) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++width;
  }
  return width;
}

void TmuxTest::TearDown() {
  (void)tmux({"kill-server"});  // only this test's server (its own -L socket)
  // tmux leaves the socket file behind.
  std::error_code ec;
  std::filesystem::remove(
      std::filesystem::path("/tmp") / ("tmux-" + std::to_string(::getuid())) / socket_, ec);
  DaemonTest::TearDown();
}

RunResult TmuxTest::tmux(std::vector<std::string> args) {
  args.insert(args.begin(), {"tmux", "-L", socket_});
  return run(args);
}

RunResult TmuxTest::run(const std::vector<std::string>& argv) {
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  raw.reserve(args.size() + 1);
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  int out[2];
  EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  RunResult r;
  const int rc = ::posix_spawnp(&pid, raw[0], &fa, nullptr, raw.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    return r;
  }
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;)
    r.out.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string TmuxTest::open(const std::vector<std::string>& bgo_args, int columns, int rows,
                           const std::vector<std::string>& env) {
  std::string session = "s" + std::to_string(++sessions_);
  std::string command = "'" + bin("bgo") + "'";
  for (const auto& a : bgo_args) command += " '" + a + "'";
  command += "; read -r _";
  std::vector<std::string> args{"new-session", "-d", "-s", session, "-x", std::to_string(columns),
                                "-y", std::to_string(rows), "-e", "BGO_HOME=" + home_.string(),
                                "-e", "LANG=C.UTF-8", "-e", "TERM=xterm",
                                // The window's size, not a COLUMNS the test runner may have.
                                "-e", "COLUMNS=", "-e", "LINES="};
  for (const auto& e : env) {
    args.emplace_back("-e");
    args.push_back(e);
  }
  args.insert(args.end(), {"sh", "-c", command});
  RunResult r = tmux(args);
  EXPECT_EQ(r.code, 0) << r.err;
  return session;
}

std::string TmuxTest::capture(const std::string& session) {
  return tmux({"capture-pane", "-p", "-J", "-S", "-", "-t", session}).out;
}

std::string TmuxTest::screen_where(const std::string& session,
                                   const std::function<bool(const std::string&)>& ok) {
  std::string text;
  EXPECT_TRUE(wait_until(
      [&] {
        text = capture(session);
        return ok(text) && capture(session) == text;
      },
      10s))
      << text;
  return text;
}

std::string TmuxTest::screen_when(const std::string& session, const std::string& done_marker) {
  return screen_where(session,
                      [&](const std::string& text) { return contains(text, done_marker); });
}

std::string TmuxTest::screen(const std::vector<std::string>& bgo_args, int columns,
                             const std::string& done_marker) {
  return screen_when(open(bgo_args, columns), done_marker);
}

std::string TmuxTest::raw_output(const std::vector<std::string>& bgo_args, int columns,
                                 const std::string& done_marker) {
  const std::string session = "s" + std::to_string(++sessions_);
  const std::filesystem::path file = home_.parent_path() / (session + ".raw");
  // The shell waits for a first line before it runs bgo, so the pipe is in place in time.
  std::string command = "read -r _; '" + bin("bgo") + "'";
  for (const auto& a : bgo_args) command += " '" + a + "'";
  command += "; read -r _";
  RunResult r = tmux({"new-session", "-d",
                      "-s",          session,
                      "-x",          std::to_string(columns),
                      "-y",          "30",
                      "-e",          "BGO_HOME=" + home_.string(),
                      "-e",          "LANG=C.UTF-8",
                      "-e",          "TERM=xterm",
                      "-e",          "COLUMNS=",
                      "-e",          "LINES=",
                      "sh",          "-c",
                      command});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(tmux({"pipe-pane", "-t", session, "cat >> '" + file.string() + "'"}).code, 0);
  EXPECT_EQ(tmux({"send-keys", "-t", session, "Enter"}).code, 0);
  std::string text;
  EXPECT_TRUE(wait_until(
      [&] {
        text = read_file(file);
        return contains(text, done_marker);
      },
      10s))
      << text;
  return text;
}

void TmuxTest::expect_fits(const std::string& text, int columns) {
  for (const auto& line : lines_of(text)) {
    EXPECT_LE(columns_of(line), static_cast<size_t>(columns)) << line << "\n" << text;
  }
}

}  // namespace bgo::test
