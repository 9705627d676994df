// SPDX-License-Identifier: MIT
// bgo export TARGET (issue #16, docs/export.md): the application of a bgo.yaml (or the
// processes bgod runs) as systemd units, Kubernetes objects, a Nomad job or a compose file, and
// EXPORT-REPORT.md, printed too. Nothing is written when the target cannot express the input.
#include "client/app/export.hpp"

#include <filesystem>
#include <iostream>
#include <set>
#include <sys/stat.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/app/saved_app.hpp"
#include "client/command.hpp"
#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "client/commands/registered.hpp"
#include "common/atomic_file.hpp"

namespace bgo::client {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

CommandLine export_command_line() {
  CommandLine spec = command_line(
      "export",
      "Write the application for another engine: systemd units, Kubernetes objects, a Nomad "
      "job or a compose file, with EXPORT-REPORT.md (printed too), which says what each "
      "setting of each process became there or why it did not carry over. The same input "
      "gives the same bytes. Reference: docs/export.md.");
  spec.positionals = {{"target", Positional::Arity::one, "systemd, kubernetes, nomad or compose"}};
  add_app_file_options(spec, true);
  spec.options.add_options()("running", "The processes bgod runs now instead of a file")(
      "output,o", po::value<std::string>()->value_name("DIR"),
      "The folder to write (default: ./TARGET)")(
      "name", po::value<std::string>()->value_name("PROJECT"),
      "The project's name in the output (default: the file's name:)")(
      "force", "Write into a folder that holds other files")(
      "image", po::value<std::vector<std::string>>()->value_name("[NAME=]IMAGE"),
      "kubernetes, compose: the container image (of process NAME); repeatable")(
      "system", "systemd: system units (with --user-name) instead of user units")(
      "user-name", po::value<std::string>()->value_name("NAME"),
      "systemd --system: the account the processes run as (User=)");
  spec.exclusive = {{"file", "running"}};
  return spec;
}

std::string text(const Args& args, const char* key) {
  return args.has(key) ? args.vm[key].as<std::string>() : std::string();
}

// The options the target takes, or a usage error for those it does not.
app::ExportOptions export_options(const Args& args, app::ExportTarget target) {
  app::ExportOptions o;
  o.target = target;
  o.project = text(args, "name");
  const bool systemd = target == app::ExportTarget::systemd;
  const bool containers =
      target == app::ExportTarget::kubernetes || target == app::ExportTarget::compose;
  if (!systemd && (args.has("system") || args.has("user-name"))) {
    args.fail("argument --system/--user-name: only for the systemd target");
  }
  if (args.has("system") != args.has("user-name")) {
    args.fail(
        "argument --system: needs --user-name NAME, the account the processes run as "
        "(bgo ran them as you; a system unit would run them as root)");
  }
  if (args.has("system")) {
    o.scope = app::SystemdScope::system;
    o.user_name = text(args, "user-name");
  }
  if (args.has("image")) {
    if (!containers) args.fail("argument --image: only for the kubernetes and compose targets");
    for (const auto& item : args.vm["image"].as<std::vector<std::string>>()) {
      const size_t eq = item.find('=');
      if (item.empty() || eq == 0 || eq + 1 == item.size()) {
        args.fail("argument --image: expected IMAGE or NAME=IMAGE, got '" + item + "'");
      }
      if (eq == std::string::npos) {
        o.default_image = item;
      } else {
        o.images[item.substr(0, eq)] = item.substr(eq + 1);
      }
    }
  }
  return o;
}

bool is_empty_folder(const fs::path& dir, std::string& why) {
  std::error_code ec;
  const auto status = fs::symlink_status(dir, ec);
  if (ec || status.type() == fs::file_type::not_found) return true;
  if (status.type() != fs::file_type::directory) {
    why = "exists and is not a folder";
    return false;
  }
  if (fs::directory_iterator(dir, ec) != fs::directory_iterator()) {
    why = "exists and holds other files; --force writes into it";
    return false;
  }
  return true;
}

// Writes every file under `dir`; the files are 0666 less the umask, as any file a user writes,
// but an env file (it may hold secrets) stays 0600.
bool write_files(Context& ctx, const fs::path& dir, const std::vector<app::ExportFile>& files) {
  const mode_t mask = ::umask(0);
  (void)::umask(mask);  // restores the mask read above; cannot fail
  for (const auto& f : files) {
    const fs::path path = dir / f.path;
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) {
      ctx.fail(ctx.red_x() + " cannot create " + path.parent_path().string() + ": " + ec.message());
      return false;
    }
    if (auto written = write_file_atomically(path, f.text, SyncDir::no); !written) {
      ctx.fail(ctx.red_x() + " cannot write " + path.string() + ": " + written.error().message);
      return false;
    }
    if (!f.path.ends_with(".env")) {
      fs::permissions(path, static_cast<fs::perms>(0666 & ~mask), ec);
    }
  }
  return true;
}

