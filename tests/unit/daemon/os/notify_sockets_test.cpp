// SPDX-License-Identifier: MIT
// NotifySockets on a real io_context: the folder, the sockets, datagrams from systemd-notify and
// Python, the uid check, stale files; and the parsing of sd_notify messages.
#include "daemon/os/notify_sockets.hpp"

#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include "tests/unit/daemon/os/io_wait.hpp"

extern char** environ;

namespace bgo::daemon {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(ParseNotifyMessage, SplitsKeyValueLinesInOrder) {
  const NotifyFields f = parse_notify_message("READY=1\nSTATUS=listening on :8080\nMAINPID=42\n");
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0], (std::pair<std::string, std::string>{"READY", "1"}));
  EXPECT_EQ(f[1], (std::pair<std::string, std::string>{"STATUS", "listening on :8080"}));
  EXPECT_EQ(f[2], (std::pair<std::string, std::string>{"MAINPID", "42"}));
}

TEST(ParseNotifyMessage, ValueKeepsLaterEqualsAndMayBeEmpty) {
  const NotifyFields f = parse_notify_message("STATUS=a=b=c\nERRNO=");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].second, "a=b=c");
  EXPECT_EQ(f[1].first, "ERRNO");
  EXPECT_EQ(f[1].second, "");
}

TEST(ParseNotifyMessage, SkipsWhatIsNotAnAssignment) {
  const NotifyFields f =
      parse_notify_message("\n\nnonsense\n=1\nlower=1\nSP ACE=1\nWATCHDOG=1\n\nX_2=y");
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[0].first, "WATCHDOG");
  EXPECT_EQ(f[1].first, "X_2");
  EXPECT_TRUE(parse_notify_message("").empty());
}

// Children of the test (systemd-notify, python3), each reaped by pid when SIGCHLD says so;
// any still running at the end is killed and reaped.
class Children {
 public:
  explicit Children(asio::io_context& io) : sigchld_(io, SIGCHLD) { arm(); }
  ~Children() {
    for (const auto& [pid, status] : status_) {
      if (status) continue;
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
  Children(const Children&) = delete;
  Children& operator=(const Children&) = delete;

  // Runs `argv` (found on PATH) with this process's environment plus `extra`.
  pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra) {
    std::vector<std::string> env = extra;
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
    std::vector<char*> a, e;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    for (const auto& s : env) e.push_back(const_cast<char*>(s.c_str()));
    e.push_back(nullptr);
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawnp(&pid, a[0], nullptr, nullptr, a.data(), e.data()), 0) << argv[0];
    if (pid > 0) status_[pid] = std::nullopt;
    return pid;
  }
  // The wait status once `pid` was reaped.
  std::optional<int> status(pid_t pid) const { return status_.at(pid); }

 private:
  void arm() {
    sigchld_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      for (auto& [pid, status] : status_) {
        int ws = 0;
        if (!status && ::waitpid(pid, &ws, WNOHANG) == pid) status = ws;
      }
      arm();
    });
  }
  asio::signal_set sigchld_;
  std::map<pid_t, std::optional<int>> status_;
};

struct Message {
  std::string name;
  NotifyFields fields;
  std::string get(const std::string& key) const {
    for (const auto& [k, v] : fields) {
      if (k == key) return v;
    }
    return "<absent>";
  }
};

class NotifySocketsTest : public ::testing::Test {
 protected:
  NotifySocketsTest() { EXPECT_TRUE(paths_.ensure_dirs()); }

  std::unique_ptr<NotifySockets> make(std::vector<HandoverNotify> handed = {}) {
    return std::make_unique<NotifySockets>(
        io_, paths_,
        [this](const std::string& name, NotifyFields fields) {
          messages_.push_back({name, std::move(fields)});
        },
        std::move(handed));
  }
  // Runs the loop until `pid` exited, and returns its exit code (-1: killed, or 10 s passed).
  int wait_exit(pid_t pid) {
    if (!test::run_until(io_, [&] { return children_.status(pid).has_value(); })) return -1;
    const int ws = *children_.status(pid);
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
  }
  // python3 -c `code` with NOTIFY_SOCKET=`socket`.
  pid_t python(const std::string& socket, const std::string& code) {
    return children_.spawn({"python3", "-c", "import os, socket, sys\n" + code},
                           {"NOTIFY_SOCKET=" + socket});
  }

