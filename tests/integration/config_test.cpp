// SPDX-License-Identifier: MIT
// The real `bgo config` (issue #15): the reference's example normalised, the file found from a
// subfolder, stdin, JSON, and bad input (`file:line:column: message`, exit 1, nothing started
// or written). No bgod is involved.
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/text.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string doc_block(const std::string& marker) {
  return fenced_block_after(read_file(std::string(BGO_SOURCE_DIR) + "/docs/bgo-file.md"), marker);
}

class ConfigTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    project_ = home_.parent_path() / "shop";
    fs::create_directories(project_ / "api" / "deep");
    write(".env", doc_block("<!-- example: .env -->"));
    write("bgo.yaml", doc_block("<!-- example: bgo.yaml"));
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(project_ / name) << text;
  }

  // Nothing of bgo's was started or written.
  void expect_untouched() {
    EXPECT_EQ(daemon_pid(), 0);
    EXPECT_FALSE(fs::exists(home_ / "bgo.sock"));
    EXPECT_FALSE(fs::exists(home_ / "procs") && !fs::is_empty(home_ / "procs"));
  }

  fs::path project_;
};

TEST_F(ConfigTest, TheReferenceExampleComesOutNormalised) {
  RunResult r = bgo({"config", "-f", (project_ / "bgo.yaml").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 3U);
  EXPECT_EQ(lines[0], "version: 1");
  EXPECT_EQ(lines[1], "name: shop");
  EXPECT_EQ(lines[2], "processes:");
  const std::vector<std::string> expected = {
      "  api:1:",
      "      PORT: \"3001\"",
      "      BGO_INSTANCE: \"1\"",
      "      SECRET: p4$$word",
      "    cwd: " + (project_ / "api").string(),
      "      api:0: ready",
      "      signal: SIGINT",
      "    command: [./bin/migrate, --database, postgres://shop@localhost/shop]",
      "    restart: on-failure",
      "    autostart: never"};
  for (const auto& line : expected) {
    EXPECT_NE(std::find(lines.begin(), lines.end(), line), lines.end()) << line << "\n" << r.out;
  }
  // The output is a bgo file that reads back to itself, from stdin too.
  RunResult again = bgo({"config", "-f", "-"}, {}, r.out, "/");
  EXPECT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(again.out, r.out);
  expect_untouched();
}

TEST_F(ConfigTest, FoundFromASubfolderAndPrintedAsJson) {
  RunResult r =
      bgo({"config", "--json"}, {{"API_PORT", "4000"}}, "", (project_ / "api" / "deep").string());
  ASSERT_EQ(r.code, 0) << r.err;
  const json::value doc = json::parse(r.out);
  EXPECT_EQ(doc.at("name"), "shop");
  const json::object& processes = doc.at("processes").as_object();
  EXPECT_EQ(processes.size(), 8U);
  EXPECT_EQ(processes.at("api:0").at("env").at("PORT"), "4000");  // ${API_PORT:-3000}
  EXPECT_EQ(processes.at("api:1").at("env").at("PORT"), "4001");
  EXPECT_EQ(processes.at("report").at("cron"), "0 4 * * *");
  EXPECT_EQ(processes.at("db").at("ready").at("timeout"), "2m");
  expect_untouched();
}

TEST_F(ConfigTest, BadInputIsOneLocatedLineAndExitOne) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"processes:\n  a:\n    comand: x\n",
       "bgo.yaml:3:5: unknown key 'comand' in processes.a. Did you mean 'command'?\n"},
      {"processes:\n  a: {command: x, stop: {timeout: 10x}}\n",
       "bgo.yaml:2:35: processes.a.stop.timeout: invalid duration '10x': unknown unit 'x' (use ms, "
       "s, m, h, d)\n"},
      {"processes:\n  a: {command: x, depends_on: [a]}\n",
       "bgo.yaml:2:32: processes.a.depends_on: dependency cycle: a -> a\n"},
      {"processes:\n  a: {command: \"x ${UNSET_IN_TEST}\"}\n",
       "bgo.yaml:2:19: processes.a.command: variable 'UNSET_IN_TEST' is not set (give it a "
       "default: ${UNSET_IN_TEST:-value}; write $$ for a literal '$')\n"},
      {"processes: [\n", "bgo.yaml:2:1: invalid YAML: end of sequence flow not found\n"},
  };
  for (const auto& [text, error] : cases) {
    write("bgo.yaml", text);
    RunResult r = bgo({"config", "-f", "bgo.yaml"}, {}, "", project_.string());
    EXPECT_EQ(r.code, 1) << text;
    EXPECT_EQ(r.out, "") << text;
    EXPECT_EQ(r.err, error) << text;
  }
  // Through stdin the file is <stdin>; a missing file or none at all is said so.
  RunResult r = bgo({"config", "-f", "-"}, {}, "processes: {a: {comand: x}}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "<stdin>:1:17: unknown key 'comand' in processes.a. Did you mean 'command'?\n");
  r = bgo({"config", "-f", "nope.yaml"}, {}, "", project_.string());
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "nope.yaml: cannot read: No such file or directory\n");
  r = bgo({"config"}, {}, "", "/");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "no bgo.yaml or bgo.yml in / or any folder above it (-f FILE names one)\n");
  expect_untouched();
}

TEST_F(ConfigTest, HelpFitsEightyColumnsAndUsageErrorsExitTwo) {
  RunResult help = bgo({"help", "config"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(help.out.starts_with("usage: bgo config [-h] [-f FILE] [--json]")) << help.out;
  for (const auto& line : lines_of(help.out)) EXPECT_LE(line.size(), 80U) << line;
  EXPECT_TRUE(contains(help.out, "docs/bgo-file.md"));
  EXPECT_TRUE(contains(bgo({"help"}).out, "\n  config "));
  RunResult extra = bgo({"config", "extra"});
  EXPECT_EQ(extra.code, 2);
  EXPECT_TRUE(contains(extra.err, "bgo config: error: unrecognized arguments: extra")) << extra.err;
  RunResult missing = bgo({"config", "-f"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(contains(missing.err, "argument -f/--file: expected one argument")) << missing.err;
  expect_untouched();
}

}  // namespace
}  // namespace bgo::test
