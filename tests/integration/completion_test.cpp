// SPDX-License-Identifier: MIT
// Shell completions (issue #19) in the real shells: bash (with the bash-completion package),
// zsh (compinit, the function run with compadd recorded) and fish (`complete -C`), each on the
// script the real `bgo completion SHELL` prints: commands, options, choices, process names.
// And the drift check: every option each command's --help lists is in the scripts.
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>

#include "tests/integration/daemon_harness.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  std::sort(out.begin(), out.end());
  return out;
}

class CompletionTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    for (const std::string shell : {"bash", "zsh", "fish"}) {
      RunResult r = bgo({"completion", shell});
      ASSERT_EQ(r.code, 0) << r.err;
      scripts_[shell] = home_.parent_path() / ("bgo." + shell);
      std::ofstream(scripts_[shell]) << r.out;
    }
  }

  // PATH starts with the folder of the bgo under test, as `command bgo` in the scripts needs.
  std::map<std::string, std::string> env() const {
    return {{"PATH", fs::path(bin("bgo")).parent_path().string() + ":" + std::getenv("PATH")}};
  }

  // What bash offers for the words of `line` (the last one being completed).
  std::vector<std::string> bash(const std::string& line) {
    const std::string script =
        "source /usr/share/bash-completion/bash_completion\n"
        "source '" +
        scripts_["bash"].string() +
        "'\n"
        "COMP_LINE='" +
        line + "'; COMP_WORDS=(" + line +
        ");\n"
        "[[ '" +
        line +
        "' == *' ' ]] && COMP_WORDS+=('')\n"
        "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _bgo\n"
        "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    RunResult r = run_within(std::chrono::seconds(20), {"/bin/bash", "-c", script}, env());
    EXPECT_EQ(r.code, 0) << r.err;
    return words_of(r.out);
  }

  // What zsh offers: the script run as the completion function with compadd recorded.
  std::vector<std::string> zsh(const std::string& line) {
    const std::string script =
        "autoload -U compinit && compinit -u -d '" + (home_.parent_path() / "zcompdump").string() +
        "'\n"
        "compadd() { print -rl -- ${@[${@[(i)--]}+1,-1]} }\n"
        "_describe() { local -a l; l=(${(P)${@[-1]}}); print -rl -- ${l%%:*} }\n"
        "_files() { print -r -- FILES }\n"
        "words=(" +
        line + "); [[ '" + line +
        "' == *' ' ]] && words+=('')\n"
        "CURRENT=${#words}\n"
        "source '" +
        scripts_["zsh"].string() + "'\n";
    RunResult r = run_within(std::chrono::seconds(20), {"/usr/bin/zsh", "-f", "-c", script}, env());
    EXPECT_EQ(r.code, 0) << r.err;
    // compadd and _describe match the word being completed; the stubs leave that to here.
    const std::string word = line.ends_with(' ') ? "" : line.substr(line.rfind(' ') + 1);
    std::vector<std::string> offered = words_of(r.out);
    std::erase_if(offered, [&word](const std::string& w) { return !w.starts_with(word); });
    return offered;
  }

  // What fish offers (the first column of `complete -C`).
  std::vector<std::string> fish(const std::string& line) {
    const std::string script = "source '" + scripts_["fish"].string() +
                               "'; for c in (complete -C '" + line +
                               "'); echo (string split \\t -- $c)[1]; end";
    RunResult r =
        run_within(std::chrono::seconds(20), {"/usr/bin/fish", "--no-config", "-c", script}, env());
    EXPECT_EQ(r.code, 0) << r.err;
    return words_of(r.out);
  }

  std::map<std::string, fs::path> scripts_;
};

