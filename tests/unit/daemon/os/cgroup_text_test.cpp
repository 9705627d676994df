// SPDX-License-Identifier: MIT
// The pure cgroup v2 rules: mount and cgroup lookup, the layout, names, and the kernel's files.
#include "daemon/os/cgroup_text.hpp"

#include <gtest/gtest.h>

namespace bgo::daemon {
namespace {

// This machine's hybrid layout (cgroup v1 controllers, cgroup2 at .../unified) and a plain
// Debian 12 one.
constexpr std::string_view k_hybrid =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n";
constexpr std::string_view k_unified =
    "22 1 0:21 / /proc rw,nosuid shared:12 - proc proc rw\n"
    "25 21 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 "
    "rw,nsdelegate,memory_recursiveprot\n";

TEST(CgroupText, ProcCgroupGivesTheV2Line) {
  EXPECT_EQ(parse_proc_cgroup("9:name=systemd:/\n4:memory:/x/y\n0::/\n"), "/");
  EXPECT_EQ(parse_proc_cgroup("0::/user.slice/user-1000.slice/user@1000.service/app.slice/"
                              "bgod.service\n"),
            "/user.slice/user-1000.slice/user@1000.service/app.slice/bgod.service");
  EXPECT_EQ(parse_proc_cgroup("4:memory:/x\n1:cpu:/\n"), std::nullopt);  // v1 only
  EXPECT_EQ(parse_proc_cgroup("0::/gone (deleted)\n"), std::nullopt);
  EXPECT_EQ(parse_proc_cgroup("0::/../outside\n"), std::nullopt);  // another cgroup namespace
  EXPECT_EQ(parse_proc_cgroup(""), std::nullopt);
}

TEST(CgroupText, FindsTheCgroup2Mount) {
  auto m = find_cgroup2_mount(k_hybrid, "/");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/sys/fs/cgroup/unified");
  EXPECT_EQ(m->root, "/");
  m = find_cgroup2_mount(k_unified, "/system.slice/x.service");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/sys/fs/cgroup");
  EXPECT_EQ(find_cgroup2_mount("35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw\n", "/"),
            std::nullopt);
  // Optional fields before the dash, an escaped space, and a mount of a sub-tree only.
  m = find_cgroup2_mount("50 1 0:40 /a /mnt/my\\040cg rw shared:3 master:1 - cgroup2 none rw\n",
                         "/a/b");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->mount_point, "/mnt/my cg");
  EXPECT_EQ(m->root, "/a");
  EXPECT_EQ(find_cgroup2_mount("50 1 0:40 /a /mnt/cg rw - cgroup2 none rw\n", "/ab"), std::nullopt);
}

TEST(CgroupText, FolderOfACgroupAndBack) {
  const CgroupMount top{"/sys/fs/cgroup", "/"};
  EXPECT_EQ(cgroup_folder(top, "/"), "/sys/fs/cgroup");
  EXPECT_EQ(cgroup_folder(top, "/a/b"), "/sys/fs/cgroup/a/b");
  const CgroupMount sub{"/mnt/cg", "/a"};
  EXPECT_EQ(cgroup_folder(sub, "/a"), "/mnt/cg");
  EXPECT_EQ(cgroup_folder(sub, "/a/b"), "/mnt/cg/b");
  EXPECT_EQ(cgroup_folder(sub, "/c"), std::nullopt);

  EXPECT_EQ(folder_cgroup(top, "/sys/fs/cgroup"), "/");
  EXPECT_EQ(folder_cgroup(top, "/sys/fs/cgroup/bgo-0-x"), "/bgo-0-x");  // never "//bgo-0-x"
  EXPECT_EQ(folder_cgroup(sub, "/mnt/cg/b/c"), "/a/b/c");
  EXPECT_EQ(folder_cgroup(top, "/sys/fs/cgroupx/y"), std::nullopt);
}

TEST(CgroupText, Containment) {
  EXPECT_TRUE(cgroup_contains("/a", "/a"));
  EXPECT_TRUE(cgroup_contains("/a", "/a/b"));
  EXPECT_FALSE(cgroup_contains("/a", "/ab"));
  EXPECT_FALSE(cgroup_contains("/a/b", "/a"));
  EXPECT_TRUE(cgroup_contains("/", "/anything"));
}

TEST(CgroupText, LayoutAtTheTopIsAFolderOfItsOwn) {
  const auto l = plan_cgroup_layout("/sys/fs/cgroup/unified", true, false, 0, "/root/.bgo");
  EXPECT_EQ(l.base, "/sys/fs/cgroup/unified/" + cgroup_base_name(0, "/root/.bgo"));
  EXPECT_TRUE(l.self_leaf.empty());
  EXPECT_TRUE(l.own_base);
  // Even alone at the top (a container's root cgroup): the top is shared with whatever else runs.
  EXPECT_EQ(plan_cgroup_layout("/sys/fs/cgroup", true, true, 0, "/h").base,
            "/sys/fs/cgroup/" + cgroup_base_name(0, "/h"));
}

TEST(CgroupText, LayoutOfADelegatedUnitMovesBgodIntoALeaf) {
  const std::string unit =
      "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/"
      "bgod.service";
  const auto l = plan_cgroup_layout(unit, false, true, 1000, "/home/me/.bgo");
  EXPECT_EQ(l.base, unit);
  EXPECT_EQ(l.self_leaf, unit + "/bgod");
  EXPECT_FALSE(l.own_base);  // systemd's, not ours to remove
}

TEST(CgroupText, LayoutOfASharedCgroupIsAFolderOfItsOwn) {
  const std::string scope = "/sys/fs/cgroup/user.slice/user-0.slice/session-3.scope";
  const auto l = plan_cgroup_layout(scope, false, false, 0, "/root/.bgo");
  EXPECT_EQ(l.base, scope + "/" + cgroup_base_name(0, "/root/.bgo"));
  EXPECT_TRUE(l.self_leaf.empty());
  EXPECT_TRUE(l.own_base);
}

TEST(CgroupText, BaseNameIsStablePerHomeAndDistinctBetweenHomes) {
  EXPECT_EQ(cgroup_base_name(1000, "/home/me/.bgo"), cgroup_base_name(1000, "/home/me/.bgo"));
  EXPECT_NE(cgroup_base_name(1000, "/tmp/a/home"), cgroup_base_name(1000, "/tmp/b/home"));
  EXPECT_NE(cgroup_base_name(1000, "/h"), cgroup_base_name(1001, "/h"));
  const std::string name = cgroup_base_name(0, "/root/.bgo");
  EXPECT_EQ(name.rfind("bgo-0-", 0), 0u) << name;
  EXPECT_EQ(name.size(), std::string("bgo-0-").size() + 16) << name;
  // FNV-1a 64 of the empty string: the same on every build.
  EXPECT_EQ(cgroup_base_name(7, ""), "bgo-7-cbf29ce484222325");
}

TEST(CgroupText, LeafNamesAreSafeForAnyProcessName) {
  EXPECT_EQ(cgroup_leaf_name("web", 1), "web.1");
  EXPECT_EQ(cgroup_leaf_name("my-app_2", 12), "my-app_2.12");
  EXPECT_EQ(cgroup_leaf_name("a b/c", 3), "a%20b%2Fc.3");
  EXPECT_EQ(cgroup_leaf_name("a.1", 2), "a%2E1.2");  // no clash with "a" + ".1"
  EXPECT_EQ(cgroup_leaf_name("..", 1), "%2E%2E.1");
  EXPECT_EQ(cgroup_leaf_name("cgroup.procs", 1), "cgroup%2Eprocs.1");
  EXPECT_EQ(cgroup_leaf_name("x\ny", 1), "x%0Ay.1");  // the kernel refuses '\n' in names
  EXPECT_EQ(cgroup_leaf_name("\xc3\xa9t\xc3\xa9", 4), "%C3%A9t%C3%A9.4");
  EXPECT_EQ(cgroup_leaf_name("", 5), "_.5");
  const std::string longest = cgroup_leaf_name(std::string(64, '\xff'), 18446744073709551615ULL);
  EXPECT_LE(longest.size(), 200u);
  EXPECT_EQ(longest.find('/'), std::string::npos);
}

TEST(CgroupText, KeyedFiles) {
  constexpr std::string_view k_events = "populated 1\nfrozen 0\n";
  EXPECT_EQ(cgroup_keyed_value(k_events, "populated"), 1u);
  EXPECT_EQ(cgroup_keyed_value("populated 0\nfrozen 0\n", "populated"), 0u);
  EXPECT_EQ(cgroup_keyed_value(k_events, "missing"), std::nullopt);
  constexpr std::string_view k_cpu =
      "usage_usec 19302177164\nuser_usec 17142525986\nsystem_usec 2159651178\nnice_usec 0\n";
  EXPECT_EQ(cgroup_keyed_value(k_cpu, "usage_usec"), 19302177164u);
  EXPECT_EQ(cgroup_keyed_value("usage_usec x\n", "usage_usec"), std::nullopt);
  EXPECT_EQ(cgroup_keyed_value("usage_usecs 5\n", "usage_usec"), std::nullopt);
}

TEST(CgroupText, Controllers) {
  EXPECT_TRUE(has_cgroup_controller("cpuset cpu io memory hugetlb pids\n", "memory"));
  EXPECT_FALSE(has_cgroup_controller("hugetlb\n", "memory"));
  EXPECT_FALSE(has_cgroup_controller("", "memory"));
  EXPECT_FALSE(has_cgroup_controller("memoryx\n", "memory"));
}

TEST(CgroupText, MemoryEventsAndBreaches) {
  const auto before =
      parse_memory_events("low 0\nhigh 12\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
  EXPECT_EQ(before.max, 0u);
  EXPECT_EQ(before.oom_kill, 0u);
  // `high` going up is throttling below the limit, not a breach.
  EXPECT_FALSE(memory_breached(before, parse_memory_events("high 40\nmax 0\noom_kill 0\n")));
  EXPECT_TRUE(memory_breached(before, parse_memory_events("high 40\nmax 3\noom_kill 0\n")));
  EXPECT_TRUE(memory_breached(before, parse_memory_events("max 0\noom 1\noom_kill 1\n")));
  EXPECT_FALSE(memory_breached(before, before));
}

TEST(CgroupText, MemoryHighIsNinetyPercent) {
  EXPECT_EQ(memory_high_for(1000), 900u);
  EXPECT_EQ(memory_high_for(100ull * 1024 * 1024), 94371840u);
  EXPECT_EQ(memory_high_for(~0ull), ~0ull / 10 * 9 + 4);  // no overflow
  EXPECT_EQ(memory_high_for(0), 0u);
}

}  // namespace
}  // namespace bgo::daemon
