// SPDX-License-Identifier: MIT
// NotifySockets: bind, SO_PASSCRED, recvmsg on readability, uid check, KEY=VALUE parsing.
#include "daemon/os/notify_sockets.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <set>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/datagram_protocol.hpp>
#include <spdlog/spdlog.h>

namespace bgo::daemon {

namespace asio = boost::asio;

namespace {

// Datagrams taken from one socket per turn of the loop before the others get theirs.
constexpr int k_max_per_turn = 64;
// File descriptors a datagram may carry that we make room for (and close at once).
constexpr std::size_t k_max_fds = 16;

bool is_key(std::string_view key) {
  if (key.empty()) return false;
  for (const char c : key) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void close_passed_fds(const cmsghdr* cmsg) {
  const std::size_t bytes = cmsg->cmsg_len - CMSG_LEN(0);
  for (std::size_t i = 0; i < bytes / sizeof(int); ++i) {
    int fd = -1;
    std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof fd);
    if (fd >= 0) ::close(fd);
  }
}

}  // namespace

NotifyFields parse_notify_message(std::string_view datagram) {
  NotifyFields fields;
  while (!datagram.empty()) {
    const size_t end = datagram.find('\n');
    const std::string_view line = datagram.substr(0, end);
    datagram = end == std::string_view::npos ? std::string_view{} : datagram.substr(end + 1);
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos || !is_key(line.substr(0, eq))) continue;
    fields.emplace_back(line.substr(0, eq), line.substr(eq + 1));
  }
  return fields;
}

struct NotifySockets::Entry {
  Entry(asio::io_context& io, std::string process, std::string file_name)
      : name(std::move(process)), file(std::move(file_name)), socket(io) {}
  std::string name;  // the process
  std::string file;  // its socket's name in notify/
  asio::local::datagram_protocol::socket socket;
  bool closed = false;
  bool warned = false;  // a dropped datagram was logged (once per socket: a flood stays out)
};

NotifySockets::NotifySockets(asio::io_context& io, Paths paths, MessageFn on_message,
                             std::vector<HandoverNotify> handed)
    : io_(io), paths_(std::move(paths)), on_message_(std::move(on_message)) {
  // First: remove_stale() leaves the files of the sockets taken here alone.
  for (auto& socket : handed) adopt(std::move(socket));
  if (auto r = ensure_dir(CreateDirs::no); !r && !is_missing(r.error())) {
    spdlog::warn("notify sockets: {}", r.error().message);
  }
}

// The socket stayed open across the exec, bound at its path: what its child sent meanwhile
// waits in its queue and is read once the loop runs.
void NotifySockets::adopt(HandoverNotify handed) {
  UniqueFd fd(handed.fd);
  const std::filesystem::path path(handed.path);
  const std::string file = path.filename().string();
  uint64_t number = 0;
  const auto [end, ec] = std::from_chars(file.data(), file.data() + file.size(), number);
  sockaddr_un addr{};
  socklen_t len = sizeof addr;
  int type = 0;
  socklen_t type_len = sizeof type;
  const bool ok =
      path.parent_path() == paths_.notify_dir() && ec == std::errc() &&
      std::string_view(end, file.data() + file.size() - end) == ".sock" &&
      !entries_.contains(handed.name) &&
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
      addr.sun_family == AF_UNIX && len > offsetof(sockaddr_un, sun_path) &&
      std::string_view(addr.sun_path,
                       ::strnlen(addr.sun_path, len - offsetof(sockaddr_un, sun_path))) ==
          handed.path &&
      ::getsockopt(fd.get(), SOL_SOCKET, SO_TYPE, &type, &type_len) == 0 && type == SOCK_DGRAM;
  if (!ok) {
    spdlog::warn("[{}] notify socket {} handed over is not one of ours; closed", handed.name,
                 handed.path);
    return;
  }
  auto entry = std::make_shared<Entry>(io_, std::move(handed.name), file);
  boost::system::error_code assign_ec;
  entry->socket.assign(asio::local::datagram_protocol(), fd.get(), assign_ec);
  if (assign_ec) {
    spdlog::warn("[{}] notify socket {}: {}", entry->name, handed.path, assign_ec.message());
    return;
  }
  (void)fd.release();  // the Asio socket owns it now
  counter_ = std::max(counter_, number);
  entries_.emplace(entry->name, entry);
  arm(entry);
}

