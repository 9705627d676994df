// SPDX-License-Identifier: MIT
// read_process(): a process's keys, each checked with the parser bgod uses (common/), then the
// defaults of docs/bgo-file.md filled in.
#include "client/app/process_reader.hpp"

#include <algorithm>
#include <array>
#include <csignal>

#include "client/app/check_reader.hpp"
#include "client/app/file_error.hpp"
#include "client/app/text_file.hpp"
#include "common/cron.hpp"
#include "common/duration.hpp"
#include "common/name.hpp"
#include "common/signal_name.hpp"

namespace bgo::app {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds k_max_duration{30LL * 24 * 3600 * 1000};  // bgod's limit: 30 days
constexpr int64_t k_default_interval_s = 3;                      // the watch block's defaults
constexpr int64_t k_default_min_uptime_s = 2;
constexpr uint64_t k_min_memory = 1ULL << 20;  // bgod refuses less than 1 MiB
constexpr int64_t k_max_log_files = 1000;
constexpr int k_max_exit_code = 255;

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// One of `choices` or an error listing them ("must be always, on-failure or never").
template <class Parse>
auto choice(const YamlReader& reader, const Field& field, Parse parse, std::string_view choices) {
  const std::string value = reader.text(field);
  auto parsed = parse(value);
  if (!parsed)
    reader.fail(field, "must be " + std::string(choices) + " (got " + in_quotes(value) + ")");
  return *parsed;
}

// A number of whole seconds written as a duration ("2s", "1m", or a bare 2).
int64_t seconds(const YamlReader& reader, const Field& field) {
  const milliseconds d = reader.duration(field, milliseconds{0}, k_max_duration);
  if (d.count() % 1000 != 0) reader.fail(field, "must be a whole number of seconds");
  return d.count() / 1000;
}

bool is_env_key(std::string_view key) {
  return !key.empty() && key.find_first_of(std::string_view("=\0", 2)) == std::string_view::npos;
}

void read_depends_on(const YamlReader& reader, const Field& field, ProcessDraft& draft) {
  const auto add = [&](const Field& at, std::string name, DependencyCondition condition) {
    for (const auto& earlier : draft.spec.policy.after) {
      if (earlier.name == name) reader.fail(at, "names " + in_quotes(name) + " twice");
    }
    draft.spec.policy.after.push_back(Dependency{std::move(name), condition});
    draft.after_where.push_back(at.key_where);
  };
  if (reader.is_map(field)) {
    for (const auto& entry : reader.entries(field)) {
      DependencyCondition condition = DependencyCondition::ready;
      if (!reader.is_null(entry)) {
        condition = choice(reader, entry, parse_dependency_condition,
                           "started, ready, completed or succeeded");
      }
      add(entry, entry.key, condition);
    }
    return;
  }
  for (const auto& item : reader.items(field))
    add(item, reader.text(item), DependencyCondition::ready);
}

void read_watch(const YamlReader& reader, const Field& field, ProcessSpec& spec) {
  for (const auto& entry : reader.entries(field, k_watch_section)) {
    if (entry.key == "interval") spec.interval = seconds(reader, entry);
    if (entry.key == "min_uptime") spec.min_uptime = seconds(reader, entry);
    if (entry.key == "on_fast_crash") {
      const std::string value = reader.text(entry);
      if (value != "backoff" && value != "stop" && value != "retry") {
        reader.fail(entry, "must be backoff, stop or retry (got " + in_quotes(value) + ")");
      }
      spec.on_fast_crash = value;
    }
  }
}

void read_stop(const YamlReader& reader, const Field& field, ProcessPolicy& policy) {
  for (const auto& entry : reader.entries(field, k_stop_section)) {
    if (entry.key == "signal") {
      auto sig = parse_signal(reader.text(entry));
      if (!sig) reader.fail(entry, sig.error().message);
      policy.stop_signal = *sig;
    } else {
      policy.stop_timeout_ms = reader.duration(entry, milliseconds{0}, k_max_duration).count();
    }
  }
}

LogOptions read_logs(const YamlReader& reader, const Field& field) {
  LogOptions logs;
  for (const auto& entry : reader.entries(field, k_logs_section)) {
    if (entry.key == "max_size") logs.max_size = reader.size(entry);
    if (entry.key == "files") logs.files = reader.integer(entry, 0, k_max_log_files);
    if (entry.key == "time") logs.timestamps = reader.boolean(entry);
  }
  return logs;
}

std::vector<int64_t> read_success_codes(const YamlReader& reader, const Field& field) {
  std::vector<int64_t> codes;
  for (const auto& item : reader.items(field)) {
    const int64_t code = reader.integer(item, 0, k_max_exit_code);
    if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
  }
  if (codes.empty()) reader.fail(field, "must name at least one exit code");
  return codes;
}

std::string read_cron(const YamlReader& reader, const Field& field,
                      std::chrono::system_clock::time_point now) {
  const std::string text = reader.text(field);
  auto schedule = CronSchedule::parse(text);
  if (!schedule) reader.fail(field, schedule.error().message);
  if (!schedule->next_after(now)) {
    reader.fail(field, in_quotes(text) + " never matches (no such day within five years)");
  }
  return schedule->text();
}

// `text` made absolute against `folder`, normalised, without a trailing '/'.
std::string resolve(const std::filesystem::path& folder, const std::string& text) {
  std::string path = (folder / text).lexically_normal().string();
  if (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string resolve_cwd(const YamlReader& reader, const Field& field,
                        const std::filesystem::path& folder) {
  const std::string text = reader.text(field);
  if (text.empty()) reader.fail(field, "must not be empty");
  return resolve(folder, text);
}

// The fields of a process, by key, so that they are read in a fixed order whatever the file's.
class Slots {
 public:
  explicit Slots(std::vector<Field> entries) : entries_(std::move(entries)) {}
  const Field* operator[](std::string_view key) const {
    for (const auto& e : entries_) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

 private:
  std::vector<Field> entries_;
};

}  // namespace

EnvList EnvFiles::read(const YamlReader& reader, const Field& field) {
  EnvList out;
  for (const auto& item : reader.items(field)) {
    const std::string text = reader.text(item);
    if (text.empty()) reader.fail(item, "an empty path");
    const std::string path = resolve(folder_, text);
    auto cached = cache_.find(path);
    if (cached == cache_.end()) {
      std::string error;
      auto content = read_text_file(path, error);
      if (!content) reader.fail(item, "cannot read env file " + in_quotes(path) + ": " + error);
      cached = cache_.emplace(path, parse_env_file(*content, path, environment_)).first;
    }
    out.insert(out.end(), cached->second.begin(), cached->second.end());
  }
  return out;
}

EnvList read_env(const YamlReader& reader, const Field& field, const VariableLookup& environment) {
  EnvList out;
  const auto add = [&](const Field& at, std::string key, std::optional<std::string> value) {
    if (!is_env_key(key)) {
      fail_at(at.key_where, at.path + ": invalid variable name " + in_quotes(key));
    }
    if (value && value->find('\0') != std::string::npos) {
      reader.fail(at, "the value of " + key + " holds a NUL character");
    }
    if (!value) value = environment(key);
    if (value) out.emplace_back(std::move(key), std::move(*value));
  };
  if (reader.is_map(field)) {
    for (const auto& entry : reader.entries(field)) {
      add(entry, entry.key,
          reader.is_null(entry) ? std::nullopt : std::optional<std::string>(reader.text(entry)));
    }
    return out;
  }
  if (!reader.is_list(field)) reader.wrong_type(field, "a mapping or a list of KEY=VALUE");
  for (const auto& item : reader.items(field)) {
    const std::string text = reader.text(item);
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos) {
      add(item, text, std::nullopt);
    } else {
      add(item, text.substr(0, eq), text.substr(eq + 1));
    }
  }
  return out;
}

ProcessDraft read_process(const YamlReader& reader, const Field& field, ProcessContext& context) {
  ProcessDraft draft;
  ProcessSpec& spec = draft.spec;
  ProcessPolicy& policy = spec.policy;
  spec.name = field.key;
  spec.where = field.key_where;
  if (!is_valid_name(spec.name) || spec.name == "all") {
    fail_at(field.key_where,
            "invalid process name " + python_repr(spec.name) +
                (spec.name == "all" ? " ('all' means every process to bgo)"
                                    : " (1 to 64 bytes of printable UTF-8, no '/' or '\\')"));
  }
  const Slots slots(reader.entries(field, k_process_section));
  const Field* command = slots["command"];
  if (command == nullptr) reader.fail(field, "needs a 'command'");
  spec.command = reader.command(*command);
  spec.cwd = slots["cwd"] != nullptr ? resolve_cwd(reader, *slots["cwd"], context.folder)
                                     : context.folder.string();
  spec.env = context.project_env;
  if (const Field* f = slots["env_file"]) {
    for (auto& [k, v] : context.env_files->read(reader, *f)) spec.env[k] = v;
  }
  if (const Field* f = slots["env"]) {
    for (auto& [k, v] : read_env(reader, *f, context.environment)) spec.env[k] = v;
  }
  if (const Field* f = slots["instances"]) draft.instances = reader.integer(*f, 1, k_max_instances);
  if (const Field* f = slots["port_offset"]) {
    draft.port_offset = reader.boolean(*f);
    draft.port_offset_where = f->where;
  }
  if (const Field* f = slots["depends_on"]) read_depends_on(reader, *f, draft);
  if (const Field* f = slots["ready"]) policy.ready = read_check(reader, *f, CheckRole::ready);
  if (const Field* f = slots["watchdog"]) {
    if (!policy.ready || policy.ready->kind != CheckKind::notify) {
      reader.fail(*f, "needs a notify readiness check (ready: {notify: true})");
    }
    policy.watchdog_ms = reader.duration(*f, milliseconds{10}, k_max_duration).count();
  }
  if (const Field* f = slots["live"]) policy.live = read_check(reader, *f, CheckRole::live);
  policy.restart = RestartPolicy::on_failure;
  if (const Field* f = slots["restart"]) {
    policy.restart = choice(reader, *f, parse_restart_policy, "always, on-failure or never");
  }
  spec.watch = policy.restart != RestartPolicy::never;
  if (const Field* f = slots["watch"]) {
    if (!spec.watch) reader.fail(*f, "applies to restart: always or on-failure, not never");
    read_watch(reader, *f, spec);
  }
  if (spec.watch) {
    spec.interval = spec.interval.value_or(k_default_interval_s);
    spec.min_uptime = spec.min_uptime.value_or(k_default_min_uptime_s);
    spec.on_fast_crash = spec.on_fast_crash.value_or("backoff");
  }
  policy.success_codes = std::vector<int64_t>{0};
  if (const Field* f = slots["success_codes"])
    policy.success_codes = read_success_codes(reader, *f);
  if (const Field* f = slots["stop"]) read_stop(reader, *f, policy);
  policy.stop_signal = policy.stop_signal.value_or(SIGTERM);
  policy.kill_mode = KillMode::tree;
  if (const Field* f = slots["kill_mode"]) {
    policy.kill_mode = choice(reader, *f, parse_kill_mode, "tree or group");
  }
  if (const Field* f = slots["cron"]) policy.cron = read_cron(reader, *f, context.now);
  if (const Field* f = slots["max_memory"]) {
    policy.max_memory = reader.size(*f);
    if (*policy.max_memory < k_min_memory) reader.fail(*f, "must be at least 1M");
  }
  if (const Field* f = slots["logs"]) spec.logs = read_logs(reader, *f);
  spec.autostart = AutostartPolicy::unless_stopped;
  if (const Field* f = slots["autostart"]) {
    spec.autostart = choice(reader, *f, parse_autostart_policy, "always, unless-stopped or never");
  }
  return draft;
}

}  // namespace bgo::app
