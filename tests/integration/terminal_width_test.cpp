// SPDX-License-Identifier: MIT
// Issue #13.8: the real bgo in a real terminal (tmux at 60, 80 and 120 columns): no line of the
// table, the crashed rows or the detail view is wider than the screen, and columns align.
#include <algorithm>

#include "tests/integration/tmux_test.hpp"

namespace bgo::test {
namespace {

using namespace std::chrono_literals;

// The code points of a UTF-8 line (every one of them one column wide in bgo's tables).
std::u32string code_points(const std::string& line) {
  std::u32string out;
  for (size_t i = 0; i < line.size();) {
    const auto lead = static_cast<unsigned char>(line[i]);
    const size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    char32_t cp = length == 1 ? lead : lead & (0x3F >> (length - 1));
    for (size_t k = 1; k < length && i + k < line.size(); ++k) {
      cp = (cp << 6) | (static_cast<unsigned char>(line[i + k]) & 0x3F);
    }
    out.push_back(cp);
    i += length;
  }
  return out;
}

class TerminalWidthTest : public TmuxTest {
 protected:
  // Two online processes (one with a long name) and one that crashed with exit code 137.
  void three_processes() {
    start_ok("web-server-with-a-long-name", {"--tick", "1000"});
    start_ok("w", {});
    RunResult crash =
        bgo({"start", "crashy", "--", bin("bgo_test_child"), "--after", "0", "--exit", "137"});
    ASSERT_EQ(crash.code, 1);
  }
};

TEST_F(TerminalWidthTest, TablesAndDetailFitTheTerminalAt80And120Columns) {
  ASSERT_EQ(run({"tmux", "-V"}).code, 0) << "tmux is missing (tools/deps.sh installs it)";
  three_processes();
  for (const int columns : {80, 120}) {
    for (const char* level : {"--plain", "--fancy", "--normal"}) {
      const std::vector<std::string> args = std::string(level) == "--normal"
                                                ? std::vector<std::string>{"status"}
                                                : std::vector<std::string>{"status", level};
      const std::string text = screen(args, columns, "Total: 3");
      expect_fits(text, columns);
      EXPECT_NE(text.find(" 137 "), std::string::npos) << text;  // CRASH 137 / crashed 137
    }
    const std::string detail = screen({"status", "crashy"}, columns, "Last exit:");
    expect_fits(detail, columns);
    EXPECT_NE(detail.find("Last exit: code 137 (crashed)"), std::string::npos) << detail;
  }
}

// Issue #13.8: with a 27-character name the fixed columns alone are wider than 60 columns; the
// table hides the columns that say least (WATCH when empty, MEM, CPU, UPTIME, PID) instead of
// wrapping, and every name and status stays whole.
TEST_F(TerminalWidthTest, TablesFitTheTerminalAt60Columns) {
  three_processes();
  for (const char* level : {"--plain", "--fancy"}) {
    const std::string text = screen({"status", level}, 60, "Total: 3");
    expect_fits(text, 60);
    for (const char* name : {"web-server-with-a-long-name ", "w ", "crashy "}) {
      EXPECT_TRUE(contains(text, name)) << text;
    }
    EXPECT_TRUE(contains(text, "STATUS") && contains(text, "COMMAND")) << text;
    EXPECT_TRUE(contains(text, " 137 ")) << text;
  }
}

// The display column of each column's header word, and of each row's cell under it: every
// cell starts where its header does, one space after the cell before, in every table level.
TEST_F(TerminalWidthTest, TablesKeepTheirColumnsAlignedAt60_80And120Columns) {
  three_processes();
  for (const int columns : {60, 80, 120}) {
    for (const std::string level : {"--plain", "--fancy", "normal"}) {
      const std::vector<std::string> args = level == "normal"
                                                ? std::vector<std::string>{"status"}
                                                : std::vector<std::string>{"status", level};
      const std::vector<std::string> env = level == "normal"
                                               ? std::vector<std::string>{"BGO_TABLE=normal"}
                                               : std::vector<std::string>{};
      const std::string text = screen_when(open(args, columns, 30, env), "Total: 3");
      const auto lines = lines_of(text);
      const auto header = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return contains(l, "NAME") && contains(l, "COMMAND");
      });
      ASSERT_NE(header, lines.end()) << text;
      std::vector<size_t> starts;
      for (const char* word :
           {"NAME", "STATUS", "PID", "CPU", "MEM", "UPTIME", "WATCH", "COMMAND"}) {
        const size_t at = header->find(word);
        if (at != std::string::npos) starts.push_back(columns_of(header->substr(0, at)));
      }
      for (const std::string name : {"web-server-with-a-long-name", "w", "crashy"}) {
        const auto row = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
          const size_t at = l.find(name + " ");
          return at != std::string::npos && columns_of(l.substr(0, at)) == starts.front();
        });
        ASSERT_NE(row, lines.end()) << name << "\n" << text;
        const std::u32string cells = code_points(*row);
        for (const size_t at : starts) {
          ASSERT_LT(at, cells.size()) << *row;
          EXPECT_NE(cells[at], U' ') << "column " << at << ": " << *row << "\n" << text;
          if (at > 0) {
            EXPECT_EQ(cells[at - 1], U' ') << "column " << at << ": " << *row;
          }
        }
        if (level == "--fancy") {
          EXPECT_EQ(cells.size(), static_cast<size_t>(columns)) << *row;
        }
      }
      expect_fits(text, columns);
    }
  }
}

}  // namespace
}  // namespace bgo::test
