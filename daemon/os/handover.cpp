// SPDX-License-Identifier: MIT
// The hand-over format (header line + JSON) and its memfd.
#include "daemon/os/handover.hpp"

#include <cerrno>
#include <charconv>
#include <dirent.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/mman.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "common/name.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

constexpr std::string_view k_magic = "bgod-handover ";
constexpr size_t k_max_bytes = size_t{64} * 1024 * 1024;

Error bad(std::string message) { return make_error(Errc::invalid_params, std::move(message)); }

// The header's numbers: "VERSION OLD_EXE_FD"; false unless both parse.
bool parse_header(std::string_view bytes, uint32_t& version, int& old_exe, size_t& body) {
  if (bytes.substr(0, k_magic.size()) != k_magic) return false;
  const size_t eol = bytes.find('\n');
  if (eol == std::string_view::npos) return false;
  const std::string_view line = bytes.substr(k_magic.size(), eol - k_magic.size());
  const size_t space = line.find(' ');
  if (space == std::string_view::npos) return false;
  const auto v = std::from_chars(line.data(), line.data() + space, version);
  const auto f = std::from_chars(line.data() + space + 1, line.data() + line.size(), old_exe);
  if (v.ec != std::errc() || v.ptr != line.data() + space) return false;
  if (f.ec != std::errc() || f.ptr != line.data() + line.size()) return false;
  body = eol + 1;
  return true;
}

int fd_field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) throw std::invalid_argument(std::string(key));
  const int64_t n = v->as_int64();
  if (n < -1 || n > 1'000'000) throw std::invalid_argument(std::string(key));
  return static_cast<int>(n);
}

std::string text_field(const json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

// A deadline in ns of CLOCK_MONOTONIC, or -1 for none.
int64_t ns_field(const json::object& o, std::string_view key) {
  const int64_t n = o.at(key).to_number<int64_t>();
  if (n < -1) throw std::invalid_argument(std::string(key));
  return n;
}

json::object encode_health(const HandoverHealth& h) {
  json::value live_ok = nullptr;
  if (h.live_ok) live_ok = *h.live_ok;
  return json::object{{"ready", h.ready},
                      {"ready_deadline_ns", h.ready_deadline_ns},
                      {"next_probe_ns", h.next_probe_ns},
                      {"watchdog_ns", h.watchdog_ns},
                      {"live_failures", h.live_failures},
                      {"live_ok", std::move(live_ok)},
                      // STATUS= text is the child's: the parser of the next image refuses
                      // invalid UTF-8, which would refuse the whole hand-over.
                      {"detail", replace_invalid_utf8(h.detail)}};
}

HandoverHealth decode_health(const json::object& o) {
  HandoverHealth h;
  h.ready = o.at("ready").as_bool();
  h.ready_deadline_ns = ns_field(o, "ready_deadline_ns");
  h.next_probe_ns = ns_field(o, "next_probe_ns");
  h.watchdog_ns = ns_field(o, "watchdog_ns");
  h.live_failures = o.at("live_failures").to_number<int64_t>();
  if (const json::value& ok = o.at("live_ok"); !ok.is_null()) h.live_ok = ok.as_bool();
  h.detail = text_field(o, "detail");
  if (h.live_failures < 0 || (!h.ready && h.ready_deadline_ns < 0)) {
    throw std::invalid_argument("health");
  }
  return h;
}

}  // namespace

std::vector<int> handover_fds(const Handover& h) {
  std::vector<int> fds{h.old_exe_fd, h.lock_fd, h.listen_fd, h.keeper_fd, h.metrics_fd};
  for (const auto& c : h.children) {
    fds.push_back(c.out_fd);
    fds.push_back(c.err_fd);
  }
  for (const auto& n : h.notify_sockets) fds.push_back(n.fd);
  std::erase_if(fds, [](int fd) { return fd < 0; });
  return fds;
}

std::string encode_handover(const Handover& h) {
  json::array children;
  for (const auto& c : h.children) {
    children.emplace_back(json::object{{"name", c.name},
                                       {"pid", c.pid},
                                       {"start_ticks", c.start_ticks},
                                       {"out_fd", c.out_fd},
                                       {"err_fd", c.err_fd}});
  }
  json::array watch;
  for (const auto& w : h.watch) {
    json::array recent;
    for (const int64_t ms : w.recent_restarts_ms) recent.emplace_back(ms);
    json::object entry{{"name", w.name},
                       {"streak", w.streak},
                       {"restart_at_ns", w.restart_at_ns},
                       {"last_uptime_ms", w.last_uptime_ms},
                       {"recent_restarts_ms", std::move(recent)}};
    if (w.health) entry["health"] = encode_health(*w.health);
    watch.emplace_back(std::move(entry));
  }
  json::array notify;
  for (const auto& n : h.notify_sockets) {
    notify.emplace_back(json::object{{"name", n.name}, {"path", n.path}, {"fd", n.fd}});
  }
  const json::object body{
      {"upgrades", h.upgrades},           {"lock_fd", h.lock_fd},
      {"listen_fd", h.listen_fd},         {"listen_from_systemd", h.listen_from_systemd},
      {"notify_socket", h.notify_socket}, {"keeper_fd", h.keeper_fd},
      {"keeper_pid", h.keeper_pid},       {"metrics_fd", h.metrics_fd},
      {"metrics_url", h.metrics_url},     {"children", std::move(children)},
      {"watch", std::move(watch)},        {"notify_sockets", std::move(notify)}};
  return std::string(k_magic) + std::to_string(h.version) + " " + std::to_string(h.old_exe_fd) +
         "\n" + json::serialize(body) + "\n";
}