std::vector<HandoverNotify> NotifySockets::handover() const {
  std::vector<HandoverNotify> out;
  for (const auto& [name, entry] : entries_) {
    out.push_back(
        {name, (paths_.notify_dir() / entry->file).string(), entry->socket.native_handle()});
  }
  return out;
}

NotifySockets::~NotifySockets() {
  for (const auto& [name, entry] : entries_) {
    entry->closed = true;
    boost::system::error_code ignored;
    entry->socket.close(ignored);
    (void)::unlinkat(dir_.get(), entry->file.c_str(), 0);  // best effort: bgod is going away
  }
}

Result<void> NotifySockets::ensure_dir(CreateDirs create) {
  if (dir_) return {};
  const std::filesystem::path path = paths_.notify_dir();
  // The home itself was checked at startup; mkdir never follows a symlink put in our way.
  if (create == CreateDirs::yes && ::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return errno_error(Errc::io_error, errno_message("cannot create " + path.string(), errno),
                       errno);
  }
  auto dir = open_trusted_dir(path);
  if (!dir) return dir.error();
  // Only bgod's uid may even reach the sockets: a folder found with group or other bits (made
  // by hand, or under another umask) is closed down rather than refused, since it is ours.
  struct stat st {};
  if (::fstat(dir->get(), &st) != 0) {
    return errno_error(Errc::io_error, errno_message(path.string(), errno), errno);
  }
  if ((st.st_mode & 077) != 0) {
    if (::fchmod(dir->get(), 0700) != 0) {
      return errno_error(Errc::io_error, errno_message("chmod 0700 " + path.string(), errno),
                         errno);
    }
    spdlog::info("notify sockets: {} set to mode 0700", path.string());
  }
  dir_ = std::move(*dir);
  remove_stale();
  return {};
}

// Under bgod.lock no other bgod uses the folder, and this one has not opened a socket yet:
// every socket file in it is an earlier bgod's, but those a live upgrade handed over.
void NotifySockets::remove_stale() {
  const int fd = ::fcntl(dir_.get(), F_DUPFD_CLOEXEC, 0);
  DIR* dir = fd < 0 ? nullptr : ::fdopendir(fd);
  if (dir == nullptr) {
    if (fd >= 0) ::close(fd);
    spdlog::warn("notify sockets: cannot list {}: {}", paths_.notify_dir().string(),
                 std::strerror(errno));
    return;
  }
  std::set<std::string, std::less<>> handed;  // a live upgrade's, still in use
  for (const auto& [name, entry] : entries_) handed.insert(entry->file);
  std::vector<std::string> stale;
  while (const dirent* e = ::readdir(dir)) {
    struct stat st {};
    if (::fstatat(dir_.get(), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode) &&
        !handed.contains(std::string_view(e->d_name))) {
      stale.emplace_back(e->d_name);
    }
  }
  ::closedir(dir);
  for (const auto& file : stale) (void)::unlinkat(dir_.get(), file.c_str(), 0);  // gone is fine
  if (!stale.empty()) {
    spdlog::info("notify sockets: removed {} stale socket(s) from {}", stale.size(),
                 paths_.notify_dir().string());
  }
}

