// SPDX-License-Identifier: MIT
// StateStore.
#include "daemon/os/state_store.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "common/name.hpp"
#include "proto/state_codec.hpp"

namespace bgo::daemon {

Result<void> StateStore::save(const ProcessRecord& record) {
  auto r = write_file_atomically(paths_.state_file(record.name), proto::serialize_state(record));
  if (!r) spdlog::error("[{}] cannot save state: {}", record.name, r.error().message);
  return r;
}

void StateStore::remove(std::string_view name) {
  const auto path = paths_.state_file(name);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    spdlog::error("[{}] cannot remove {}: {}", name, path.string(), std::strerror(errno));
  }
}

StateStore::Loaded StateStore::load_all() const {
  Loaded out;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(paths_.procs_dir(), ec)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    std::ifstream in(file, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto record = proto::parse_state(text.str(), stem);
    std::string error;
    if (!in) {
      error = "cannot read the file";
    } else if (!record) {
      error = record.error().message;
    } else if (!is_valid_name(record->name) || record->name != stem) {
      error = "its name does not match the file name";
    }
    if (!error.empty()) {
      spdlog::error("state file {} is broken and was skipped: {}", file.string(), error);
      out.broken.push_back(BrokenState{file.filename().string(), error});
      continue;
    }
    std::erase_if(out.records, [&](const ProcessRecord& r) { return r.name == record->name; });
    out.records.push_back(std::move(*record));
  }
  return out;
}

}  // namespace bgo::daemon
