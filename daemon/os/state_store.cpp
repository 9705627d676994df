// SPDX-License-Identifier: MIT
// StateStore.
#include "daemon/os/state_store.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/atomic_file.hpp"
#include "common/home_dir.hpp"
#include "proto/state_codec.hpp"
#include "proto/state_dir.hpp"

namespace bgo::daemon {

Result<void> StateStore::save(const ProcessRecord& record) {
  const auto began = clock_.now();
  auto saved = write(record);
  stats_.latency.observe(clock_.now() - began);
  ++stats_.writes;
  if (!saved) ++stats_.failures;
  return saved;
}

// procs/ is opened (and checked) for every operation rather than held: a folder that was made
// writable by others since startup is refused at the next save instead of being trusted.
Result<void> StateStore::write(const ProcessRecord& record) {
  auto dir = open_trusted_dir(paths_.procs_dir());
  if (!dir) {
    spdlog::error("[{}] cannot save state: {}", record.name, dir.error().message);
    return dir.error();
  }
  auto r =
      write_file_atomically_at(dir->get(), record.name + ".json", proto::serialize_state(record));
  if (!r) spdlog::error("[{}] cannot save state: {}", record.name, r.error().message);
  return r;
}

void StateStore::remove(std::string_view name) {
  const auto path = paths_.state_file(name);
  auto dir = open_trusted_dir(paths_.procs_dir());
  if (!dir) {
    spdlog::error("[{}] cannot remove {}: {}", name, path.string(), dir.error().message);
    return;
  }
  if (::unlinkat(dir->get(), path.filename().c_str(), 0) != 0 && errno != ENOENT) {
    spdlog::error("[{}] cannot remove {}: {}", name, path.string(), std::strerror(errno));
  }
}

StateStore::Loaded StateStore::load_all() const {
  Loaded out;
  auto dir = open_trusted_dir(paths_.procs_dir());
  if (!dir) {
    // run_daemon() checked the folder a moment ago; losing it now is worth a loud line.
    spdlog::error("cannot read state files: {}", dir.error().message);
    return out;
  }
  auto loaded = proto::load_state_dir(dir->get(), paths_.procs_dir());
  for (auto& skipped : loaded.skipped) {
    spdlog::warn("state file {} was skipped: {}", (paths_.procs_dir() / skipped.file).string(),
                 skipped.error);
    out.broken.push_back(BrokenState{std::move(skipped.file), std::move(skipped.error)});
  }
  out.records = std::move(loaded.records);
  return out;
}

}  // namespace bgo::daemon