  test::TempDir tmp_{"bgo_notify"};
  Paths paths_{tmp_.path() / "home"};
  asio::io_context io_;
  Children children_{io_};
  std::vector<Message> messages_;
};

constexpr const char* k_send_from_env =
    "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
    "s.sendto(sys.argv[1].encode(), os.environ['NOTIFY_SOCKET'])\n";

TEST_F(NotifySocketsTest, OpenMakesAPrivateFolderAndShortNames) {
  auto notify = make();
  EXPECT_FALSE(fs::exists(paths_.notify_dir()));  // nothing until a child asks
  auto a = notify->open("api");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(*a, (paths_.notify_dir() / "1.sock").string());
  struct stat st {};
  ASSERT_EQ(::stat(paths_.notify_dir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  ASSERT_EQ(::lstat(a->c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  auto again = notify->open("api");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *a);  // idempotent
  auto b = notify->open(std::string(64, 'n'));
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, (paths_.notify_dir() / "2.sock").string());
}

TEST_F(NotifySocketsTest, CloseRemovesTheSocketAndTheDestructorTheRest) {
  auto notify = make();
  auto a = notify->open("api");
  auto b = notify->open("web");
  ASSERT_TRUE(a && b);
  notify->close("api");
  EXPECT_FALSE(fs::exists(fs::symlink_status(*a)));
  notify->close("api");  // a second close is a no-op
  auto reopened = notify->open("api");
  ASSERT_TRUE(reopened);
  EXPECT_EQ(*reopened, (paths_.notify_dir() / "3.sock").string());  // never a reused name
  notify.reset();
  EXPECT_TRUE(fs::is_empty(paths_.notify_dir()));
}

TEST_F(NotifySocketsTest, SystemdNotifyReadyIsReceived) {
  auto notify = make();
  auto path = notify->open("api");
  ASSERT_TRUE(path) << path.error().message;
  // systemd-notify 252 also sends BARRIER=1 with a pipe and waits (5 s) for us to close it:
  // exit 0 shows the barrier was answered.
  const pid_t pid = children_.spawn({"systemd-notify", "--ready", "--status=serving"},
                                    {"NOTIFY_SOCKET=" + *path});
  ASSERT_TRUE(test::run_until(io_, [&] { return !messages_.empty(); }));
  EXPECT_EQ(messages_[0].name, "api");
  EXPECT_EQ(messages_[0].get("READY"), "1");
  EXPECT_EQ(messages_[0].get("STATUS"), "serving");
  EXPECT_EQ(wait_exit(pid), 0);
  for (const auto& m : messages_) EXPECT_EQ(m.get("BARRIER"), "<absent>");
}

TEST_F(NotifySocketsTest, APythonDatagramIsReceived) {
  auto notify = make();
  ASSERT_TRUE(notify->open("other"));
  auto path = notify->open("worker");
  ASSERT_TRUE(path);
  // sys.argv[1] of `python3 -c CODE WORD` is WORD: the datagram.
  const pid_t sender =
      children_.spawn({"python3", "-c", std::string("import os, socket, sys\n") + k_send_from_env,
                       "READY=1\nSTATUS=warming up\n"},
                      {"NOTIFY_SOCKET=" + *path});
  ASSERT_TRUE(test::run_until(io_, [&] { return !messages_.empty(); }));
  EXPECT_EQ(messages_[0].name, "worker");
  EXPECT_EQ(messages_[0].get("READY"), "1");
  EXPECT_EQ(messages_[0].get("STATUS"), "warming up");
  EXPECT_EQ(wait_exit(sender), 0);
}

TEST_F(NotifySocketsTest, PassedDescriptorsAreClosedAndABarrierIsNotPassedOn) {
  auto notify = make();
  auto path = notify->open("api");
  ASSERT_TRUE(path);
  // sd_notify_barrier(3) by hand: exit 0 once the read end sees the write end closed.
  const pid_t pid = python(*path,
                           "import select\n"
                           "r, w = os.pipe()\n"
                           "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                           "s.connect(os.environ['NOTIFY_SOCKET'])\n"
                           "socket.send_fds(s, [b'BARRIER=1'], [w])\n"
                           "os.close(w)\n"
                           "sys.exit(0 if select.select([r], [], [], 5)[0] else 1)\n");
  EXPECT_EQ(wait_exit(pid), 0);
  EXPECT_TRUE(messages_.empty());
}

TEST_F(NotifySocketsTest, ADatagramFromAnotherUidIsDropped) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to send as another uid";
  auto notify = make();
  auto path = notify->open("api");
  ASSERT_TRUE(path);
  // Connected while root (the folder is 0700), then sent as nobody: the kernel stamps the
  // datagram with the uid at send time.
  const pid_t foreign = python(*path,
                               "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                               "s.connect(os.environ['NOTIFY_SOCKET'])\n"
                               "os.setgid(65534)\n"
                               "os.setuid(65534)\n"
                               "s.send(b'READY=1\\nSTATUS=foreign\\n')\n");
  ASSERT_EQ(wait_exit(foreign), 0);
  const pid_t mine = python(*path,
                            "s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)\n"
                            "s.sendto(b'STATUS=mine\\n', os.environ['NOTIFY_SOCKET'])\n");
  // Datagrams queue in order: once ours is in, the foreign one was read and dropped.
  ASSERT_TRUE(test::run_until(io_, [&] { return !messages_.empty(); }));
  EXPECT_EQ(wait_exit(mine), 0);
  ASSERT_EQ(messages_.size(), 1u);
  EXPECT_EQ(messages_[0].get("STATUS"), "mine");
  EXPECT_EQ(messages_[0].get("READY"), "<absent>");
}

TEST_F(NotifySocketsTest, StaleSocketsAreRemovedAtStart) {
  ASSERT_EQ(::mkdir(paths_.notify_dir().c_str(), 0700), 0);
  const std::string stale = (paths_.notify_dir() / "7.sock").string();
  {
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, stale.c_str(), stale.size() + 1);
    ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);  // the file stays, as after a bgod that was killed
  }
  std::ofstream(paths_.notify_dir() / "notes.txt") << "not a socket";
  ASSERT_TRUE(fs::exists(fs::symlink_status(stale)));
  auto notify = make();
  EXPECT_FALSE(fs::exists(fs::symlink_status(stale)));
  EXPECT_TRUE(fs::exists(paths_.notify_dir() / "notes.txt"));  // only sockets are removed
}

