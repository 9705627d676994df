// SPDX-License-Identifier: MIT
// The unit templates and their rendering.
#include "client/systemd_units.hpp"

namespace bgo::client {

namespace {

constexpr std::string_view k_service = R"(# SPDX-License-Identifier: MIT
# bgod under the systemd user manager; see docs/startup.md. `bgo startup` and install.sh put the
# quoted real path of bgod in ExecStart. bgod takes its listening socket from bgod.socket.
[Unit]
Description=bgo process supervisor (bgod)
Requires=bgod.socket
After=bgod.socket

[Service]
Type=notify
NotifyAccess=main
ExecStart=@BGOD@ --foreground
# SIGTERM goes to bgod alone: it stops its children itself (SIGTERM, then SIGKILL after its
# 5 s --stop-timeout) and records them for the next start; systemd kills only what is left.
KillMode=mixed
# bgod may create cgroups below its own: one per child, so a stop reaches every process a
# child forked, even one that left its process group (docs/health.md, "Containment").
Delegate=yes
# bgod holds a pipe per child stream: it raises its soft descriptor limit to this hard one,
# and gives each child the soft one back (a program using select() breaks above 1024).
LimitNOFILE=1024:524288
TimeoutStopSec=30
Restart=on-failure
RestartSec=2

[Install]
WantedBy=default.target
Also=bgod.socket
)";

constexpr std::string_view k_socket = R"(# SPDX-License-Identifier: MIT
# bgod's control socket; see docs/startup.md. The first connection starts bgod.service, which
# serves on this socket. `bgo startup` rewrites the path when BGO_HOME is set.
[Unit]
Description=bgo control socket

[Socket]
ListenStream=%h/.bgo/bgo.sock
SocketMode=0600
DirectoryMode=0700
RemoveOnStop=yes

[Install]
WantedBy=sockets.target
)";

constexpr std::string_view k_default_socket = "%h/.bgo/bgo.sock";

bool has_control_char(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

void replace_once(std::string& text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
}

}  // namespace

std::string_view service_template() { return k_service; }
std::string_view socket_template() { return k_socket; }

std::string quote_unit_word(std::string_view word) {
  std::string out = "\"";
  for (const char c : word) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '%') out += '%';
    out += c;
  }
  return out + "\"";
}

Result<UnitFiles> render_units(const std::string& bgod, const std::optional<std::string>& home) {
  if (bgod.empty() || bgod.front() != '/' || has_control_char(bgod)) {
    return make_error(Errc::invalid_params, "cannot put this bgod path in a unit file: " + bgod);
  }
  UnitFiles units{std::string(k_service), std::string(k_socket)};
  replace_once(units.service, "ExecStart=@BGOD@", "ExecStart=" + quote_unit_word(bgod));
  if (home) {
    const std::string socket = *home + "/bgo.sock";
    if (has_control_char(socket) || socket.front() != '/') {
      return make_error(Errc::invalid_params, "cannot put this BGO_HOME in a unit file: " + *home);
    }
    // ListenStream= takes the rest of the line as the path: no quoting, only specifiers.
    std::string escaped;
    for (const char c : socket) {
      if (c == '%') escaped += '%';
      escaped += c;
    }
    replace_once(units.socket, k_default_socket, escaped);
    replace_once(units.service, "ExecStart=",
                 "Environment=" + quote_unit_word("BGO_HOME=" + *home) + "\nExecStart=");
  }
  return units;
}

std::optional<std::string> exec_start_program(std::string_view service_text) {
  size_t at = 0;
  while (at < service_text.size()) {
    size_t end = service_text.find('\n', at);
    if (end == std::string_view::npos) end = service_text.size();
    std::string_view line = service_text.substr(at, end - at);
    at = end + 1;
    if (!line.starts_with("ExecStart=")) continue;
    line.remove_prefix(10);
    std::string program;
    if (!line.empty() && line.front() == '"') {
      for (size_t i = 1; i < line.size() && line[i] != '"'; ++i) {
        if (line[i] == '\\' && i + 1 < line.size()) ++i;
        program += line[i];
      }
    } else {
      program = std::string(line.substr(0, line.find(' ')));
    }
    std::string out;
    for (size_t i = 0; i < program.size(); ++i) {
      out += program[i];
      if (program[i] == '%' && i + 1 < program.size() && program[i + 1] == '%') ++i;
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace bgo::client
