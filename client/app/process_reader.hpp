// SPDX-License-Identifier: MIT
// One entry of `processes:` in a bgo.yaml, read into a ProcessSpec with every default filled
// in (docs/bgo-file.md). Private to client/app (it speaks yaml_reader.hpp's Field).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "client/app/app_spec.hpp"
#include "client/app/env_file.hpp"
#include "client/app/yaml_reader.hpp"

namespace bgo::app {

// Most instances one process may ask for: a typo such as `instances: 10000000` is refused
// rather than expanded.
inline constexpr int64_t k_max_instances = 1000;

// Reads env files for the whole file, each path once however many processes name it.
class EnvFiles {
 public:
  // Relative paths resolve against `folder`; `environment` is what `${VAR}` inside them sees.
  EnvFiles(std::filesystem::path folder, VariableLookup environment)
      : folder_(std::move(folder)), environment_(std::move(environment)) {}

  // The variables of the env files that `field` names (one path or a list), in order. Throws
  // at the path's place when a file cannot be read or is over 64 MiB, and at the place in the
  // env file for a malformed line.
  EnvList read(const YamlReader& reader, const Field& field);

 private:
  std::filesystem::path folder_;
  VariableLookup environment_;
  std::map<std::string, EnvList> cache_;
};

// `env:` as a mapping (a value left empty takes the variable from `environment`, or leaves it
// out when that has none) or a list of `KEY=VALUE` / `KEY` strings.
EnvList read_env(const YamlReader& reader, const Field& field, const VariableLookup& environment);

// A process as the file writes it, before its instances are expanded.
struct ProcessDraft {
  ProcessSpec spec;       // name: the key; env: the project's, then its own; after: as written
  int64_t instances = 1;  // `instances`, 1 to k_max_instances
  bool port_offset = false;
  SourceLocation port_offset_where;
  std::vector<SourceLocation> after_where;  // where each entry of spec.policy.after is written
};

// What every process of a file shares.
struct ProcessContext {
  std::filesystem::path folder;  // the file's folder: relative `cwd`s resolve against it
  std::map<std::string, std::string> project_env;  // top-level env_file, then env
  VariableLookup environment;                      // bgo's own environment
  EnvFiles* env_files = nullptr;
  std::chrono::system_clock::time_point now;  // a `cron` must match after it
};

// Reads the process under `field` (its key is the name). Throws FileErrorException.
ProcessDraft read_process(const YamlReader& reader, const Field& field, ProcessContext& context);

}  // namespace bgo::app
