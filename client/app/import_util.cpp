// SPDX-License-Identifier: MIT
// Helpers the importers share.
#include "client/app/import_util.hpp"

#include <array>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "common/words.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX declares it nowhere

namespace bgo::app {

namespace {

constexpr std::uintmax_t k_max_file_bytes = std::uintmax_t{16} * 1024 * 1024;

bool is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

std::string trim(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const size_t last = text.find_last_not_of(" \t");
  return std::string(text.substr(first, last - first + 1));
}

// $VAR and ${VAR} in a dotenv value, from the keys read so far (godotenv's expansion).
std::string expand_dotenv(std::string_view value, const std::map<std::string, std::string>& env) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (value[i] != '$' || i + 1 >= value.size()) {
      out += value[i];
      continue;
    }
    size_t start = i + 1;
    size_t end = start;
    const bool braced = value[start] == '{';
    if (braced) {
      end = value.find('}', start);
      if (end == std::string_view::npos) {
        out += value.substr(i);
        break;
      }
      ++start;
    } else {
      while (end < value.size() && is_key_char(value[end])) ++end;
      if (end == start) {
        out += '$';
        continue;
      }
    }
    const auto found = env.find(std::string(value.substr(start, end - start)));
    if (found != env.end()) out += found->second;
    i = braced ? end : end - 1;
  }
  return out;
}

}  // namespace

Result<std::string> read_text_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return errno_error(Errc::io_error, path + ": " + ec.message(), ec.value());
  if (size > k_max_file_bytes) {
    return make_error(Errc::io_error, path + ": larger than 16 MiB; not a configuration file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    return errno_error(Errc::io_error, path + ": " + std::strerror(err), err);
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = std::move(buffer).str();
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

Error located_error(const std::string& file, int line, int column, const std::string& message) {
  std::string where = file;
  if (line > 0) where += ":" + std::to_string(line);
  if (line > 0 && column > 0) where += ":" + std::to_string(column);
  return make_error(Errc::invalid_params, where + ": " + message);
}

std::map<std::string, std::string> import_environment(const ImportOptions& options) {
  if (options.environment) return *options.environment;
  std::map<std::string, std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const size_t eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  return env;
}

std::map<std::string, std::string> parse_foreman_env(std::string_view text) {
  std::map<std::string, std::string> env;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    const size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string key = line.substr(0, eq);
    bool valid = true;
    for (const char c : key) valid = valid && is_key_char(c);
    if (!valid) continue;
    std::string value = line.substr(eq + 1);
    if (value.size() >= 2 && value.front() == '\'' && value.back() == '\'') {
      value = value.substr(1, value.size() - 2);
    } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      std::string unescaped;
      for (size_t i = 1; i + 1 < value.size(); ++i) {
        if (value[i] == '\\' && i + 2 < value.size()) {
          unescaped += value[i + 1] == 'n' ? '\n' : value[i + 1];
          ++i;
        } else {
          unescaped += value[i];
        }
      }
      value = std::move(unescaped);
    }
    env[key] = std::move(value);
  }
  return env;
}

std::map<std::string, std::string> parse_dotenv(std::string_view text) {
  std::map<std::string, std::string> env;
  std::istringstream lines{std::string(text)};
  std::string raw;
  while (std::getline(lines, raw)) {
    std::string line = trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("export ")) line = trim(line.substr(7));
    const size_t sep = line.find_first_of("=:");
    if (sep == std::string::npos || sep == 0) continue;
    const std::string key = trim(line.substr(0, sep));
    std::string rest = trim(line.substr(sep + 1));
    std::string value;
    if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
      const char quote = rest.front();
      // A quoted value may span lines up to its closing quote.
      std::string body = rest.substr(1);
      size_t close = std::string::npos;
      for (;;) {
        for (size_t i = 0; i < body.size(); ++i) {
          if (quote == '"' && body[i] == '\\') {
            ++i;
          } else if (body[i] == quote) {
            close = i;
            break;
          }
        }
        if (close != std::string::npos || !std::getline(lines, raw)) break;
        body += "\n" + raw;
      }
      body = body.substr(0, close);
      if (quote == '\'') {
        value = body;
      } else {
        std::string unescaped;
        for (size_t i = 0; i < body.size(); ++i) {
          if (body[i] == '\\' && i + 1 < body.size() && body[i + 1] != '$') {
            const char next = body[++i];
            unescaped += next == 'n' ? '\n' : next == 't' ? '\t' : next == 'r' ? '\r' : next;
          } else {
            unescaped += body[i];
          }
        }
        value = expand_dotenv(unescaped, env);
      }
    } else {
      const size_t comment = rest.find(" #");
      value = expand_dotenv(trim(rest.substr(0, comment)), env);
    }
    env[key] = std::move(value);
  }
  return env;
}

