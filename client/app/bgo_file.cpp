// SPDX-License-Identifier: MIT
// parse_bgo_file(): the top-level keys, the project's environment, every process
// (process_reader.cpp), then instances expanded and the dependency graph checked on the result.
#include "client/app/bgo_file.hpp"

#include <system_error>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "client/app/dependency_graph.hpp"
#include "client/app/process_reader.hpp"
#include "client/app/text_file.hpp"
#include "common/name.hpp"

namespace bgo::app {

namespace {

namespace fs = std::filesystem;

constexpr int64_t k_max_port = 65535;

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// What an expanded process needs for the errors found after expansion.
struct Origin {
  std::string base;  // its key in the file
  int64_t instance = 0;
  int64_t instances = 1;
  std::vector<SourceLocation> after_where;

  std::string describe(const SourceLocation& where) const {
    const std::string line = " (line " + std::to_string(where.line) + ")";
    if (instances == 1) return in_quotes(base) + line;
    return "instance " + std::to_string(instance) + " of " + in_quotes(base) + line;
  }
};

int64_t base_port(const ProcessDraft& draft) {
  const std::string key = "processes." + draft.spec.name + ".port_offset: ";
  const auto it = draft.spec.env.find("PORT");
  const std::string why = "needs PORT set to a port number in env or env_file";
  if (it == draft.spec.env.end()) fail_at(draft.port_offset_where, key + why);
  int64_t port = 0;
  for (const char c : it->second) {
    if (c < '0' || c > '9' || port > k_max_port) {
      fail_at(draft.port_offset_where, key + why + " (PORT is " + in_quotes(it->second) + ")");
    }
    port = port * 10 + (c - '0');
  }
  if (port == 0 || port + draft.instances - 1 > k_max_port) {
    fail_at(draft.port_offset_where, key + "PORT " + it->second + " + " +
                                         std::to_string(draft.instances - 1) +
                                         " is not a port number");
  }
  return port;
}

class InstanceExpander {
 public:
  explicit InstanceExpander(AppSpec& app) : app_(app) {}

  void run(std::vector<ProcessDraft>& drafts) {
    for (const auto& d : drafts) {
      if (d.instances == 1) continue;
      auto& names = groups_[d.spec.name];
      for (int64_t i = 0; i < d.instances; ++i)
        names.push_back(d.spec.name + ":" + std::to_string(i));
    }
    for (auto& d : drafts) expand(d);
    if (auto problem = check_dependencies(app_)) {
      const Origin& origin = origins_[problem->process];
      fail_at(origin.after_where[problem->dependency],
              "processes." + origin.base + ".depends_on: " + problem->message);
    }
  }

 private:
  // The dependencies of `draft` with each instanced name replaced by all its instances.
  void expand_after(ProcessDraft& draft, Origin& origin) {
    std::vector<Dependency> after;
    std::unordered_set<std::string> names;
    const auto add = [&](std::string name, DependencyCondition condition,
                         const SourceLocation& at) {
      if (!names.insert(name).second) {
        fail_at(at, "processes." + draft.spec.name + ".depends_on: names " + in_quotes(name) +
                        " twice (an instanced process stands for all its instances)");
      }
      after.push_back(Dependency{std::move(name), condition});
      origin.after_where.push_back(at);
    };
    for (std::size_t i = 0; i < draft.spec.policy.after.size(); ++i) {
      const Dependency& d = draft.spec.policy.after[i];
      const auto group = groups_.find(d.name);
      if (group == groups_.end()) {
        add(d.name, d.condition, draft.after_where[i]);
      } else {
        for (const auto& member : group->second) add(member, d.condition, draft.after_where[i]);
      }
    }
    draft.spec.policy.after = std::move(after);
  }

  void expand(ProcessDraft& draft) {
    Origin origin{draft.spec.name, 0, draft.instances, {}};
    expand_after(draft, origin);
    const int64_t port = draft.port_offset ? base_port(draft) : 0;
    for (int64_t i = 0; i < draft.instances; ++i) {
      ProcessSpec spec = draft.spec;
      origin.instance = i;
      if (draft.instances > 1) {
        spec.name += ":" + std::to_string(i);
        spec.env["BGO_INSTANCE"] = std::to_string(i);
        if (!is_valid_name(spec.name)) {
          fail_at(spec.where, "processes." + draft.spec.name + ": the instance name " +
                                  in_quotes(spec.name) + " is longer than 64 bytes");
        }
      }
      if (draft.port_offset) spec.env["PORT"] = std::to_string(port + i);
      const auto [first, inserted] = seen_.emplace(spec.name, app_.processes.size());
      if (!inserted) {
        const std::size_t other = first->second;
        fail_at(spec.where, "processes: two processes named " + in_quotes(spec.name) + ": " +
                                origins_[other].describe(app_.processes[other].where) + " and " +
                                origin.describe(spec.where));
      }
      app_.processes.push_back(std::move(spec));
      origins_.push_back(origin);
    }
  }

