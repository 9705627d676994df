// SPDX-License-Identifier: MIT
// Tests for level resolution (§6.1, §11.2 #1-#9), the colour decision, paint and glyphs.
#include "client/render/style.hpp"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

EnvGetter env_of(std::map<std::string, std::string, std::less<>> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(ResolveLevel, FlagWins) {
  const auto env = env_of({{"BGO_TABLE", "fancy"}, {"LANG", "en_US.UTF-8"}});
  EXPECT_EQ(resolve_level(Level::plain, env, true), Level::plain);          // §11.2 #1
  EXPECT_EQ(resolve_level(Level::fancy, env_of({}), false), Level::fancy);  // #2
  EXPECT_EQ(resolve_level(Level::normal, env, true), Level::normal);        // #3
}

TEST(ResolveLevel, EnvironmentOverride) {
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"BGO_TABLE", "plain"}}), true), Level::plain);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"BGO_TABLE", "  FaNcY\n"}}), false), Level::fancy);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"BGO_TABLE", "normal"}}), false), Level::normal);
  // §11.2 #5: an invalid value is ignored.
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"BGO_TABLE", "rainbow"}}), false), Level::plain);
}

TEST(ResolveLevel, NonTtyAndDumbTerminalArePlain) {
  const auto utf8 = env_of({{"LANG", "en_US.UTF-8"}});
  EXPECT_EQ(resolve_level(std::nullopt, utf8, false), Level::plain);  // #6
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"TERM", "dumb"}, {"LANG", "C.UTF-8"}}), true),
            Level::plain);  // #7
}

TEST(ResolveLevel, LocaleDecidesBetweenNormalAndFancy) {
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"LANG", "en_US.UTF-8"}}), true), Level::fancy);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"LC_CTYPE", "de_DE.utf8"}}), true), Level::fancy);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"LANG", "C"}}), true), Level::normal);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({}), true), Level::normal);
  // The first non-empty of LC_ALL, LC_CTYPE, LANG decides.
  EXPECT_EQ(
      resolve_level(std::nullopt,
                    env_of({{"LC_ALL", ""}, {"LC_CTYPE", "C"}, {"LANG", "en_US.UTF-8"}}), true),
      Level::normal);
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"LC_ALL", "POSIX"}, {"LANG", "x.UTF-8"}}), true),
            Level::normal);
}

TEST(ResolveColor, NeedsTtyNoNoColorAndNotPlain) {
  const auto empty = env_of({});
  EXPECT_TRUE(resolve_color(Level::normal, empty, true));
  EXPECT_TRUE(resolve_color(Level::fancy, empty, true));
  EXPECT_FALSE(resolve_color(Level::plain, empty, true));
  EXPECT_FALSE(resolve_color(Level::fancy, empty, false));
  EXPECT_FALSE(resolve_color(Level::fancy, env_of({{"NO_COLOR", "1"}}), true));
  EXPECT_TRUE(resolve_color(Level::fancy, env_of({{"NO_COLOR", ""}}), true));
}

TEST(ColorWanted, NoColorAndDumbBeatForceWhichBeatsTheTty) {
  EXPECT_TRUE(color_wanted(env_of({}), true));
  EXPECT_FALSE(color_wanted(env_of({}), false));
  EXPECT_TRUE(color_wanted(env_of({{"CLICOLOR_FORCE", "1"}}), false));
  EXPECT_FALSE(color_wanted(env_of({{"CLICOLOR_FORCE", "0"}}), false));
  EXPECT_FALSE(color_wanted(env_of({{"CLICOLOR_FORCE", ""}}), false));
  EXPECT_FALSE(color_wanted(env_of({{"CLICOLOR_FORCE", "1"}, {"NO_COLOR", "1"}}), true));
  EXPECT_FALSE(color_wanted(env_of({{"CLICOLOR_FORCE", "1"}, {"TERM", "dumb"}}), true));
  EXPECT_FALSE(color_wanted(env_of({{"TERM", "dumb"}}), true));
  // Forced into a pipe, the table is coloured ASCII (normal), not plain.
  EXPECT_EQ(resolve_level(std::nullopt, env_of({{"CLICOLOR_FORCE", "1"}}), false), Level::normal);
  EXPECT_TRUE(resolve_color(Level::normal, env_of({{"CLICOLOR_FORCE", "1"}}), false));
}

