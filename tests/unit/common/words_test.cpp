// SPDX-License-Identifier: MIT
// split_words: blanks, both quotes, backslashes, nothing expanded, what is refused.
#include "common/words.hpp"

#include <gtest/gtest.h>

namespace bgo {
namespace {

using Words = std::vector<std::string>;

Words ok(std::string_view text) {
  auto r = split_words(text);
  EXPECT_TRUE(r) << text << ": " << (r ? "" : r.error().message);
  return r ? *r : Words{};
}

std::string error_of(std::string_view text) {
  auto r = split_words(text);
  EXPECT_FALSE(r) << text;
  if (r) return {};
  EXPECT_EQ(r.error().code, Errc::invalid_params);
  return r.error().message;
}

TEST(SplitWords, BlanksSeparate) {
  EXPECT_EQ(ok("pg_isready"), (Words{"pg_isready"}));
  EXPECT_EQ(ok("curl -sf http://x/health"), (Words{"curl", "-sf", "http://x/health"}));
  EXPECT_EQ(ok("  a \t b\n c  "), (Words{"a", "b", "c"}));
}

TEST(SplitWords, SingleQuotesKeepEverything) {
  EXPECT_EQ(ok("sh -c 'test -f /tmp/ready && exit 0'"),
            (Words{"sh", "-c", "test -f /tmp/ready && exit 0"}));
  EXPECT_EQ(ok(R"('a\b' '"' '$HOME')"), (Words{R"(a\b)", "\"", "$HOME"}));
  EXPECT_EQ(ok("'a\nb'"), (Words{"a\nb"}));
}

TEST(SplitWords, DoubleQuotesKeepAllButFourEscapes) {
  EXPECT_EQ(ok(R"("a b" "c\"d" "e\\f" "g\$h" "i\`j")"),
            (Words{"a b", "c\"d", "e\\f", "g$h", "i`j"}));
  EXPECT_EQ(ok(R"("a\nb" "\x" "'")"), (Words{R"(a\nb)", R"(\x)", "'"}));
  EXPECT_EQ(ok("\"a\\\nb\""), (Words{"ab"}));  // backslash-newline is a continuation
}

TEST(SplitWords, BackslashOutsideQuotes) {
  EXPECT_EQ(ok(R"(a\ b c\\d \'e\")"), (Words{"a b", R"(c\d)", "'e\""}));
  EXPECT_EQ(ok(R"(\$HOME \*)"), (Words{"$HOME", "*"}));
  EXPECT_EQ(ok("a\\\nb"), (Words{"ab"}));
  EXPECT_EQ(ok("a \\\n b"), (Words{"a", "b"}));
  EXPECT_EQ(ok(R"(trailing\)"), (Words{R"(trailing\)"}));
}

TEST(SplitWords, QuotesJoinTheTextAroundThem) {
  EXPECT_EQ(ok(R"(a"b c"d'e f'g)"), (Words{"ab cde fg"}));
  EXPECT_EQ(ok(R"(--name="my app")"), (Words{"--name=my app"}));
}

TEST(SplitWords, EmptyQuotesAreEmptyWords) {
  EXPECT_EQ(ok(R"(cmd '' "")"), (Words{"cmd", "", ""}));
  EXPECT_EQ(ok(R"(cmd '')"), (Words{"cmd", ""}));
}

TEST(SplitWords, NothingIsExpanded) {
  EXPECT_EQ(
      ok("echo $HOME ~ *.log # not a comment ; && | > x"),
      (Words{"echo", "$HOME", "~", "*.log", "#", "not", "a", "comment", ";", "&&", "|", ">", "x"}));
  EXPECT_EQ(ok("$(rm -rf /)"), (Words{"$(rm", "-rf", "/)"}));
}

TEST(SplitWords, Utf8PassesThrough) {
  EXPECT_EQ(ok("echo 'café' naïve"), (Words{"echo", "café", "naïve"}));
}

TEST(SplitWords, RefusesUnterminatedQuotesAndEmptyCommands) {
  EXPECT_EQ(error_of("echo 'abc"), "invalid command 'echo 'abc': unterminated single quote");
  EXPECT_EQ(error_of("echo \"abc"), "invalid command 'echo \"abc': unterminated double quote");
  EXPECT_EQ(error_of(R"(echo "abc\")"),
            "invalid command 'echo \"abc\\\"': unterminated double quote");
  EXPECT_EQ(error_of("'"), "invalid command ''': unterminated single quote");
  EXPECT_EQ(error_of(""), "invalid command '': empty command");
  EXPECT_EQ(error_of("  \t\n"), "invalid command '  \t\n': empty command");
  EXPECT_EQ(error_of("\\\n"), "invalid command '\\\n': empty command");
}

}  // namespace
}  // namespace bgo
