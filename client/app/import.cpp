// SPDX-License-Identifier: MIT
// import_file(): the format by name or content, then the importer of that format.
#include "client/app/import.hpp"

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <utility>

#include "client/app/import_util.hpp"
#include "common/name.hpp"

namespace bgo::app {

namespace {

constexpr std::array<std::pair<ImportFormat, std::string_view>, 4> k_formats{{
    {ImportFormat::procfile, "procfile"},
    {ImportFormat::pm2, "pm2"},
    {ImportFormat::supervisord, "supervisord"},
    {ImportFormat::process_compose, "process-compose"},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ends_with_any(const std::string& name, std::initializer_list<std::string_view> suffixes) {
  return std::any_of(suffixes.begin(), suffixes.end(),
                     [&](std::string_view s) { return name.ends_with(s); });
}

// A line of `text` that, once leading blanks are skipped, starts with `prefix`.
bool has_line_starting(const std::string& text, std::string_view prefix) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const size_t first = text.find_first_not_of(" \t", pos);
    if (first < end && std::string_view(text).substr(first, end - first).starts_with(prefix)) {
      return true;
    }
    pos = end + 1;
  }
  return false;
}

// A name bgo cannot take (a `/`, a control character, too long: common/name.hpp) gets its
// invalid characters replaced by `-`, reported, and dependencies on it follow.
void fix_names(AppSpec& app) {
  std::map<std::string, std::string> renamed;
  for (auto& p : app.processes) {
    if (is_valid_name(p.name)) continue;
    std::string fixed;
    for (const char c : p.name) {
      const bool bad = c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      fixed += bad ? '-' : c;
    }
    if (fixed.size() > k_max_name_bytes) fixed.resize(k_max_name_bytes);
    if (fixed.empty() || fixed == "." || fixed == ".." || !is_valid_name(fixed)) fixed = "process";
    report(app, p.name, "name", "not a valid bgo process name; imported as '" + fixed + "'");
    renamed[p.name] = fixed;
    p.name = fixed;
  }
  for (auto& p : app.processes) {
    for (auto& d : p.policy.after) {
      if (const auto it = renamed.find(d.name); it != renamed.end()) d.name = it->second;
    }
  }
}

}  // namespace

std::string_view to_string(ImportFormat format) {
  for (const auto& [f, name] : k_formats) {
    if (f == format) return name;
  }
  return "procfile";
}

std::optional<ImportFormat> parse_import_format(std::string_view text) {
  const std::string name = lower(text);
  for (const auto& [f, spelling] : k_formats) {
    if (name == spelling) return f;
  }
  if (name == "process_compose" || name == "processcompose") return ImportFormat::process_compose;
  if (name == "foreman" || name == "honcho" || name == "overmind") return ImportFormat::procfile;
  if (name == "supervisor") return ImportFormat::supervisord;
  return std::nullopt;
}

Result<ImportFormat> detect_import_format(const std::string& path) {
  const std::string name = lower(std::filesystem::path(path).filename().string());
  if (name.starts_with("procfile")) return ImportFormat::procfile;
  if (name.starts_with("process-compose") || name.starts_with("process_compose")) {
    return ImportFormat::process_compose;
  }
  if (name.starts_with("supervisord") || name.starts_with("supervisor")) {
    return ImportFormat::supervisord;
  }
  if ((name.starts_with("ecosystem") || name.starts_with("pm2")) &&
      ends_with_any(name, {".js", ".cjs", ".mjs", ".json", ".yaml", ".yml", ".json5"})) {
    return ImportFormat::pm2;
  }
  if (ends_with_any(name, {".js", ".cjs", ".mjs"})) return ImportFormat::pm2;
  auto text = read_text_file(path);
  if (!text) return text.error();
  if (has_line_starting(*text, "[program:") || has_line_starting(*text, "[supervisord]")) {
    return ImportFormat::supervisord;
  }
  if (ends_with_any(name, {".yaml", ".yml"})) {
    if (has_line_starting(*text, "processes:")) return ImportFormat::process_compose;
    if (has_line_starting(*text, "apps:")) return ImportFormat::pm2;
  }
  if (ends_with_any(name, {".json", ".json5"}) && text->find("\"script\"") != std::string::npos) {
    return ImportFormat::pm2;
  }
  return make_error(Errc::invalid_params,
                    path +
                        ": cannot tell its format from its name or content; name it: "
                        "procfile, pm2, supervisord or process-compose");
}

Result<AppSpec> import_file(const std::string& path, ImportFormat format,
                            const ImportOptions& options) {
  const std::string absolute = absolute_from(std::filesystem::current_path().string(), path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(absolute, ec)) {
    if (!std::filesystem::exists(absolute, ec)) {
      return errno_error(Errc::io_error, path + ": No such file or directory", ENOENT);
    }
    return make_error(Errc::io_error, path + ": not a regular file");
  }
  Result<AppSpec> app = make_error(Errc::internal, "unknown import format");
  switch (format) {
    case ImportFormat::procfile:
      app = import_procfile(absolute, options);
      break;
    case ImportFormat::pm2:
      app = import_pm2(absolute, options);
      break;
    case ImportFormat::supervisord:
      app = import_supervisord(absolute, options);
      break;
    case ImportFormat::process_compose:
      app = import_process_compose(absolute, options);
      break;
  }
  if (app) fix_names(*app);
  return app;
}

}  // namespace bgo::app