int handover_old_exe_fd(std::string_view bytes) {
  uint32_t version = 0;
  int old_exe = -1;
  size_t body = 0;
  return parse_header(bytes, version, old_exe, body) && old_exe >= 0 ? old_exe : -1;
}

Result<Handover> decode_handover(std::string_view bytes) {
  Handover h;
  size_t body = 0;
  if (!parse_header(bytes, h.version, h.old_exe_fd, body)) {
    return bad("not a bgod hand-over (bad header)");
  }
  if (h.version != handover_version()) {
    return bad("hand-over format " + std::to_string(h.version) +
               " is not supported (this bgod reads " + std::to_string(handover_version()) + ")");
  }
  try {
    const json::object o = json::parse(bytes.substr(body)).as_object();
    h.upgrades = o.at("upgrades").to_number<uint64_t>();
    h.lock_fd = fd_field(o, "lock_fd");
    h.listen_fd = fd_field(o, "listen_fd");
    h.listen_from_systemd = o.at("listen_from_systemd").as_bool();
    h.notify_socket = text_field(o, "notify_socket");
    h.keeper_fd = fd_field(o, "keeper_fd");
    h.keeper_pid = static_cast<pid_t>(o.at("keeper_pid").to_number<int64_t>());
    h.metrics_fd = fd_field(o, "metrics_fd");
    h.metrics_url = text_field(o, "metrics_url");
    for (const auto& v : o.at("children").as_array()) {
      const json::object& c = v.as_object();
      HandoverChild child;
      child.name = text_field(c, "name");
      child.pid = static_cast<pid_t>(c.at("pid").to_number<int64_t>());
      child.start_ticks = c.at("start_ticks").to_number<uint64_t>();
      child.out_fd = fd_field(c, "out_fd");
      child.err_fd = fd_field(c, "err_fd");
      if (child.pid <= 1 || child.name.empty()) return bad("malformed hand-over: bad child");
      h.children.push_back(std::move(child));
    }
    for (const auto& v : o.at("watch").as_array()) {
      const json::object& w = v.as_object();
      HandoverWatch watch;
      watch.name = text_field(w, "name");
      watch.streak = static_cast<int>(w.at("streak").to_number<int64_t>());
      watch.restart_at_ns = w.at("restart_at_ns").to_number<int64_t>();
      watch.last_uptime_ms = w.at("last_uptime_ms").to_number<int64_t>();
      if (const json::value* recent = w.if_contains("recent_restarts_ms")) {  // optional
        for (const auto& ms : recent->as_array()) {
          watch.recent_restarts_ms.push_back(ms.to_number<int64_t>());
        }
      }
      if (const json::value* health = w.if_contains("health")) {  // optional
        watch.health = decode_health(health->as_object());
      }
      if (watch.name.empty() || watch.streak < 0) return bad("malformed hand-over: bad watch");
      h.watch.push_back(std::move(watch));
    }
    if (const json::value* notify = o.if_contains("notify_sockets")) {  // optional
      for (const auto& v : notify->as_array()) {
        const json::object& n = v.as_object();
        HandoverNotify socket{text_field(n, "name"), text_field(n, "path"), fd_field(n, "fd")};
        if (socket.name.empty() || socket.path.empty() || socket.fd < 0) {
          return bad("malformed hand-over: bad notify socket");
        }
        h.notify_sockets.push_back(std::move(socket));
      }
    }
  } catch (const std::exception& e) {
    return bad(std::string("malformed hand-over: ") + e.what());
  }
  if (h.lock_fd < 0 || h.listen_fd < 0) return bad("malformed hand-over: no lock or socket");
  return h;
}

Result<UniqueFd> write_handover_memfd(const Handover& h) {
  // Close-on-exec until the caller clears it for the exec; sealed once written.
  UniqueFd fd(::memfd_create("bgod-handover", MFD_CLOEXEC | MFD_ALLOW_SEALING));
  if (!fd) return make_error(Errc::internal, errno_message("memfd_create", errno));
  const std::string bytes = encode_handover(h);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(Errc::internal, errno_message("write hand-over", errno));
    done += static_cast<size_t>(n);
  }
  if (::lseek(fd.get(), 0, SEEK_SET) != 0) {
    return make_error(Errc::internal, errno_message("lseek hand-over", errno));
  }
  // Nobody may change it from now on, not even through /proc/PID/fd (the program run in
  // between, a wrapper script, say): the image that execs back reads these same bytes, so a
  // damaged hand-over would leave no image able to go on.
  if (::fcntl(fd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) !=
      0) {
    return make_error(Errc::internal, errno_message("seal hand-over", errno));
  }
  return fd;
}

Result<std::string> read_handover_bytes(int fd) {
  std::string out;
  char buf[65536];
  for (off_t offset = 0;;) {
    const ssize_t n = ::pread(fd, buf, sizeof buf, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error(Errc::internal, errno_message("read hand-over", errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    offset += n;
    if (out.size() > k_max_bytes) return bad("hand-over larger than 64 MiB");
  }
  return out;
}

bool set_cloexec_from_3() {
#ifdef CLOSE_RANGE_CLOEXEC
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return true;
#endif
  std::vector<int> fds;
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return false;
  while (const dirent* e = ::readdir(dir)) {
    int fd = -1;
    const std::string_view name(e->d_name);
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec == std::errc() && fd >= 3 &&
        fd != ::dirfd(dir)) {
      fds.push_back(fd);
    }
  }
  ::closedir(dir);
  return set_cloexec(fds, true);
}

bool set_cloexec(const std::vector<int>& fds, bool on) {
  bool ok = true;
  for (const int fd : fds) {
    if (fd < 0) continue;
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0 || ::fcntl(fd, F_SETFD, on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC)) < 0) {
      ok = false;
    }
  }
  return ok;
}

}  // namespace bgo::daemon
