// SPDX-License-Identifier: MIT
// load_state_dir(), load_state_file().
#include "proto/state_dir.hpp"

#include <algorithm>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/home_dir.hpp"
#include "common/name.hpp"
#include "common/unique_fd.hpp"
#include "proto/state_codec.hpp"

namespace bgo::proto {

namespace {

// The names of the `*.json` entries of `dirfd`, sorted. Reads through a duplicate so that the
// caller's descriptor keeps its own offset and stays open.
std::vector<std::string> json_files(int dirfd) {
  std::vector<std::string> names;
  const int dup = ::fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
  if (dup < 0) return names;
  DIR* dir = ::fdopendir(dup);
  if (dir == nullptr) {
    ::close(dup);
    return names;
  }
  ::rewinddir(dir);
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name(e->d_name);
    if (name.size() > 5 && name.substr(name.size() - 5) == ".json") names.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

Result<ProcessRecord> load_state_file(int procs_dir, std::string_view file,
                                      const std::filesystem::path& shown) {
  const std::filesystem::path path = shown / std::string(file);
  auto fd = open_under(procs_dir, file, O_RDONLY, 0, OtherWrite::refuse, path);
  if (!fd) return fd.error();
  auto text = read_all(fd->get(), k_max_state_file_bytes, path);
  if (!text) return text.error();
  std::string_view stem = file;
  if (stem.size() > 5 && stem.substr(stem.size() - 5) == ".json") stem.remove_suffix(5);
  auto record = parse_state(*text, stem);
  if (!record) return record.error();
  if (!is_valid_name(record->name) || record->name != stem) {
    return make_error(Errc::io_error, "its name does not match the file name");
  }
  return record;
}

LoadedStates load_state_dir(int procs_dir, const std::filesystem::path& shown) {
  LoadedStates out;
  for (const std::string& file : json_files(procs_dir)) {
    auto record = load_state_file(procs_dir, file, shown);
    if (!record) {
      out.skipped.push_back(SkippedState{file, record.error().message});
      continue;
    }
    std::erase_if(out.records, [&](const ProcessRecord& r) { return r.name == record->name; });
    out.records.push_back(std::move(*record));
  }
  return out;
}

}  // namespace bgo::proto
