// SPDX-License-Identifier: MIT
// [program:x] sections as bgo processes, with supervisord's defaults (autorestart=unexpected,
// startsecs=1, startretries=3, stopsignal=TERM, stopwaitsecs=10).
#include "client/app/import_supervisord_program.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>

#include "client/app/import_util.hpp"
#include "common/signal_name.hpp"
#include "common/size.hpp"
#include "common/words.hpp"

namespace bgo::app {

namespace {

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80 ||
         std::string_view("/.+-():").find(c) != std::string_view::npos;
}

// Python's shlex in POSIX mode with supervisor's extra word characters: words (quoted parts
// joined), every other character a token of its own, `#` a comment to the end of the line.
Result<std::vector<std::string>> shlex_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    if (c == '#') {
      const size_t nl = text.find('\n', i);
      i = nl == std::string_view::npos ? text.size() : nl;
      continue;
    }
    if (!is_word_char(c) && c != '"' && c != '\'' && c != '\\') {
      tokens.emplace_back(1, c);
      ++i;
      continue;
    }
    std::string token;
    while (i < text.size()) {
      const char d = text[i];
      if (d == '\\') {
        if (i + 1 < text.size()) token += text[i + 1];
        i += 2;
      } else if (d == '\'' || d == '"') {
        const size_t start = ++i;
        while (i < text.size() && text[i] != d) {
          if (d == '"' && text[i] == '\\' && i + 1 < text.size() &&
              (text[i + 1] == '"' || text[i + 1] == '\\')) {
            ++i;
          }
          token += text[i++];
        }
        if (i >= text.size()) {
          return make_error(Errc::invalid_params, "No closing quotation in '" +
                                                      std::string(text.substr(start - 1)) + "'");
        }
        ++i;
      } else if (is_word_char(d)) {
        token += d;
        ++i;
      } else {
        break;
      }
    }
    tokens.push_back(std::move(token));
  }
  return tokens;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::optional<bool> boolean(const std::string& text) {
  const std::string v = lower(text);
  if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
  if (v == "no" || v == "false" || v == "off" || v == "0") return false;
  return std::nullopt;
}

std::optional<int64_t> integer(const std::string& text) {
  try {
    size_t used = 0;
    const long long n = std::stoll(text, &used);
    if (used == text.size()) return n;
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return std::nullopt;
}

// supervisor's byte_size: a number with an optional KB/MB/GB suffix (1024s).
std::optional<uint64_t> byte_size(const std::string& text) {
  std::string v = lower(text);
  uint64_t scale = 1;
  if (v.ends_with("kb")) scale = 1024;
  if (v.ends_with("mb")) scale = 1024ULL * 1024;
  if (v.ends_with("gb")) scale = 1024ULL * 1024 * 1024;
  if (scale != 1) v.resize(v.size() - 2);
  const auto n = integer(v);
  if (!n || *n < 0) return std::nullopt;
  return static_cast<uint64_t>(*n) * scale;
}

// Keys read in read_program; the others are reported.
constexpr std::array<std::string_view, 21> k_mapped = {"command",
                                                       "directory",
                                                       "environment",
                                                       "autostart",
                                                       "autorestart",
                                                       "exitcodes",
                                                       "startsecs",
                                                       "startretries",
                                                       "stopsignal",
                                                       "stopwaitsecs",
                                                       "stopasgroup",
                                                       "killasgroup",
                                                       "numprocs",
                                                       "numprocs_start",
                                                       "process_name",
                                                       "priority",
                                                       "stdout_logfile_maxbytes",
                                                       "stdout_logfile_backups",
                                                       "user",
                                                       "redirect_stderr",
                                                       "stdout_logfile"};

struct Reported {
  std::string_view key;
  std::string_view why;
};
constexpr std::array<Reported, 11> k_reported = {{
    {"umask", "bgod starts processes with its own umask"},
    {"stderr_logfile", "bgod writes stderr to ~/.bgo/logs/NAME.err.log (bgo logs NAME)"},
    {"stderr_logfile_maxbytes", "bgo rotates both logs at logs.max_size (from stdout's)"},
    {"stderr_logfile_backups", "bgo keeps logs.files of both logs (from stdout's)"},
    {"stdout_capture_maxbytes", "supervisord's capture mode (events) has no bgo equivalent"},
    {"stderr_capture_maxbytes", "supervisord's capture mode (events) has no bgo equivalent"},
    {"stdout_events_enabled", "supervisord events have no bgo equivalent (bgo logs -f)"},
    {"stderr_events_enabled", "supervisord events have no bgo equivalent (bgo logs -f)"},
    {"stdout_syslog", "bgod writes logs to files only"},
    {"stderr_syslog", "bgod writes logs to files only"},
    {"serverurl", "SUPERVISOR_SERVER_URL: bgo has no XML-RPC server"},
}};

}  // namespace

