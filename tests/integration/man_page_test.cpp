// SPDX-License-Identifier: MIT
// The man pages in docs/man (issue #19): mandoc -T lint finds nothing in them, and they cannot
// drift from the programs: every command, alias and option the real `bgo help` lists is in
// bgo(1) under its command, every option of `bgod --help` in bgod(8), every key of the
// bgo.yaml schema in bgo.yaml(5), every variable of README.md's table in bgo(1).
#include <algorithm>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <boost/json/parse.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/text.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

fs::path source_dir() { return {BGO_SOURCE_DIR}; }
fs::path man_dir() { return source_dir() / "docs" / "man"; }

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool is_macro(const std::string& word) {
  static const std::regex k_macro("[A-Z][a-z][a-z]?");
  return std::regex_match(word, k_macro);
}

// The flags mdoc text names: `.It Fl w , Fl -watch` gives -w and --watch, `.Fl -cwd Ar dir`
// gives --cwd. An `Fl` takes the words up to the next macro or punctuation.
std::set<std::string> flags_in(const std::vector<std::string>& mdoc) {
  std::set<std::string> flags;
  for (const std::string& line : mdoc) {
    if (!line.starts_with('.')) continue;
    bool in_flag = false;
    for (std::string word : words_of(line)) {
      if (word == "Fl") {
        in_flag = true;
      } else if (is_macro(word) || word.find_first_not_of(",|.;:()[]") == std::string::npos) {
        in_flag = false;
      } else if (in_flag) {
        for (size_t at; (at = word.find("\\-")) != std::string::npos;) word.erase(at, 1);
        flags.insert("-" + word);
      }
    }
  }
  return flags;
}

// The words after each `Ic` of mdoc text.
std::set<std::string> commands_in(const std::vector<std::string>& mdoc) {
  std::set<std::string> names;
  for (const std::string& line : mdoc) {
    const std::vector<std::string> words = words_of(line);
    for (size_t i = 0; i + 1 < words.size(); ++i) {
      if (words[i] == "Ic") names.insert(words[i + 1]);
    }
  }
  return names;
}

// bgo(1)'s COMMANDS list, one entry per `.It` of the outer list, keyed by its first `Ic`.
std::map<std::string, std::vector<std::string>> command_entries(const std::string& page) {
  std::map<std::string, std::vector<std::string>> entries;
  std::vector<std::string>* current = nullptr;
  bool in_section = false;
  int depth = 0;
  for (const std::string& line : lines_of(page)) {
    if (line.starts_with(".Sh ")) {
      in_section = line == ".Sh COMMANDS";
      continue;
    }
    if (!in_section) continue;
    if (line.starts_with(".Bl ")) ++depth;
    if (line.starts_with(".El")) --depth;
    if (depth == 1 && line.starts_with(".It ")) {
      const std::vector<std::string> words = words_of(line);
      const auto ic = std::find(words.begin(), words.end(), "Ic");
      current = ic != words.end() && ic + 1 != words.end() ? &entries[*(ic + 1)] : nullptr;
    }
    if (current != nullptr && depth >= 1) current->push_back(line);
  }
  return entries;
}

// The option words of `--help` output's "options:" rows: `-o FIELDS, --output FIELDS` gives
// -o and --output. -h and --help are left out: bgo(1) says once that every command has them.
std::set<std::string> help_options(const std::string& help) {
  std::set<std::string> options;
  bool in_options = false;
  for (const std::string& line : lines_of(help)) {
    if (line == "options:") {
      in_options = true;
    } else if (in_options && line.starts_with("  -")) {
      // `--formation NAME=N,...` and `{backoff,stop,retry}` have commas too.
      static const std::regex k_flag("(^|, )(-[a-zA-Z]|--[a-z][a-z-]*)");
      const std::string invocation = line.substr(2, line.find("  ", 2) - 2);
      for (std::sregex_iterator it(invocation.begin(), invocation.end(), k_flag), end; it != end;
           ++it) {
        const std::string flag = (*it)[2];
        if (flag != "-h" && flag != "--help") options.insert(flag);
      }
    }
  }
  return options;
}

class ManPageTest : public DaemonTest {
 protected:
  std::string page(const std::string& name) { return read_file(man_dir() / name); }
};

TEST_F(ManPageTest, MandocLintFindsNothing) {
  for (const std::string name : {"bgo.1", "bgod.8", "bgo.yaml.5"}) {
    ASSERT_TRUE(fs::exists(man_dir() / name)) << name;
    RunResult r = run_within(std::chrono::seconds(20), {"/usr/bin/mandoc", "-T", "lint", "-W",
                                                        "style", (man_dir() / name).string()});
    // Whether the pages it refers to are installed, and how fresh mandoc.db is, depend on the
    // machine, not on the page.
    for (const std::string& line : lines_of(r.out + r.err)) {
      if (contains(line, "referenced manual not found") || contains(line, "mandoc.db")) continue;
      ADD_FAILURE() << line;
    }
    EXPECT_NE(r.code, -1) << "mandoc missing? tools/deps.sh installs it";
  }
}