Result<std::string> NotifySockets::open(std::string_view name) {
  if (auto it = entries_.find(name); it != entries_.end()) {
    return (paths_.notify_dir() / it->second->file).string();
  }
  if (auto r = ensure_dir(CreateDirs::yes); !r) return r.error();
  std::string file = std::to_string(++counter_) + ".sock";
  const std::string path = (paths_.notify_dir() / file).string();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return make_error(Errc::io_error, "cannot open a notify socket for '" + std::string(name) +
                                          "': " + path + " is " + std::to_string(path.size()) +
                                          " bytes long, and a socket " + "path may have " +
                                          std::to_string(sizeof addr.sun_path - 1) +
                                          " at most (choose a shorter BGO_HOME)");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno_error(Errc::io_error, errno_message("notify socket", errno), errno);
  // Before bind: from the moment the path exists, every datagram carries its sender's uid.
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) {
    return errno_error(Errc::io_error, errno_message("SO_PASSCRED on " + path, errno), errno);
  }
  (void)::unlinkat(dir_.get(), file.c_str(), 0);  // normally absent (ENOENT)
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    return errno_error(Errc::io_error, errno_message("cannot bind " + path, errno), errno);
  }
  auto entry = std::make_shared<Entry>(io_, std::string(name), std::move(file));
  boost::system::error_code ec;
  entry->socket.assign(asio::local::datagram_protocol(), fd.get(), ec);
  if (ec) {
    (void)::unlinkat(dir_.get(), entry->file.c_str(), 0);  // undoing the bind, best effort
    return make_error(Errc::io_error, "notify socket " + path + ": " + ec.message());
  }
  (void)fd.release();  // the Asio socket owns it now
  entries_.emplace(std::string(name), entry);
  arm(entry);
  return path;
}

void NotifySockets::close(std::string_view name) {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return;
  const std::shared_ptr<Entry> entry = it->second;
  entries_.erase(it);
  entry->closed = true;  // a pending wait still holds the entry: it sees this and stops
  boost::system::error_code ignored;
  entry->socket.close(ignored);
  (void)::unlinkat(dir_.get(), entry->file.c_str(), 0);  // gone already is fine
}

void NotifySockets::arm(const std::shared_ptr<Entry>& entry) {
  entry->socket.async_wait(asio::socket_base::wait_read,
                           [this, entry](const boost::system::error_code& ec) {
                             // `entry` first: once it is closed, `this` may be gone.
                             if (ec || entry->closed) return;
                             drain(entry);
                           });
}

void NotifySockets::drain(const std::shared_ptr<Entry>& entry) {
  const uid_t me = ::geteuid();
  for (int i = 0; i < k_max_per_turn; ++i) {
    char data[k_max_datagram];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int) * k_max_fds)];
    iovec iov{data, sizeof data};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t n =
        ::recvmsg(entry->socket.native_handle(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) {
        spdlog::warn("[{}] notify socket: {}", entry->name, std::strerror(errno));
      }
      break;
    }
    std::optional<ucred> sender;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SCM_RIGHTS) close_passed_fds(c);  // this answers a BARRIER=1 too
      if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(ucred))) {
        ucred cred{};
        std::memcpy(&cred, CMSG_DATA(c), sizeof cred);
        sender = cred;
      }
    }
    if (!sender || sender->uid != me || (msg.msg_flags & MSG_TRUNC) != 0) {
      if (!entry->warned) {
        entry->warned = true;
        spdlog::warn("[{}] notify socket: dropped a datagram ({}); later ones are dropped silently",
                     entry->name,
                     !sender ? "no sender credentials"
                     : sender->uid != me
                         ? "from uid " + std::to_string(sender->uid) + ", not bgod's uid " +
                               std::to_string(me)
                         : "longer than " + std::to_string(k_max_datagram) + " bytes");
      }
      continue;
    }
    NotifyFields fields = parse_notify_message({data, static_cast<size_t>(n)});
    std::erase_if(fields, [](const auto& kv) { return kv.first == "BARRIER"; });
    if (fields.empty()) continue;
    on_message_(entry->name, std::move(fields));
    if (entry->closed) return;  // the callback closed it (or destroyed us with it)
  }
  arm(entry);
}

}  // namespace bgo::daemon