Result<std::map<std::string, std::string>> parse_supervisord_environment(std::string_view text) {
  auto tokens = shlex_tokens(text);
  if (!tokens) return tokens.error();
  std::map<std::string, std::string> env;
  for (size_t i = 0; i < tokens->size(); i += 4) {
    if (i + 2 >= tokens->size() || (*tokens)[i + 1] != "=") {
      return make_error(Errc::invalid_params,
                        "Unexpected end of key/value pairs in value '" + std::string(text) + "'");
    }
    env[(*tokens)[i]] = (*tokens)[i + 2];
  }
  return env;
}

Result<std::string> supervisord_format(AppSpec& app, const std::string& process,
                                       std::string_view text,
                                       std::map<std::string, FormatValue> values,
                                       const std::string& what) {
  for (size_t at = text.find("%(ENV_"); at != std::string_view::npos;
       at = text.find("%(ENV_", at + 1)) {
    if (at > 0 && text[at - 1] == '%') continue;  // %%(ENV_X)s is literal text
    const size_t close = text.find(')', at);
    if (close == std::string_view::npos) break;
    const std::string name(text.substr(at + 2, close - at - 2));
    if (values.contains(name)) continue;
    values[name] = std::string();
    const std::string key = "%(" + name + ")s";
    const bool seen =
        std::any_of(app.not_imported.begin(), app.not_imported.end(),
                    [&](const NotImported& n) { return n.process == process && n.key == key; });
    if (!seen) {
      report(app, process, key,
             name.substr(4) +
                 " is not set where bgo import ran (supervisord would refuse the "
                 "file); it was left empty in " +
                 what);
    }
  }
  return python_format(text, values, what);
}

Result<void> read_supervisord_section(AppSpec& app, const IniFile& ini,
                                      SupervisordContext& context) {
  const IniSection* section = ini.find("supervisord");
  if (section == nullptr) return {};
  std::string others;
  for (const auto& [key, value] : section->keys) {
    if (key == "environment") {
      auto expanded =
          supervisord_format(app, "", value.text, context.expansions, "[supervisord] environment");
      if (!expanded) return located_error(value.file, value.line, 0, expanded.error().message);
      auto env = parse_supervisord_environment(*expanded);
      if (!env) return located_error(value.file, value.line, 0, env.error().message);
      for (const auto& [k, v] : *env) {
        context.environment[k] = v;
        context.expansions["ENV_" + k] = v;
      }
    } else if (key == "directory") {
      auto expanded =
          supervisord_format(app, "", value.text, context.expansions, "[supervisord] directory");
      if (!expanded) return located_error(value.file, value.line, 0, expanded.error().message);
      context.directory = absolute_from(context.here, *expanded);
    } else {
      others += (others.empty() ? "" : ", ") + key;
    }
  }
  if (!others.empty()) {
    report(app, "", "[supervisord] " + others, "supervisord's own settings; bgod has its own");
  }
  return {};
}