TEST_F(ManPageTest, EveryCommandAliasAndOptionOfBgoIsInBgo1) {
  RunResult bad = bgo({"help", "nope"});
  std::smatch m;
  ASSERT_TRUE(std::regex_search(bad.err, m, std::regex("choose from ([^)]*)"))) << bad.err;
  const std::string list = m[1];
  std::set<std::string> names{"help"};
  static const std::regex k_quoted("'([a-z-]+)'");
  for (std::sregex_iterator it(list.begin(), list.end(), k_quoted), end; it != end; ++it) {
    names.insert((*it)[1]);
  }
  ASSERT_GT(names.size(), 30U);
  const auto entries = command_entries(page("bgo.1"));
  for (const std::string& name : names) {
    RunResult help = bgo({"help", name});
    ASSERT_EQ(help.code, 0) << name << help.err;
    ASSERT_TRUE(std::regex_search(help.out, m, std::regex("usage: bgo ([a-z-]+)"))) << help.out;
    const std::string command = m[1];  // the canonical name, also for an alias
    const auto entry = entries.find(command);
    if (entry == entries.end()) {
      ADD_FAILURE() << "no '.It Ic " << command << "' in COMMANDS of bgo.1";
      continue;
    }
    EXPECT_TRUE(commands_in(entry->second).contains(name))
        << "bgo.1 does not name " << name << " (Ic) in the entry of " << command;
    const std::set<std::string> documented = flags_in(entry->second);
    for (const std::string& option : help_options(help.out)) {
      EXPECT_TRUE(documented.contains(option)) << "bgo.1, " << command << ": no Fl " << option;
    }
  }
}

TEST_F(ManPageTest, EveryOptionOfBgodIsInBgod8) {
  RunResult help = run_within(std::chrono::seconds(10), {bin("bgod"), "--help"});
  ASSERT_EQ(help.code, 0) << help.err;
  const std::set<std::string> documented = flags_in(lines_of(page("bgod.8")));
  static const std::regex k_option(R"(^  (-[a-zA-Z]|--[a-z][a-z-]*)(?: \[ (--[a-z-]+) \])?)");
  int count = 0;
  for (const std::string& line : lines_of(help.out)) {
    std::smatch m;
    if (!std::regex_search(line, m, k_option)) continue;
    for (size_t i = 1; i < m.size(); ++i) {
      if (!m[i].matched) continue;
      ++count;
      EXPECT_TRUE(documented.contains(m[i])) << "bgod.8: no Fl " << m[i];
    }
  }
  EXPECT_GE(count, 7);
}

// Every key the schema allows, in every mapping, is an `.It Ic KEY` of bgo.yaml(5).
TEST_F(ManPageTest, EveryKeyOfTheBgoFileIsInBgoYaml5) {
  const json::value schema = json::parse(read_file(source_dir() / "docs/bgo-file.schema.json"));
  std::set<std::string> keys;
  std::function<void(const json::value&)> walk = [&](const json::value& v) {
    if (v.is_array()) {
      for (const json::value& item : v.as_array()) walk(item);
    }
    if (!v.is_object()) return;
    for (const auto& [key, value] : v.as_object()) {
      if (key == "properties" && value.is_object()) {
        for (const auto& property : value.as_object()) keys.insert(std::string(property.key()));
      }
      walk(value);
    }
  };
  walk(schema);
  ASSERT_GT(keys.size(), 30U);
  const std::string text = page("bgo.yaml.5");
  for (const std::string& key : keys) {
    EXPECT_TRUE(contains(text, "\n.It Ic " + key + "\n")) << "bgo.yaml.5: no .It Ic " << key;
  }
}

// README.md's table of environment variables, each an `.It Ev` of bgo(1).
TEST_F(ManPageTest, EveryVariableOfTheReadmeIsInBgo1) {
  const std::string text = page("bgo.1");
  static const std::regex k_row("^\\| `([A-Z_]+)[=`]");
  int count = 0;
  for (const std::string& line : lines_of(read_file(source_dir() / "README.md"))) {
    std::smatch m;
    if (!std::regex_search(line, m, k_row)) continue;
    ++count;
    EXPECT_TRUE(contains(text, "\n.It Ev " + std::string(m[1]) + "\n")) << m[1];
  }
  EXPECT_GE(count, 8);
}

}  // namespace
}  // namespace bgo::test