// The files of `dir` this export did not write (a --force export into a used folder).
std::vector<std::string> others_in(const fs::path& dir, const std::vector<app::ExportFile>& files) {
  std::set<std::string> written;
  for (const auto& f : files) {
    for (fs::path p = f.path; !p.empty(); p = p.parent_path()) written.insert(p.string());
  }
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    const std::string rel = it->path().lexically_relative(dir).string();
    if (!written.contains(rel)) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The application bgod runs, as `bgo save` writes it (client/app/saved_app.hpp): every
// registered process but those the user stopped, and what they depend on; the environment as
// what differs from this shell's. nullopt after printing why.
std::optional<app::AppSpec> running_app(Context& ctx) {
  RegisteredProcesses registry(ctx);
  const auto rows = registry.rows();
  if (!rows) return std::nullopt;
  std::vector<std::string> names;
  for (const auto& row : *rows) {
    if (app::saved_by_default(row)) names.push_back(row_name(row));
  }
  if (names.empty()) {
    ctx.fail(ctx.red_x() +
             " No processes to export: none is registered, or the user stopped "
             "every one");
    return std::nullopt;
  }
  const auto all =
      app::with_dependencies(names, [&](const std::string& name) { return registry.detail(name); });
  if (registry.failed()) return std::nullopt;
  std::vector<boost::json::object> details;
  details.reserve(all.size());
  for (const auto& name : all) details.push_back(*registry.detail(name));
  auto saved = app::saved_app(details, client_env(), client_cwd());
  if (!saved) {
    ctx.fail(ctx.red_x() + " " + saved.error().message);
    return std::nullopt;
  }
  for (const auto& note : saved->notes) ctx.fail("Note: " + note);
  return std::move(saved->app);
}

}  // namespace

int cmd_export(Context& ctx, const std::vector<std::string>& tokens) {
  const CommandLine spec = export_command_line();
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string& target_text = args->positionals.at(0);
  const auto target = app::parse_export_target(target_text);
  if (!target) {
    ctx.fail(ctx.red_x() + " Unknown export target '" + target_text +
             "' (choose from systemd, kubernetes, nomad, compose)");
    return 1;
  }
  app::ExportOptions options = export_options(*args, *target);
  const AppFileOptions file_options = app_file_options(*args);
  if (args->has("running") && (!file_options.format.empty() || !file_options.env_mode.empty() ||
                               !file_options.formation.empty())) {
    args->fail("argument --running: --format, --env and --formation read a file");
  }
  std::optional<app::AppSpec> app;
  if (args->has("running")) {
    app = running_app(ctx);
    options.source = "the processes bgod runs (" + ctx.paths().home().string() + ")";
  } else {
    app = load_app(ctx, file_options);
    if (app) options.source = app->file == "-" ? "<stdin>" : app->file;
  }
  if (!app) return 1;

  auto files = app::export_app(*app, options);
  if (!files) {
    ctx.fail(ctx.red_x() + " " + files.error().to_string());
    ctx.fail("   Nothing was written.");
    return 1;
  }
  const std::string out_text = args->has("output") ? text(*args, "output") : target_text;
  const fs::path dir = fs::absolute(out_text).lexically_normal();
  std::string why;
  if (!args->has("force") && !is_empty_folder(dir, why)) {
    ctx.fail(ctx.red_x() + " " + out_text + " " + why);
    ctx.fail("   Nothing was written.");
    return 1;
  }
  if (!write_files(ctx, dir, *files)) return 1;
  std::cout << files->back().text << "\n" << std::flush;
  for (const auto& other : others_in(dir, *files)) {
    ctx.say("Left in place (not written by this export): " + other);
  }
  ctx.say("Wrote " + std::to_string(files->size()) + " files to " + out_text);
  return 0;
}

}  // namespace bgo::client
