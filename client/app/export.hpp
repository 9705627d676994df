// SPDX-License-Identifier: MIT
// `bgo export` (docs/export.md): an application as the files of another engine (systemd units,
// Kubernetes objects, a Nomad job, a compose file) plus EXPORT-REPORT.md, which says what every
// setting of every process became there, or why it did not carry over. Pure: writes nothing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

#include "client/app/app_spec.hpp"

namespace bgo::app {

enum class ExportTarget { systemd, kubernetes, nomad, compose };
std::string_view to_string(ExportTarget target);
std::optional<ExportTarget> parse_export_target(std::string_view text);

// Which systemd manager the units are for.
enum class SystemdScope { user, system };

struct ExportOptions {
  ExportTarget target = ExportTarget::systemd;
  std::string project;  // --name; empty: the application's
  std::string source;   // where the application came from, for the report's first lines
  // systemd
  SystemdScope scope = SystemdScope::user;
  std::string user_name;  // --user-name: User= of every unit (system scope only)
  // kubernetes, compose: `--image IMAGE` for every process, `--image NAME=IMAGE` for one.
  std::string default_image;
  std::map<std::string, std::string> images;
};

// One file to write, its path relative to the output folder ("shop-api@.service",
// "shop-api@0.service.d/port.conf").
struct ExportFile {
  std::string path;
  std::string text;
};

// Input the target cannot express: "process 'api': command: ..." (process and setting empty
// when the problem is not one process's).
struct ExportError {
  std::string process;
  std::string setting;
  std::string message;

  std::string to_string() const;
};

[[noreturn]] void throw_exception_from_error(const ExportError& error,
                                             const boost::source_location& where);

// The files of the target in a fixed order, EXPORT-REPORT.md last; the same input gives the
// same bytes. Errors: the first setting the target cannot express (then nothing is to be
// written), an invalid --name, a missing --image for a container target.
using ExportResult = boost::system::result<std::vector<ExportFile>, ExportError>;
ExportResult export_app(const AppSpec& app, const ExportOptions& options);

// The report's file name.
inline constexpr std::string_view k_export_report = "EXPORT-REPORT.md";

}  // namespace bgo::app
