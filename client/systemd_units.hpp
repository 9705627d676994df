// SPDX-License-Identifier: MIT
// The systemd user units `bgo startup` installs: their text (the same as systemd/bgod.service
// and systemd/bgod.socket) and the unit-file quoting it needs. Pure string work.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/errors.hpp"

namespace bgo::client {

inline constexpr std::string_view k_service_unit = "bgod.service";
inline constexpr std::string_view k_socket_unit = "bgod.socket";

// The templates, byte for byte the files in systemd/ (an integration test compares them).
std::string_view service_template();
std::string_view socket_template();

struct UnitFiles {
  std::string service;
  std::string socket;
};

// The units for the bgod at `bgod` (absolute). With `home` (an explicit BGO_HOME) the service
// gets `Environment="BGO_HOME=<home>"` and the socket listens on `<home>/bgo.sock`; without it
// they keep `%h/.bgo/bgo.sock`, which systemd expands to the user's home. Fails on a path that
// a unit file cannot carry (relative, or with control characters).
Result<UnitFiles> render_units(const std::string& bgod, const std::optional<std::string>& home);

// One ExecStart=/Environment= word: in double quotes, `\` and `"` backslash-escaped, `%` as `%%`
// (spec §10.2's quoting).
std::string quote_unit_word(std::string_view word);

// The program of the first ExecStart= line (unquoted, `%%` undone); nullopt when there is none.
std::optional<std::string> exec_start_program(std::string_view service_text);

}  // namespace bgo::client
