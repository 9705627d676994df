// SPDX-License-Identifier: MIT
// ${VAR} as compose expands it: every form, the errors with their offsets, and linear time.
#include "client/app/interpolate.hpp"

#include <map>
#include <string>

#include <gtest/gtest.h>

namespace bgo::app {
namespace {

const std::map<std::string, std::string> k_vars = {
    {"HOME", "/home/ann"}, {"EMPTY", ""}, {"PORT", "3000"}, {"A_1", "x"}};

std::optional<std::string> lookup(std::string_view name) {
  const auto it = k_vars.find(std::string(name));
  return it == k_vars.end() ? std::nullopt : std::optional<std::string>(it->second);
}

std::string expand(std::string_view text) { return interpolate(text, lookup); }

// The error's message and offset, or "no error".
std::string error_of(std::string_view text) {
  try {
    return "no error: " + expand(text);
  } catch (const InterpolationError& e) {
    return std::to_string(e.offset()) + ": " + e.what();
  }
}

TEST(Interpolate, PlainTextAndDollars) {
  EXPECT_EQ(expand("node server.js"), "node server.js");
  EXPECT_EQ(expand("$$HOME costs $$5"), "$HOME costs $5");
  EXPECT_EQ(expand("a}b{c"), "a}b{c");
  EXPECT_EQ(expand(""), "");
}

TEST(Interpolate, NamesBracedAndBare) {
  EXPECT_EQ(expand("${HOME}/x"), "/home/ann/x");
  EXPECT_EQ(expand("$HOME/x"), "/home/ann/x");
  EXPECT_EQ(expand("$A_1.$PORT"), "x.3000");
  EXPECT_EQ(expand("${EMPTY}|"), "|");
}

TEST(Interpolate, DefaultsAlternativesAndRequired) {
  EXPECT_EQ(expand("${NOPE:-8080}"), "8080");
  EXPECT_EQ(expand("${EMPTY:-d}"), "d");
  EXPECT_EQ(expand("${EMPTY-d}"), "");
  EXPECT_EQ(expand("${NOPE-d}"), "d");
  EXPECT_EQ(expand("${PORT:-1}"), "3000");
  EXPECT_EQ(expand("${PORT:+on}|${EMPTY:+on}|${EMPTY+on}|${NOPE+on}"), "on||on|");
  EXPECT_EQ(expand("${PORT:?needed}"), "3000");
  EXPECT_EQ(expand("${NOPE:-a ${HOME} b}"), "a /home/ann b");
  EXPECT_EQ(expand("${NOPE:-${ALSO_NOPE:-deep}}"), "deep");
  EXPECT_EQ(expand("${NOPE:-}"), "");
  EXPECT_EQ(expand("${NOPE:-$$}"), "$");
  // A word that is not used is parsed, never evaluated: its unset variable is no error.
  EXPECT_EQ(expand("${PORT:-${UNSET}}"), "3000");
  EXPECT_EQ(expand("${NOPE:+${UNSET}}"), "");
}

TEST(Interpolate, ErrorsNameTheVariableAndWhere) {
  EXPECT_EQ(error_of("run ${DB_URL}"),
            "4: variable 'DB_URL' is not set (give it a default: ${DB_URL:-value}; write $$ for a "
            "literal '$')");
  EXPECT_EQ(error_of("x $NOPE"), error_of("x ${NOPE}"));
  EXPECT_EQ(error_of("${NOPE:?set it in .env}"), "0: variable 'NOPE' is not set: set it in .env");
  EXPECT_EQ(error_of("${EMPTY:?}"), "0: variable 'EMPTY' is empty");
  EXPECT_EQ(error_of("ab$"),
            "2: invalid interpolation: '$' must start $NAME, ${NAME} or $$ (write $$ for a "
            "literal '$')");
  EXPECT_EQ(error_of("awk '{print $1}'").substr(0, 4), "12: ");
  EXPECT_EQ(error_of("a $ b").substr(0, 3), "2: ");
  EXPECT_EQ(error_of("${HOME"), "0: unterminated '${HOME'");
  EXPECT_EQ(error_of("x ${NOPE:-abc"), "2: unterminated '${NOPE'");
  EXPECT_EQ(error_of("${}"), "0: invalid interpolation: '${' must be followed by a variable name");
  EXPECT_EQ(error_of("${1A}"), error_of("${}"));
  EXPECT_EQ(error_of("${HOME:x}"),
            "0: invalid interpolation: '${HOME' must be followed by '}', ':-', '-', ':+', '+', "
            "':?' or '?'");
  EXPECT_EQ(error_of("${A_1:-${NOPE}}"), "no error: x");
  EXPECT_EQ(error_of("${NOPE:-${ALSO}}"), "8: " + error_of("${ALSO}").substr(3));
}

TEST(Interpolate, NestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "${N:-";
  deep += "x" + std::string(40, '}');
  EXPECT_EQ(error_of(deep).substr(error_of(deep).find(": ") + 2),
            "invalid interpolation: nested more than 32 deep");
  std::string ok;
  for (int i = 0; i < 30; ++i) ok += "${N:-";
  ok += "x" + std::string(30, '}');
  EXPECT_EQ(expand(ok), "x");
}

TEST(Interpolate, EscapeDollarsRoundTrips) {
  for (const std::string s : {"", "plain", "$", "$$", "a$b${c}$$", "${HOME:-x}"}) {
    EXPECT_EQ(expand(escape_dollars(s)), s);
  }
  EXPECT_EQ(escape_dollars("5$"), "5$$");
}

TEST(Interpolate, LongTextsInOnePass) {
  // 4 MB of expansions, unused defaults and escapes: linear, so this is instant.
  std::string text;
  for (int i = 0; i < 100'000; ++i) text += "${PORT}$$${NOPE:-a}${NOPE:+${UNSET}}.";
  const std::string out = expand(text);
  EXPECT_EQ(out.size(), 100'000U * std::string("3000$a.").size());
}

}  // namespace
}  // namespace bgo::app