bool needs_shell(std::string_view command) {
  // Quoted text is literal for split_words and the shell alike, but for $ and ` in "...".
  char quote = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quote == '\'') {
      if (c == '\'') quote = 0;
    } else if (quote == '"') {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        quote = 0;
      } else if (c == '$' || c == '`') {
        return true;
      }
    } else if (c == '\\') {
      ++i;
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (std::string_view("$&|;<>()*?[]{}~#`\n").find(c) != std::string_view::npos) {
      return true;
    }
  }
  const size_t end = command.find_first_of(" \t");
  const std::string_view first = command.substr(0, end);
  if (first.find('=') != std::string_view::npos) return true;  // FOO=bar cmd
  static constexpr std::array<std::string_view, 22> k_words = {
      "if",    "then",  "else",   "elif", "fi",     "case", "esac", "for",
      "while", "until", "do",     "done", "!",      "exec", "cd",   "export",
      "set",   "eval",  "source", ".",    "ulimit", "trap"};
  for (const auto word : k_words) {
    if (first == word) return true;
  }
  return false;
}

std::vector<std::string> shell_command(const std::string& command, const std::string& shell) {
  if (!needs_shell(command)) {
    auto words = split_words(command);
    if (words && !words->empty()) return std::move(*words);
  }
  return {shell, "-c", command};
}

std::string absolute_from(const std::string& base, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_relative()) p = std::filesystem::path(base) / p;
  std::string out = p.lexically_normal().string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string folder_of(const std::string& file) {
  return std::filesystem::path(file).parent_path().string();
}

void add_instances(AppSpec& app, const ProcessSpec& spec, int count, bool port_offset) {
  if (count <= 1) {
    app.processes.push_back(spec);
    return;
  }
  int64_t base_port = 0;
  if (port_offset) {
    const auto port = spec.env.find("PORT");
    if (port != spec.env.end()) base_port = std::stoll(port->second);
  }
  for (int i = 0; i < count; ++i) {
    ProcessSpec copy = spec;
    copy.name = spec.name + ":" + std::to_string(i);
    copy.env["BGO_INSTANCE"] = std::to_string(i);
    if (port_offset) copy.env["PORT"] = std::to_string(base_port + i);
    app.processes.push_back(std::move(copy));
  }
}

Result<void> resolve_dependencies(AppSpec& app) {
  std::set<std::string> names;
  std::map<std::string, std::vector<std::string>> instances;
  for (const auto& p : app.processes) {
    names.insert(p.name);
    const size_t colon = p.name.rfind(':');
    if (colon != std::string::npos) instances[p.name.substr(0, colon)].push_back(p.name);
  }
  for (auto& p : app.processes) {
    std::vector<Dependency> resolved;
    for (const auto& dep : p.policy.after) {
      if (names.contains(dep.name)) {
        resolved.push_back(dep);
        continue;
      }
      auto group = instances.find(dep.name);
      if (group == instances.end()) {
        // Replicas named as process-compose names them: NAME-0, NAME-1 ...
        std::vector<std::string> replicas;
        for (const auto& n : names) {
          if (n.size() > dep.name.size() + 1 && n.starts_with(dep.name + "-") &&
              n.find_first_not_of("0123456789", dep.name.size() + 1) == std::string::npos) {
            replicas.push_back(n);
          }
        }
        if (!replicas.empty()) group = instances.emplace(dep.name, replicas).first;
      }
      if (group == instances.end()) {
        return located_error(
            p.where.file, p.where.line, p.where.column,
            "process '" + p.name + "' depends on '" + dep.name + "', which is not in the file");
      }
      for (const auto& instance : group->second) resolved.push_back({instance, dep.condition});
    }
    p.policy.after = std::move(resolved);
  }
  return {};
}

void report(AppSpec& app, std::string process, std::string key, std::string why) {
  app.not_imported.push_back({std::move(process), std::move(key), std::move(why)});
}

std::string number_text(double value) {
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace bgo::app
