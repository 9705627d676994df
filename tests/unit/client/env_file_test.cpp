// SPDX-License-Identifier: MIT
// Env files: compose's KEY=VALUE syntax, errors at line:column, a 10 MB file in linear time.
#include "client/app/env_file.hpp"

#include <chrono>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "client/app/file_error.hpp"

namespace bgo::app {
namespace {

std::optional<std::string> environment(std::string_view name) {
  if (name == "HOME") return "/home/ann";
  if (name == "SHELL_ONLY") return "from-shell";
  return std::nullopt;
}

EnvList parse(std::string_view text) { return parse_env_file(text, ".env", environment); }

std::string error_of(std::string_view text) {
  try {
    (void)parse(text);  // only the error matters
    return "no error";
  } catch (const FileErrorException& e) {
    return e.error().to_string();
  }
}

using Pairs = EnvList;

TEST(EnvFile, LinesCommentsExportAndBlanks) {
  EXPECT_EQ(parse("# a comment\n\nA=1\n  B = two  \nexport C=3\n\t# indented comment\nD=\n"),
            (Pairs{{"A", "1"}, {"B", "two"}, {"C", "3"}, {"D", ""}}));
  EXPECT_EQ(parse("A=1"), (Pairs{{"A", "1"}}));  // no final newline
  EXPECT_EQ(parse("A=1\r\nB=2\r\n"), (Pairs{{"A", "1"}, {"B", "2"}}));
  EXPECT_EQ(parse("A=x # comment\nB=x#not-a-comment\nC=a=b\n"),
            (Pairs{{"A", "x"}, {"B", "x#not-a-comment"}, {"C", "a=b"}}));
  EXPECT_EQ(parse("my.key-1=v\n_X=y\n"), (Pairs{{"my.key-1", "v"}, {"_X", "y"}}));
  EXPECT_EQ(parse("export=1\n"), (Pairs{{"export", "1"}}));  // a key named export
}

TEST(EnvFile, QuotedValues) {
  EXPECT_EQ(parse("A='single # kept $HOME'\n"), (Pairs{{"A", "single # kept $HOME"}}));
  EXPECT_EQ(parse("A=\"double # kept\"  # comment\n"), (Pairs{{"A", "double # kept"}}));
  EXPECT_EQ(parse(R"(A="tab\tnl\nq\"bs\\dollar\$HOME other\x")"),
            (Pairs{{"A", "tab\tnl\nq\"bs\\dollar$HOME other\\x"}}));
  EXPECT_EQ(parse("A='line1\nline2'\nB=\"x\ny\"\nC=3\n"),
            (Pairs{{"A", "line1\nline2"}, {"B", "x\ny"}, {"C", "3"}}));
  EXPECT_EQ(parse("A=''\nB=\"\"\n"), (Pairs{{"A", ""}, {"B", ""}}));
}

TEST(EnvFile, InterpolationFromEarlierKeysThenTheEnvironment) {
  EXPECT_EQ(parse("HOST=db\nURL=postgres://${HOST}/x\nH=$HOME\nQ=\"${HOST:-y}\"\nS='${HOST}'\n"),
            (Pairs{{"HOST", "db"},
                   {"URL", "postgres://db/x"},
                   {"H", "/home/ann"},
                   {"Q", "db"},
                   {"S", "${HOST}"}}));
  EXPECT_EQ(parse("HOME=/override\nX=$HOME\n"), (Pairs{{"HOME", "/override"}, {"X", "/override"}}));
  EXPECT_EQ(parse("P=${PORT:-80}\n"), (Pairs{{"P", "80"}}));
}

TEST(EnvFile, AKeyAloneComesFromTheEnvironment) {
  EXPECT_EQ(parse("SHELL_ONLY\nNOT_SET\nexport HOME  # inherited\n"),
            (Pairs{{"SHELL_ONLY", "from-shell"}, {"HOME", "/home/ann"}}));
}

TEST(EnvFile, ErrorsAreLocated) {
  EXPECT_EQ(error_of("A=1\n\n1BAD=x\n"),
            ".env:3:1: expected KEY=VALUE (a KEY starts with a letter or '_')");
  EXPECT_EQ(error_of("A=1\n  B C\n"), ".env:2:5: expected '=' after 'B'");
  EXPECT_EQ(error_of("A=1\nB='open\nC=2\n"), ".env:2:3: unterminated '-quoted value");
  EXPECT_EQ(error_of("A=\"open\n"), ".env:1:3: unterminated \"-quoted value");
  EXPECT_EQ(error_of("A='x' y\n"),
            ".env:1:7: unexpected text after the closing quote (quote the whole value)");
  EXPECT_EQ(error_of("A='multi\nline' y\n"),
            ".env:2:7: unexpected text after the closing quote (quote the whole value)");
  EXPECT_EQ(error_of("A=1\nURL=http://${NOPE}/\n"),
            ".env:2:12: variable 'NOPE' is not set (give it a default: ${NOPE:-value}; write $$ "
            "for a literal '$')");
  EXPECT_EQ(error_of("A=\"${NOPE}\"\n").substr(0, 10), ".env:1:4: ");
  EXPECT_EQ(error_of("=x\n").substr(0, 10), ".env:1:1: ");
}

TEST(EnvFile, TenMegabytesInLinearTime) {
  std::string text;
  text.reserve(11U << 20U);
  for (int i = 0; text.size() < (10U << 20U); ++i) {
    text += "# comment " + std::to_string(i) + "\nKEY_" + std::to_string(i) + "=\"value " +
            std::to_string(i) + " ${HOME}\"\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const EnvList vars = parse(text);
  EXPECT_GT(vars.size(), 200'000U);
  EXPECT_EQ(vars[7], (std::pair<std::string, std::string>{"KEY_7", "value 7 /home/ann"}));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  // One line of 10 MB, and a quote left open over 10 MB: the same single pass.
  EXPECT_EQ(parse("A=" + std::string(10U << 20U, 'x') + "\n").front().second.size(), 10U << 20U);
  EXPECT_EQ(error_of("A='" + std::string(10U << 20U, 'x')),
            ".env:1:3: unterminated '-quoted value");
}

}  // namespace
}  // namespace bgo::app
