// SPDX-License-Identifier: MIT
// The units `bgo startup` writes: quoting, BGO_HOME, reading the bgod path back.
#include "client/systemd_units.hpp"

#include <gtest/gtest.h>

namespace bgo::client {
namespace {

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(SystemdUnits, QuotesLikeTheOriginal) {
  EXPECT_EQ(quote_unit_word("/usr/bin/bgod"), "\"/usr/bin/bgod\"");
  EXPECT_EQ(quote_unit_word(R"(/a b/c"d\e%f)"), R"("/a b/c\"d\\e%%f")");
}

TEST(SystemdUnits, DefaultHomeKeepsTheTemplateSocket) {
  auto units = render_units("/opt/bgo/bin/bgod", std::nullopt);
  ASSERT_TRUE(units);
  EXPECT_TRUE(contains(units->service, "\nExecStart=\"/opt/bgo/bin/bgod\" --foreground\n"));
  EXPECT_FALSE(contains(units->service, "@BGOD@"));
  EXPECT_FALSE(contains(units->service, "Environment="));
  EXPECT_EQ(units->socket, socket_template());
  EXPECT_TRUE(contains(units->socket, "\nListenStream=%h/.bgo/bgo.sock\n"));
}

TEST(SystemdUnits, ExplicitHomeMovesTheSocketAndSetsTheVariable) {
  auto units = render_units("/usr/bin/bgod", std::string("/srv/my home/50%"));
  ASSERT_TRUE(units);
  EXPECT_TRUE(contains(units->socket, "\nListenStream=/srv/my home/50%%/bgo.sock\n"));
  EXPECT_TRUE(contains(units->service,
                       "\nEnvironment=\"BGO_HOME=/srv/my home/50%%\"\n"
                       "ExecStart=\"/usr/bin/bgod\" --foreground\n"));
}

TEST(SystemdUnits, RefusesPathsAUnitCannotCarry) {
  EXPECT_FALSE(render_units("bgod", std::nullopt));
  EXPECT_FALSE(render_units("/usr/bin/bg\nod", std::nullopt));
  EXPECT_FALSE(render_units("/usr/bin/bgod", std::string("/home/a\tb")));
  EXPECT_FALSE(render_units("/usr/bin/bgod", std::string("relative/home")));
}

TEST(SystemdUnits, ReadsTheProgramBack) {
  for (const std::string path : {"/usr/bin/bgod", R"(/a b/c"d\e%f/bgod)"}) {
    auto units = render_units(path, std::nullopt);
    ASSERT_TRUE(units);
    EXPECT_EQ(exec_start_program(units->service), path);
  }
  EXPECT_EQ(exec_start_program("[Service]\nExecStart=/bin/bgod --foreground\n"), "/bin/bgod");
  EXPECT_EQ(exec_start_program("[Service]\nType=notify\n"), std::nullopt);
}

}  // namespace
}  // namespace bgo::client