// A datagram sent from this process (our uid) to `path`.
void send_to(const std::string& path, std::string_view text) {
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  EXPECT_EQ(::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&addr),
                     sizeof addr),
            static_cast<ssize_t>(text.size()))
      << std::strerror(errno);
  ::close(fd);
}

// A live upgrade: the previous image's sockets (here on a loop that never runs again, as an
// image that exec'd) are taken by the next one at the same path, with what queued meanwhile.
TEST_F(NotifySocketsTest, HandedOverSocketsAreReadOnAtTheSamePathWithWhatQueued) {
  asio::io_context old_io;
  NotifySockets old(old_io, paths_, [](const std::string&, const NotifyFields&) {});
  auto api = old.open("api");
  auto web = old.open("web");
  ASSERT_TRUE(api && web);
  std::vector<HandoverNotify> handed = old.handover();
  ASSERT_EQ(handed.size(), 2u);
  EXPECT_EQ(handed[0].name, "api");
  EXPECT_EQ(handed[0].path, *api);
  EXPECT_EQ(handed[1].path, *web);
  // The exec keeps the descriptors; here the old object keeps its own, so the next gets copies.
  for (auto& h : handed) h.fd = ::fcntl(h.fd, F_DUPFD_CLOEXEC, 3);
  send_to(*api, "READY=1\nSTATUS=sent during the upgrade\n");  // nobody reads: it queues
  const std::string stale = (paths_.notify_dir() / "9.sock").string();
  const int stale_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, stale.c_str(), stale.size() + 1);
  ASSERT_EQ(::bind(stale_fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(stale_fd);

  auto next = make(std::move(handed));
  EXPECT_TRUE(fs::exists(fs::symlink_status(*api))) << "a handed socket is not stale";
  EXPECT_TRUE(fs::exists(fs::symlink_status(*web)));
  EXPECT_FALSE(fs::exists(fs::symlink_status(stale)));
  EXPECT_TRUE(next->is_open("api"));
  EXPECT_FALSE(next->is_open("x"));
  ASSERT_TRUE(test::run_until(io_, [&] { return !messages_.empty(); }));
  EXPECT_EQ(messages_[0].name, "api");
  EXPECT_EQ(messages_[0].get("READY"), "1");
  EXPECT_EQ(messages_[0].get("STATUS"), "sent during the upgrade");
  send_to(*web, "WATCHDOG=1");
  ASSERT_TRUE(test::run_until(io_, [&] { return messages_.size() == 2; }));
  EXPECT_EQ(messages_[1].name, "web");
  auto again = next->open("api");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *api);  // the child's NOTIFY_SOCKET stays valid
  auto fresh = next->open("db");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, (paths_.notify_dir() / "3.sock").string());  // past the highest handed
  next->close("web");
  EXPECT_FALSE(fs::exists(fs::symlink_status(*web)));
}