  AppSpec& app_;
  std::unordered_map<std::string, std::vector<std::string>> groups_;  // instanced name -> names
  std::unordered_map<std::string, std::size_t> seen_;                 // name -> index
  std::vector<Origin> origins_;                                       // per app_.processes
};

AppSpec parse(std::string_view text, const std::string& path, const ParseOptions& options) {
  const bool from_stdin = path == "-";
  const std::string display = from_stdin ? "<stdin>" : path;
  const fs::path absolute =
      from_stdin ? options.cwd : (options.cwd / fs::path(path)).lexically_normal();
  const fs::path folder = from_stdin ? options.cwd : absolute.parent_path();
  const VariableLookup environment = [&options](std::string_view name) {
    const auto it = options.environment.find(std::string(name));
    return it == options.environment.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  YamlReader reader(display, text, environment);
  const Field document = reader.document();
  if (reader.is_null(document))
    fail_at(document.where, "empty file: a bgo file needs 'processes:'");
  if (!reader.is_map(document))
    reader.wrong_type(document, "a mapping (version, name, processes...)");
  const auto entries = reader.entries(document, k_top_section);
  const auto slot = [&entries](std::string_view key) -> const Field* {
    for (const auto& e : entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  };
  // The top-level env files first: `${VAR}` everywhere else may use them (the environment
  // wins, as in compose); their own paths see the environment only.
  EnvFiles env_files(folder, environment);
  std::map<std::string, std::string> file_vars;
  if (const Field* f = slot("env_file")) {
    for (auto& [k, v] : env_files.read(reader, *f)) file_vars[k] = v;
  }
  reader.set_lookup([&](std::string_view name) {
    if (auto value = environment(name)) return value;
    const auto it = file_vars.find(std::string(name));
    return it == file_vars.end() ? std::nullopt : std::optional<std::string>(it->second);
  });
  AppSpec app;
  app.file = from_stdin ? "-" : absolute.string();
  if (const Field* f = slot("version")) {
    app.version = static_cast<int>(reader.integer(*f, 0, 1'000'000));
    if (app.version != 1) {
      reader.fail(
          *f, "unsupported version " + std::to_string(app.version) + " (this bgo reads version 1)");
    }
  }
  app.project = folder.filename().string();
  if (const Field* f = slot("name")) app.project = reader.text(*f);
  if (!is_valid_name(app.project)) {
    const Field* f = slot("name");
    fail_at(f != nullptr ? f->where : document.where,
            "invalid project name " + python_repr(app.project) +
                (f != nullptr ? "" : " (the folder's name; set one with 'name:')"));
  }
  ProcessContext context{folder, file_vars, environment, &env_files, options.now};
  if (const Field* f = slot("env")) {
    for (auto& [k, v] : read_env(reader, *f, environment)) context.project_env[k] = v;
  }
  const Field* processes = slot("processes");
  if (processes == nullptr) fail_at(document.where, "a bgo file needs 'processes:'");
  if (!reader.is_map(*processes)) reader.wrong_type(*processes, "a mapping of names to processes");
  std::vector<ProcessDraft> drafts;
  for (const auto& field : reader.entries(*processes)) {
    drafts.push_back(read_process(reader, field, context));
  }
  if (drafts.empty()) reader.fail(*processes, "no process defined");
  InstanceExpander(app).run(drafts);
  return app;
}

}  // namespace

std::optional<fs::path> find_bgo_file(const fs::path& dir) {
  fs::path folder = dir.lexically_normal();
  for (;;) {
    for (const char* name : {"bgo.yaml", "bgo.yml"}) {
      std::error_code ec;
      if (fs::is_regular_file(folder / name, ec)) return folder / name;
    }
    if (folder == folder.root_path() || !folder.has_parent_path()) return std::nullopt;
    fs::path parent = folder.parent_path();
    if (parent == folder) return std::nullopt;
    folder = std::move(parent);
  }
}

AppResult parse_bgo_file(std::string_view text, const std::string& path,
                         const ParseOptions& options) {
  try {
    return parse(text, path, options);
  } catch (const FileErrorException& e) {
    return e.error();
  }
}

AppResult load_bgo_file(const std::string& file, std::istream& in, const ParseOptions& options) {
  // The errors are built in a named FileError: a braced temporary converted to the result makes
  // GCC 12 -O2 report a false -Wmaybe-uninitialized.
  FileError error;
  std::string path = file;
  if (path.empty()) {
    auto found = find_bgo_file(options.cwd);
    if (!found) {
      error.message = "no bgo.yaml or bgo.yml in " + options.cwd.string() +
                      " or any folder above it (-f FILE names one)";
      return error;
    }
    path = found->string();
  }
  std::string why;
  const auto text =
      path == "-" ? read_text_stream(in, why) : read_text_file(options.cwd / fs::path(path), why);
  if (!text) {
    error.where.file = path == "-" ? "<stdin>" : path;
    error.message = "cannot read: " + why;
    return error;
  }
  return parse_bgo_file(*text, path, options);
}

}  // namespace bgo::app