TEST(ResolveStyle, CombinesBoth) {
  const Style forced = resolve_style(Level::plain, env_of({{"LANG", "C.UTF-8"}}), true);
  EXPECT_EQ(forced.level, Level::plain);
  EXPECT_FALSE(forced.color);
  // BGO_TABLE=fancy piped to a file: box drawing without colour.
  const Style piped = resolve_style(std::nullopt, env_of({{"BGO_TABLE", "fancy"}}), false);
  EXPECT_EQ(piped.level, Level::fancy);
  EXPECT_FALSE(piped.color);
}

TEST(Level, ToStringAndParseRoundTrip) {
  for (Level level : {Level::plain, Level::normal, Level::fancy}) {
    EXPECT_EQ(parse_level(to_string(level)), level);
  }
  EXPECT_EQ(parse_level("Plain"), std::nullopt);
}

TEST(Paint, WrapsOnlyWhenColourIsOn) {
  const Style on{.level = Level::normal, .color = true};
  const Style off{.level = Level::normal, .color = false};
  EXPECT_EQ(paint(on, Color::red, "x"), "\x1b[31mx\x1b[0m");
  EXPECT_EQ(paint(on, Color::green, "x"), "\x1b[32mx\x1b[0m");
  EXPECT_EQ(paint(on, Color::yellow, "x"), "\x1b[33mx\x1b[0m");
  EXPECT_EQ(paint(on, Color::blue, "x"), "\x1b[34mx\x1b[0m");
  EXPECT_EQ(paint(on, Color::gray, "x"), "\x1b[90mx\x1b[0m");
  EXPECT_EQ(paint(on, Color::bold, "x"), "\x1b[1mx\x1b[0m");
  EXPECT_EQ(paint(off, Color::red, "x"), "x");
}

TEST(Paint, ColoursEachLineSoNoResetFollowsANewline) {
  const Style on{.level = Level::normal, .color = true};
  EXPECT_EQ(paint(on, Color::gray, "\nRefreshing every 2s."),
            "\n\x1b[90mRefreshing every 2s.\x1b[0m");
  EXPECT_EQ(paint(on, Color::red, "a\nb\n"), "\x1b[31ma\x1b[0m\n\x1b[31mb\x1b[0m\n");
  EXPECT_EQ(paint(on, Color::red, "a\n\nb"), "\x1b[31ma\x1b[0m\n\n\x1b[31mb\x1b[0m");
  EXPECT_EQ(paint(on, Color::red, ""), "\x1b[31m\x1b[0m");
  EXPECT_EQ(paint(Style{}, Color::red, "a\nb"), "a\nb");
}

std::vector<std::string_view> all_glyphs(const Glyphs& g) {
  return {g.hline,   g.vline,    g.cross,   g.tl,           g.tr,         g.bl,
          g.br,      g.tdown,    g.tup,     g.tleft,        g.tright,     g.online,
          g.stopped, g.watching, g.errored, g.watcher_dead, g.watch_none, g.dash};
}

TEST(Glyphs, EverySetFillsEveryKey) {
  // §11.2 #8: the sets share their keys (one struct); none is left empty.
  for (Level level : {Level::plain, Level::normal, Level::fancy}) {
    for (std::string_view glyph : all_glyphs(glyphs(level))) EXPECT_FALSE(glyph.empty());
  }
}

TEST(Glyphs, PlainAndNormalRulesAreAscii) {
  // §11.2 #9, and the bgo decision: normal draws ASCII rules.
  for (std::string_view glyph : all_glyphs(glyphs(Level::plain))) {
    for (unsigned char c : glyph) EXPECT_LT(c, 0x80) << glyph;
  }
  const Glyphs& normal = glyphs(Level::normal);
  for (std::string_view glyph : {normal.hline, normal.vline, normal.cross, normal.tl, normal.br}) {
    for (unsigned char c : glyph) EXPECT_LT(c, 0x80) << glyph;
  }
  EXPECT_EQ(normal.online, "online");
  EXPECT_EQ(normal.watching, "\u2713");
}

TEST(Glyphs, FancyUsesHeavyBoxDrawing) {
  const Glyphs& fancy = glyphs(Level::fancy);
  EXPECT_EQ(fancy.hline, "\u2501");
  EXPECT_EQ(fancy.vline, "\u2503");
  EXPECT_EQ(fancy.tl, "\u250f");
  EXPECT_EQ(fancy.tleft, "\u252b");
  EXPECT_EQ(fancy.online, "\u25cf online");
  EXPECT_EQ(fancy.stopped, "\u25cb stopped");
  EXPECT_EQ(fancy.watch_none, "\u00b7");
}

}  // namespace
}  // namespace bgo::client
