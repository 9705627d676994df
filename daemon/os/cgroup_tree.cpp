// SPDX-License-Identifier: MIT
// CgroupTree: detection at startup, one cgroup per child, clean-up at exit.
#include "daemon/os/cgroup_tree.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "daemon/os/cgroup_text.hpp"
#include "daemon/os/spawn_child.hpp"

namespace bgo::daemon {

namespace {

CgroupTree::Detected none(std::string reason) { return {nullptr, std::move(reason)}; }

// True iff `pid` is the only process directly in cgroup folder `folder`.
bool alone_in(const std::string& folder, pid_t pid) {
  const auto procs = read_cgroup_file(folder, "cgroup.procs", size_t{1} << 20);
  return procs && *procs == std::to_string(pid) + "\n";
}

// Moves this process into cgroup folder `leaf`, made if missing. 0 or the errno.
int move_self_into(const std::string& leaf) {
  if (::mkdir(leaf.c_str(), 0755) != 0 && errno != EEXIST) return errno;
  return write_cgroup_file(leaf, "cgroup.procs", "0");  // "0": the writing process
}

}  // namespace

CgroupTree::Detected CgroupTree::detect(std::string_view home, std::string_view setting) {
  if (setting == "off") return none("BGO_CGROUP=off");
  const auto self = read_cgroup_file("/proc/self", "cgroup");
  const auto own = self ? parse_proc_cgroup(*self) : std::nullopt;
  if (!own) return none("no cgroup v2 in /proc/self/cgroup");
  const auto mountinfo = read_cgroup_file("/proc/self", "mountinfo", size_t{1} << 20);
  const auto mount = mountinfo ? find_cgroup2_mount(*mountinfo, *own) : std::nullopt;
  const auto own_folder = mount ? cgroup_folder(*mount, *own) : std::nullopt;
  if (!own_folder) return none("no cgroup2 mount shows bgod's cgroup " + *own);
  if (!clone_into_cgroup_supported()) return none("clone3() is not available");

  const bool top = *own_folder == mount->mount_point;
  const bool alone = !top && alone_in(*own_folder, ::getpid());
  const CgroupLayout layout = plan_cgroup_layout(*own_folder, top, alone, ::getuid(), home);
  if (!layout.self_leaf.empty()) {
    if (const int err = move_self_into(layout.self_leaf); err != 0) {
      return none(errno_message("cannot move bgod into " + layout.self_leaf, err));
    }
  }
  if (layout.own_base && ::mkdir(layout.base.c_str(), 0755) != 0 && errno != EEXIST) {
    return none(errno_message("cannot create " + layout.base, errno));
  }
  // cgroup.kill (Linux 5.14) is what makes a stop at the timeout final.
  if (::access((layout.base + "/cgroup.kill").c_str(), W_OK) != 0) {
    const int err = errno;
    if (layout.own_base) (void)::rmdir(layout.base.c_str());
    return none(errno_message(layout.base + "/cgroup.kill", err));
  }
  std::string cgroup = folder_cgroup(*mount, layout.base).value_or(*own);
  std::string self_leaf =
      layout.self_leaf.empty() ? "" : layout.self_leaf.substr(layout.self_leaf.rfind('/') + 1);
  std::unique_ptr<CgroupTree> tree(
      new CgroupTree(layout.base, std::move(cgroup), std::move(self_leaf), layout.own_base));
  tree->enable_memory();
  tree->sweep();
  return {std::move(tree), {}};
}

CgroupTree::CgroupTree(std::string folder, std::string cgroup, std::string self_leaf,
                       bool own_folder)
    : folder_(std::move(folder)),
      cgroup_(std::move(cgroup)),
      self_leaf_(std::move(self_leaf)),
      own_folder_(own_folder) {}

CgroupTree::~CgroupTree() {
  sweep();
  if (own_folder_ && ::rmdir(folder_.c_str()) != 0 && errno != EBUSY && errno != ENOENT) {
    spdlog::warn("cannot remove {}: {}", folder_, std::strerror(errno));
  }
}

// The children's cgroups can only get a controller that their parent enables for its subtree,
// and only a cgroup without processes of its own may enable one: bgod's folder is one (bgod
// stays in its own cgroup or moved into its leaf).
void CgroupTree::enable_memory() {
  const auto available = read_cgroup_file(folder_, "cgroup.controllers");
  if (!available || !has_cgroup_controller(*available, "memory")) return;
  const auto enabled = read_cgroup_file(folder_, "cgroup.subtree_control");
  if (enabled && has_cgroup_controller(*enabled, "memory")) {
    memory_ = true;
    return;
  }
  const int err = write_cgroup_file(folder_, "cgroup.subtree_control", "+memory");
  if (err != 0) {
    spdlog::warn("cannot enable the memory controller in {}: {}", folder_, std::strerror(err));
  }
  memory_ = err == 0;
}

// Empty cgroups of children an earlier bgod did not get to remove (it was killed). Those of
// processes still running fail with EBUSY and stay: they are adopted.
void CgroupTree::sweep() const {
  for (const auto& name : child_cgroups(folder_)) {
    if (name != self_leaf_) (void)remove_cgroup(folder_ + "/" + name);
  }
}

Result<CgroupLeaf> CgroupTree::create(std::string_view name) {
  // A number keeps names unique across restarts of one process whose old cgroup still has a
  // straggler, and against the cgroups of adopted processes (mkdir says EEXIST).
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const std::string leaf = cgroup_leaf_name(name, next_seq_++);
    const std::string folder = folder_ + "/" + leaf;
    if (::mkdir(folder.c_str(), 0755) == 0) return CgroupLeaf(folder, cgroup_ + "/" + leaf);
    if (errno != EEXIST) {
      return make_error(Errc::io_error, errno_message("cannot create " + folder, errno));
    }
  }
  return make_error(Errc::io_error,
                    "cannot create a cgroup in " + folder_ + ": every name is taken");
}

std::optional<CgroupLeaf> CgroupTree::leaf_of(pid_t pid) const {
  const auto text = read_cgroup_file("/proc/" + std::to_string(pid), "cgroup");
  const auto cgroup = text ? parse_proc_cgroup(*text) : std::nullopt;
  if (!cgroup || *cgroup == cgroup_ || !cgroup_contains(cgroup_, *cgroup)) return std::nullopt;
  const std::string rest = cgroup->substr(cgroup_.size() + 1);
  const std::string leaf = rest.substr(0, rest.find('/'));  // it may have made cgroups below
  if (leaf.empty() || leaf == self_leaf_) return std::nullopt;
  return CgroupLeaf(folder_ + "/" + leaf, cgroup_ + "/" + leaf);
}

bool CgroupTree::remove(const CgroupLeaf& leaf) const { return remove_cgroup(leaf.folder()); }

}  // namespace bgo::daemon