bool has(const std::vector<std::string>& words, const std::string& w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

TEST_F(CompletionTest, CommandsOptionsAndChoicesInEveryShell) {
  const std::vector<std::string> st = {"start", "startup", "status", "stop"};
  EXPECT_EQ(bash("bgo st"), st);
  EXPECT_EQ(zsh("bgo st"), st);
  EXPECT_EQ(fish("bgo st"), st);
  using Shell = std::function<std::vector<std::string>(const std::string&)>;
  const std::vector<Shell> shells = {[this](const std::string& l) { return bash(l); },
                                     [this](const std::string& l) { return zsh(l); },
                                     [this](const std::string& l) { return fish(l); }};
  for (const Shell& shell : shells) {
    EXPECT_EQ(shell("bgo start --on-fast-crash "),
              (std::vector<std::string>{"backoff", "retry", "stop"}));
    const auto opts = shell("bgo logs --");
    EXPECT_TRUE(has(opts, "--follow") && has(opts, "--lines")) << opts.size();
    EXPECT_TRUE(has(shell("bgo start --stop-signal SIGT"), "SIGTERM"));
  }
  EXPECT_TRUE(has(bash("bgo rm"), "rm")) << "aliases too";
}

TEST_F(CompletionTest, ProcessNamesComeFromTheStateFiles) {
  start_ok("web", child({"--sleep", "30"}));
  start_ok("worker", child({"--sleep", "30"}));
  const std::vector<std::string> names = {"web", "worker"};
  EXPECT_EQ(bash("bgo stop w"), names);
  EXPECT_EQ(zsh("bgo stop w"), names);
  EXPECT_EQ(fish("bgo stop w"), names);
  EXPECT_EQ(bash("bgo start api --after we"), std::vector<std::string>{"web"});
  RunResult r = bgo({"completion", "--names"});
  EXPECT_EQ(r.out, "web\nworker\n");
}

// The scripts are made from the handlers' own declarations; this checks them against what
// each command's --help says it accepts.
TEST_F(CompletionTest, EveryOptionOfEveryCommandsHelpIsInTheScripts) {
  RunResult help = bgo({"help"});
  const std::string bash_text = read_file(scripts_["bash"]);
  const std::string fish_text = read_file(scripts_["fish"]);
  std::set<std::string> commands;
  std::smatch m;
  static const std::regex k_quoted("'([a-z-]+)'");
  // The options list of --help: "  -f, --follow ..." or "  --cwd CWD ..." (not the prose).
  static const std::regex k_option(R"((^|\n) +(-[a-zA-Z], )?(--[a-z][a-z-]*))");
  RunResult bad = bgo({"help", "nope"});
  ASSERT_TRUE(std::regex_search(bad.err, m, std::regex("choose from ([^)]*)"))) << bad.err;
  std::string list = m[1];
  for (std::sregex_iterator it(list.begin(), list.end(), k_quoted), end; it != end; ++it) {
    commands.insert((*it)[1]);
  }
  ASSERT_GT(commands.size(), 30U);
  std::size_t checked = 0;
  for (const auto& command : commands) {
    // `bgo env --help` is direct mode (it starts /usr/bin/env, as the original does); only
    // `bgo env NAME` is the command.
    if (command == "env") continue;
    EXPECT_TRUE(contains(bash_text, " " + command + " ") ||
                contains(bash_text, "'" + command + " ") ||
                contains(bash_text, " " + command + "'"))
        << command;
    EXPECT_TRUE(contains(fish_text, "-a " + command + " ")) << command;
    RunResult r = bgo({command, "--help"});
    ASSERT_EQ(r.code, 0) << command << r.err;
    for (std::sregex_iterator it(r.out.begin(), r.out.end(), k_option), end; it != end; ++it) {
      const std::string option = (*it)[3];
      if (option == "--help") continue;
      ++checked;
      EXPECT_TRUE(
          contains(bash_text, " " + option + " ") || contains(bash_text, "'" + option + " ") ||
          contains(bash_text, " " + option + "'") || contains(bash_text, "'" + option + "'"))
          << command << " " << option;
      EXPECT_TRUE(contains(fish_text, "-l " + option.substr(2) + " ")) << command << " " << option;
    }
  }
  EXPECT_GT(checked, 100U) << "the options of every --help were read";
}

}  // namespace
}  // namespace bgo::test