Result<std::vector<SupervisordProcess>> read_program(AppSpec& app, const IniSection& section,
                                                     const SupervisordContext& context) {
  const std::string program = section.name.substr(std::string("program:").size());
  const auto fail = [&](const IniValue* at, const std::string& message) {
    return located_error(at != nullptr ? at->file : section.file,
                         at != nullptr ? at->line : section.line, 0,
                         message + " in section [" + section.name + "]");
  };
  if (program.empty() || program.find_first_of(" :/") != std::string::npos) {
    return fail(nullptr, "invalid program name '" + program + "'");
  }
  std::map<std::string, FormatValue> expansions = context.expansions;
  expansions["program_name"] = program;
  expansions["group_name"] = program;
  // A value expanded with the expansions known so far.
  const auto get = [&](std::string_view key, const std::string& fallback,
                       const std::map<std::string, FormatValue>& with) -> Result<std::string> {
    const IniValue* v = section.find(key);
    if (v == nullptr) return fallback;
    auto expanded = supervisord_format(app, program, v->text, with, std::string(key));
    if (!expanded) return fail(v, expanded.error().message);
    return *expanded;
  };
  const auto number = [&](std::string_view key, int64_t fallback) -> Result<int64_t> {
    auto text = get(key, std::to_string(fallback), expansions);
    if (!text) return text.error();
    auto n = integer(*text);
    if (!n) return fail(section.find(key), std::string(key) + ": '" + *text + "' is not a number");
    return *n;
  };
  const auto flag = [&](std::string_view key, bool fallback) -> Result<bool> {
    auto text = get(key, fallback ? "true" : "false", expansions);
    if (!text) return text.error();
    auto b = boolean(*text);
    if (!b) return fail(section.find(key), "not a valid boolean value: '" + *text + "'");
    return *b;
  };

  auto priority = number("priority", 999);
  auto autostart = flag("autostart", true);
  auto autorestart = get("autorestart", "unexpected", expansions);
  auto startsecs = number("startsecs", 1);
  auto startretries = number("startretries", 3);
  auto stopsignal = get("stopsignal", "TERM", expansions);
  auto stopwaitsecs = number("stopwaitsecs", 10);
  auto stopasgroup = flag("stopasgroup", false);
  auto killasgroup = flag("killasgroup", stopasgroup ? *stopasgroup : false);
  auto exitcodes = get("exitcodes", "0", expansions);
  auto numprocs = number("numprocs", 1);
  auto numprocs_start = number("numprocs_start", 0);
  auto redirect = flag("redirect_stderr", false);
  for (const auto* r :
       {&priority, &startsecs, &startretries, &stopwaitsecs, &numprocs, &numprocs_start}) {
    if (!*r) return r->error();
  }
  for (const auto* r : {&autostart, &stopasgroup, &killasgroup, &redirect}) {
    if (!*r) return r->error();
  }
  for (const auto* r : {&autorestart, &stopsignal, &exitcodes}) {
    if (!*r) return r->error();
  }
  const std::string restart = lower(*autorestart);
  const bool always = boolean(restart).value_or(false);
  const bool never = boolean(restart).has_value() && !always;
  if (!always && !never && restart != "unexpected") {
    return fail(section.find("autorestart"), "invalid 'autorestart' value '" + *autorestart + "'");
  }
  auto signal = parse_signal(*stopsignal);
  if (!signal) {
    return fail(section.find("stopsignal"),
                "value '" + *stopsignal + "' is not a valid signal name");
  }
  std::vector<int64_t> codes;
  {
    std::string list = *exitcodes;
    std::replace(list.begin(), list.end(), ',', ' ');
    std::istringstream in(list);
    std::string word;
    while (in >> word) {
      auto n = integer(word);
      if (!n || *n < 0 || *n > 255) {
        return fail(section.find("exitcodes"),
                    "not a valid list of exit codes: '" + *exitcodes + "'");
      }
      codes.push_back(*n);
    }
  }
  if (*stopasgroup && !*killasgroup) {
    return fail(section.find("stopasgroup"), "Cannot set stopasgroup=true and killasgroup=false");
  }
  const IniValue* name_value = section.find("process_name");
  const std::string name_template = name_value != nullptr ? name_value->text : "%(program_name)s";
  if (*numprocs > 1 && name_template.find("%(process_num)") == std::string::npos) {
    return fail(name_value, "%(process_num) must be present within process_name when numprocs > 1");
  }
  if (*numprocs < 1 || *numprocs > 1000)
    return fail(section.find("numprocs"), "numprocs must be 1 to 1000");

  // Reported once per program, not per process.
  for (const auto& [key, value] : section.keys) {
    const bool mapped = std::find(k_mapped.begin(), k_mapped.end(), key) != k_mapped.end();
    if (mapped) continue;
    std::string why = "not a [program:x] setting bgo knows";
    for (const auto& r : k_reported) {
      if (r.key == key) why = r.why;
    }
    report(app, program, key, why);
  }
  if (const auto* user = section.find("user")) {
    report(app, program, "user", "bgo runs processes as bgod's user, not " + user->text);
  }
  if (*redirect) {
    report(app, program, "redirect_stderr",
           "bgod keeps stderr in NAME.err.log; bgo logs NAME shows both streams");
  }
  if (const auto* log = section.find("stdout_logfile")) {
    report(app, program, "stdout_logfile",
           "bgod writes stdout to ~/.bgo/logs/NAME.out.log, not " + log->text);
  }
  if (*priority != 999) {
    report(app, program, "priority",
           "processes are listed in priority order, but bgo starts them together; a "
           "depends_on gives an order");
  }
  if (*killasgroup && !*stopasgroup) {
    report(app, program, "killasgroup", "bgo signals the whole group for SIGTERM too");
  }
  const bool watched = !never;
  if (watched && *startretries != 0 && *startretries != 3) {
    report(app, program, "startretries",
           "bgo gives up after the 4th fast crash in a row (on_fast_crash: backoff), not after " +
               std::to_string(*startretries) + " retries");
  }

  std::vector<SupervisordProcess> out;
  for (int64_t num = *numprocs_start; num < *numprocs_start + *numprocs; ++num) {
    std::map<std::string, FormatValue> with = expansions;
    with["process_num"] = num;
    with["numprocs"] = *numprocs;
    const IniValue* env_value = section.find("environment");
    std::map<std::string, std::string> env = context.environment;
    if (env_value != nullptr) {
      auto expanded = supervisord_format(app, program, env_value->text, with, "environment");
      if (!expanded) return fail(env_value, expanded.error().message);
      auto parsed = parse_supervisord_environment(*expanded);
      if (!parsed) return fail(env_value, parsed.error().message);
      for (const auto& [k, v] : *parsed) {
        env[k] = v;
        with["ENV_" + k] = v;
      }
    }
    SupervisordProcess p;
    p.priority = static_cast<int>(*priority);
    ProcessSpec& spec = p.spec;
    auto name = supervisord_format(app, program, name_template, with, "process_name");
    if (!name) return fail(name_value, name.error().message);
    spec.name = *name;
    const IniValue* command_value = section.find("command");
    if (command_value == nullptr)
      return fail(nullptr, "program section does not specify a command");
    auto command = get("command", "", with);
    if (!command) return command.error();
    auto words = split_words(*command);
    if (!words) return fail(command_value, "can't parse command: " + words.error().message);
    spec.command = std::move(*words);
    auto directory = get("directory", "", with);
    if (!directory) return directory.error();
    spec.cwd = !directory->empty()          ? absolute_from(context.here, *directory)
               : !context.directory.empty() ? context.directory
                                            : context.here;
    spec.env = std::move(env);
    if (!*autostart) spec.autostart = AutostartPolicy::never;
    if (never) {
      spec.policy.restart = RestartPolicy::never;
    } else {
      spec.watch = true;
      spec.policy.restart = always ? RestartPolicy::always : RestartPolicy::on_failure;
      if (!always) spec.policy.success_codes = codes;
      spec.min_uptime = *startsecs;
      spec.on_fast_crash = *startretries == 0 ? "stop" : "backoff";
    }
    if (*signal != 15) spec.policy.stop_signal = *signal;
    spec.policy.stop_timeout_ms = *stopwaitsecs * 1000;
    if (*stopasgroup) spec.policy.kill_mode = KillMode::group;
    const IniValue* max_bytes = section.find("stdout_logfile_maxbytes");
    const IniValue* backups = section.find("stdout_logfile_backups");
    if (max_bytes != nullptr || backups != nullptr) {
      LogOptions logs;
      logs.max_size = 50ULL * 1024 * 1024;  // supervisord's defaults
      logs.files = 10;
      if (max_bytes != nullptr) {
        auto size = byte_size(max_bytes->text);
        if (!size)
          return fail(max_bytes,
                      "stdout_logfile_maxbytes: '" + max_bytes->text + "' is not a size");
        logs.max_size = *size;
      }
      if (backups != nullptr) {
        auto n = integer(backups->text);
        if (!n || *n < 0)
          return fail(backups, "stdout_logfile_backups: '" + backups->text + "' is not a number");
        logs.files = *n;
      }
      spec.logs = logs;
    }
    spec.where = {section.file, section.line, 1};
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace bgo::app