TEST_F(NotifySocketsTest, AHandedDescriptorThatIsNotOneOfOursIsClosed) {
  ASSERT_EQ(::mkdir(paths_.notify_dir().c_str(), 0700), 0);
  const std::string inside = (paths_.notify_dir() / "4.sock").string();
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int dgram = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string outside = (tmp_.path() / "5.sock").string();
  std::memcpy(addr.sun_path, outside.c_str(), outside.size() + 1);
  ASSERT_EQ(::bind(dgram, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  // Closed: the number is free or reused (the folder's descriptor takes the lowest).
  auto closed = [](int fd) {
    struct stat before {};
    EXPECT_EQ(::fstat(fd, &before), 0);
    return [fd, before] {
      struct stat now {};
      return ::fstat(fd, &now) != 0 || now.st_ino != before.st_ino || now.st_dev != before.st_dev;
    };
  };
  auto null_closed = closed(null_fd);
  auto dgram_closed = closed(dgram);
  auto notify = make({{"a", inside, null_fd}, {"b", outside, dgram}});
  EXPECT_FALSE(notify->is_open("a"));
  EXPECT_FALSE(notify->is_open("b"));
  EXPECT_TRUE(null_closed());
  EXPECT_TRUE(dgram_closed());
  EXPECT_TRUE(fs::exists(fs::symlink_status(outside))) << "nothing outside the folder is touched";
}

TEST_F(NotifySocketsTest, AnOpenFolderIsClosedDownAndAWritableOneRefused) {
  ASSERT_EQ(::mkdir(paths_.notify_dir().c_str(), 0700), 0);
  ASSERT_EQ(::chmod(paths_.notify_dir().c_str(), 0755), 0);
  {
    auto notify = make();
    ASSERT_TRUE(notify->open("api"));
    struct stat st {};
    ASSERT_EQ(::stat(paths_.notify_dir().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0700u);
  }
  ASSERT_EQ(::chmod(paths_.notify_dir().c_str(), 0777), 0);
  auto notify = make();
  auto r = notify->open("api");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io_error);
  EXPECT_NE(r.error().message.find("writable by group or others"), std::string::npos)
      << r.error().message;
}

TEST_F(NotifySocketsTest, ASymlinkedFolderIsRefused) {
  test::TempDir elsewhere("bgo_notify_elsewhere");
  fs::create_directory_symlink(elsewhere.path(), paths_.notify_dir());
  auto notify = make();
  auto r = notify->open("api");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos) << r.error().message;
  EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

TEST_F(NotifySocketsTest, ATooLongPathIsRefusedWithAHint) {
  const Paths deep(tmp_.path() / std::string(100, 'h'));
  ASSERT_TRUE(deep.ensure_dirs());
  NotifySockets notify(io_, deep, [](const std::string&, const NotifyFields&) {});
  auto r = notify.open("api");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("shorter BGO_HOME"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace bgo::daemon
