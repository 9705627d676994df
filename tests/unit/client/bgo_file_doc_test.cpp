// SPDX-License-Identifier: MIT
// docs/bgo-file.md and docs/bgo-file.schema.json against the parser: the schema names exactly
// the keys it accepts, the reference mentions each, and the complete example is accepted.
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "client/app/bgo_file.hpp"
#include "client/app/bgo_file_keys.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::app {
namespace {

namespace json = boost::json;

std::string read_doc(const std::string& name) {
  std::ifstream in(std::string(BGO_SOURCE_DIR) + "/docs/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The body of the first fenced block after the line that holds `marker`.
std::string block_after(const std::string& doc, const std::string& marker) {
  const size_t at = doc.find(marker);
  if (at == std::string::npos) return {};
  const size_t fence = doc.find("```", at);
  const size_t body = doc.find('\n', fence) + 1;
  const size_t end = doc.find("\n```", body);
  return doc.substr(body, end - body + 1);
}

std::set<std::string> keys_of(const json::object& o) {
  std::set<std::string> out;
  for (const auto& [key, _] : o) out.emplace(key);
  return out;
}

TEST(BgoFileDoc, TheSchemaNamesExactlyTheKeysTheParserAccepts) {
  const json::value schema = json::parse(read_doc("bgo-file.schema.json"));
  EXPECT_EQ(schema.at("$schema"), "https://json-schema.org/draft/2020-12/schema");
  const json::object& defs = schema.at("$defs").as_object();
  for (const KeySection& section : k_key_sections) {
    const std::string name(section.name);
    const json::object& o = name == "top" ? schema.as_object() : defs.at(section.name).as_object();
    const std::set<std::string> parser(section.keys.begin(), section.keys.end());
    EXPECT_EQ(keys_of(o.at("properties").as_object()), parser) << name;
    EXPECT_EQ(o.at("additionalProperties"), false) << name;
    const auto* patterns = o.if_contains("patternProperties");
    EXPECT_EQ(patterns != nullptr && patterns->as_object().contains("^x-"), section.extensions)
        << name;
  }
  // And the process mapping is what `processes` holds.
  EXPECT_EQ(schema.at("properties").at("processes").at("additionalProperties").at("$ref"),
            "#/$defs/process");
}

TEST(BgoFileDoc, TheReferenceMentionsEveryKey) {
  const std::string doc = read_doc("bgo-file.md");
  for (const KeySection& section : k_key_sections) {
    for (const auto key : section.keys) {
      EXPECT_NE(doc.find("`" + std::string(key) + "`"), std::string::npos)
          << section.name << "." << key;
    }
  }
}

TEST(BgoFileDoc, TheCompleteExampleIsAccepted) {
  const std::string doc = read_doc("bgo-file.md");
  const std::string yaml = block_after(doc, "<!-- example: bgo.yaml");
  const std::string env = block_after(doc, "<!-- example: .env -->");
  ASSERT_NE(yaml.find("processes:"), std::string::npos) << yaml;
  ASSERT_NE(env.find("DATABASE_URL="), std::string::npos) << env;
  test::TempDir dir;
  std::ofstream(dir.path() / ".env") << env;
  ParseOptions options;
  options.cwd = dir.path();
  options.now = std::chrono::system_clock::now();
  auto app = parse_bgo_file(yaml, (dir.path() / "bgo.yaml").string(), options);
  ASSERT_TRUE(app) << app.error().to_string();
  std::vector<std::string> names;
  for (const auto& p : app->processes) names.push_back(p.name);
  EXPECT_EQ(names, (std::vector<std::string>{"db", "cache", "migrate", "api:0", "api:1", "web",
                                             "worker", "report"}));
  EXPECT_EQ(app->project, "shop");
  const ProcessSpec& api1 = app->processes[4];
  EXPECT_EQ(api1.env.at("PORT"), "3001");
  EXPECT_EQ(api1.env.at("SECRET"), "p4$word");
  EXPECT_EQ(api1.cwd, (dir.path() / "api").string());
  EXPECT_EQ(api1.policy.stop_signal, SIGINT);  // from the merged x-defaults
  EXPECT_EQ(app->processes[2].command.back(), "postgres://shop@localhost/shop");
  EXPECT_EQ(app->processes[6].command.back(), "emails");
  EXPECT_EQ(app->processes[5].policy.after.size(), 2U);  // web: api:0 and api:1
}

}  // namespace
}  // namespace bgo::app
