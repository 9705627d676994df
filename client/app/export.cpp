// SPDX-License-Identifier: MIT
// export_app(): the target's exporter, then the report; errors thrown inside come back as one
// ExportError.
#include "client/app/export.hpp"

#include <array>
#include <set>

#include "client/app/export_compose.hpp"
#include "client/app/export_kubernetes.hpp"
#include "client/app/export_nomad.hpp"
#include "client/app/export_support.hpp"
#include "client/app/export_systemd.hpp"
#include "common/errors.hpp"

namespace bgo::app {

namespace {

constexpr std::array<std::string_view, 4> k_targets = {"systemd", "kubernetes", "nomad", "compose"};

std::vector<ExportFile> run(ExportContext& ctx) {
  switch (ctx.options().target) {
    case ExportTarget::systemd:
      return export_systemd(ctx);
    case ExportTarget::compose:
      return export_compose(ctx);
    case ExportTarget::kubernetes:
      return export_kubernetes(ctx);
    case ExportTarget::nomad:
      return export_nomad(ctx);
  }
  BGO_ASSERT(false, "an export target without an exporter");
  return {};
}

}  // namespace

std::string_view to_string(ExportTarget target) {
  return k_targets.at(static_cast<size_t>(target));
}

std::optional<ExportTarget> parse_export_target(std::string_view text) {
  for (size_t i = 0; i < k_targets.size(); ++i) {
    if (k_targets.at(i) == text) return static_cast<ExportTarget>(i);
  }
  return std::nullopt;
}

std::string ExportError::to_string() const {
  std::string out;
  if (!process.empty()) out += "process '" + process + "': ";
  if (!setting.empty()) out += setting + ": ";
  return out + message;
}

void throw_exception_from_error(const ExportError& error, const boost::source_location& /*where*/) {
  throw ExportException(error);
}

ExportResult export_app(const AppSpec& app, const ExportOptions& options) {
  // The error is built in a named variable, as load_bgo_file does (GCC 12's false
  // -Wmaybe-uninitialized on a braced temporary converted to the result).
  ExportError error;
  try {
    ExportContext ctx(app, options);
    std::vector<ExportFile> files = run(ctx);
    std::set<std::string> paths;
    for (const auto& f : files) {
      if (!paths.insert(f.path).second || f.path == k_export_report) {
        fail_export("", "", "two files named '" + f.path + "': rename a process");
      }
      ctx.report().file(f.path);
    }
    files.push_back(
        {std::string(k_export_report),
         ctx.report().markdown(ctx.project(), to_string(options.target), options.source)});
    return files;
  } catch (const ExportException& e) {
    error = e.error();
  }
  return error;
}

}  // namespace bgo::app
