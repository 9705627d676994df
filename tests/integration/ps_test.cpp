// SPDX-License-Identifier: MIT
// The real `bgo ps` and `bgo status --project` (issue #15): processes of two projects, started
// through raw `start` requests with `project` (as `bgo up` starts them), and one started by
// hand; the PROJECT column of the plain status table; --json rows with project and definition.
#include <fstream>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/integration/raw_client.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

class PsTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    ASSERT_EQ(bgo({"daemon", "start"}).code, 0);
  }

  // A `start` as `bgo up` sends it: the child sleeps until stopped.
  void start_in(const std::string& project, const std::string& name) {
    RawClient c(home_ / "bgo.sock");
    ASSERT_TRUE(c.ok());
    json::array command;
    for (const auto& a : child({"--tag", name})) command.emplace_back(a);
    const json::value reply = c.call("start", json::object{{"name", name},
                                                           {"command", std::move(command)},
                                                           {"cwd", "/"},
                                                           {"project", project},
                                                           {"definition", "def-" + name}});
    ASSERT_TRUE(reply.as_object().contains("result")) << json::serialize(reply);
  }

  // `bgo status --json`-style array of names.
  static std::vector<std::string> names_of(const std::string& json_text) {
    std::vector<std::string> out;
    const json::value rows = json::parse(json_text);  // a temporary would end before the loop
    for (const auto& r : rows.as_array()) {
      out.emplace_back(r.at("name").as_string());
    }
    return out;
  }

  // A folder with a bgo.yaml naming `project`.
  fs::path project_folder(const std::string& project) {
    fs::path dir = home_.parent_path() / ("folder-" + project);
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "bgo.yaml")
        << "version: 1\nname: " << project << "\nprocesses:\n  web: {command: [x]}\n";
    return dir;
  }
};

TEST_F(PsTest, ShowsOnlyTheProjectOfTheFileHereOrAbove) {
  start_in("shop", "shop-web");
  start_in("shop", "shop-db");
  start_in("blog", "blog-web");
  start_ok("tool", {"--tag", "tool"});

  // From a subfolder of the project: its bgo.yaml names the project.
  const fs::path shop = project_folder("shop");
  RunResult r = bgo({"ps", "--json"}, {}, "", (shop / "sub").string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_of(r.out), (std::vector<std::string>{"shop-db", "shop-web"}));
  const json::value rows = json::parse(r.out);
  EXPECT_EQ(rows.at(0).at("project"), "shop");
  EXPECT_EQ(rows.at(0).at("definition"), "def-shop-db");

  // -f names the file; --project needs none.
  r = bgo({"ps", "-f", (project_folder("blog") / "bgo.yaml").string(), "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_of(r.out), (std::vector<std::string>{"blog-web"}));
  r = bgo({"ps", "--project", "blog", "-o", "name,project,definition"}, {}, "", "/");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "blog-web\tblog\tdef-blog-web\n");

  // The table: one project's rows, no PROJECT column (one word on every line).
  r = bgo({"ps", "--plain"}, {{"COLUMNS", "120"}}, "", shop.string());
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "shop-web")) << r.out;
  EXPECT_TRUE(contains(r.out, "shop-db")) << r.out;
  EXPECT_FALSE(contains(r.out, "blog-web")) << r.out;
  EXPECT_FALSE(contains(r.out, "tool")) << r.out;
  EXPECT_FALSE(contains(r.out, "PROJECT")) << r.out;
  EXPECT_TRUE(contains(r.out, "Total: 2")) << r.out;
}

TEST_F(PsTest, StatusProjectFiltersEveryListingAndTheTableShowsProjects) {
  start_in("shop", "web");
  start_in("blog", "api");
  start_ok("tool", {"--tag", "tool"});

  RunResult r = bgo({"status", "--project", "shop", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(names_of(r.out), (std::vector<std::string>{"web"}));
  r = bgo({"status", "--project", "blog", "--format", "{name}:{project}"});
  EXPECT_EQ(r.out, "api:blog\n");

  // Every process: the rows of a project carry it through --json, the others do not.
  r = bgo({"status", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json::value all = json::parse(r.out);
  for (const auto& row : all.as_array()) {
    const auto& o = row.as_object();
    EXPECT_EQ(o.contains("project"), o.at("name") != "tool") << json::serialize(o);
    EXPECT_EQ(o.contains("definition"), o.at("name") != "tool") << json::serialize(o);
  }

  // The plain table gains PROJECT after NAME: several projects, and one started by hand.
  r = bgo({"status", "--plain"}, {{"COLUMNS", "120"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("NAME         PROJECT  STATUS")) << r.out;
  EXPECT_TRUE(contains(r.out, "\napi          blog     ")) << r.out;
  EXPECT_TRUE(contains(r.out, "\ntool         -        ")) << r.out;
  EXPECT_TRUE(contains(r.out, "\nweb          shop     ")) << r.out;
  // A narrow terminal drops it after MEM, CPU, UPTIME and PID.
  r = bgo({"status", "--plain"}, {{"COLUMNS", "30"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_FALSE(contains(r.out, "PROJECT")) << r.out;
  EXPECT_FALSE(contains(r.out, "PID")) << r.out;
  // Only one project and nothing by hand: no column.
  ASSERT_EQ(bgo({"delete", "-y", "tool"}).code, 0);
  ASSERT_EQ(bgo({"delete", "-y", "api"}).code, 0);
  r = bgo({"status", "--plain"}, {{"COLUMNS", "120"}});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("NAME         STATUS")) << r.out;
}

TEST_F(PsTest, AProjectWithoutProcessesSaysSoAndUsageErrors) {
  start_ok("tool", {"--tag", "tool"});
  RunResult r = bgo({"ps", "--project", "ghost"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "No processes of project 'ghost' are registered.\n");
  r = bgo({"ps", "--project", "ghost", "--json"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[]\n");
  r = bgo({"status", "--project", "ghost"});
  EXPECT_EQ(r.out, "No processes of project 'ghost' are registered.\n");

  // No bgo.yaml here or above: the loader's message, exit 1.
  r = bgo({"ps"}, {}, "", "/");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "no bgo.yaml or bgo.yml in / or any folder above it (-f FILE names one)\n");
  r = bgo({"status", "tool", "--project", "shop"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "argument --project: not allowed with a process name")) << r.err;
  r = bgo({"ps", "--project", "shop", "-f", "bgo.yaml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(contains(r.err, "argument --project: not allowed with argument -f/--file")) << r.err;
  RunResult help = bgo({"help", "ps"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(help.out.starts_with("usage: bgo ps [-h] [-f FILE] [--project NAME]")) << help.out;
  EXPECT_TRUE(contains(bgo({"help"}).out, "\n  ps ")) << bgo({"help"}).out;
}

}  // namespace
}  // namespace bgo::test
