// SPDX-License-Identifier: MIT
// Terminal text: ANSI-aware display width, padding, truncation, filling, sizes.
#include "client/render/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <vector>

#include "common/utf8.hpp"

namespace bgo::client {
namespace {

struct Range {
  char32_t first;
  char32_t last;
};

// A deliberately small subset of the Unicode zero-width set (general categories Mn, Me, Cf and
// Hangul medial vowels): the generic combining blocks, the scripts common in file names and
// commands, joiners and variation selectors. Sorted, non-overlapping.
constexpr std::array k_zero_width = std::to_array<Range>({
    {0x00AD, 0x00AD},   {0x0300, 0x036F},   {0x0483, 0x0489},   {0x0591, 0x05BD},
    {0x05BF, 0x05BF},   {0x05C1, 0x05C2},   {0x05C4, 0x05C5},   {0x05C7, 0x05C7},
    {0x0600, 0x0605},   {0x0610, 0x061A},   {0x061C, 0x061C},   {0x064B, 0x065F},
    {0x0670, 0x0670},   {0x06D6, 0x06DD},   {0x06DF, 0x06E4},   {0x06E7, 0x06E8},
    {0x06EA, 0x06ED},   {0x070F, 0x070F},   {0x0711, 0x0711},   {0x0730, 0x074A},
    {0x07A6, 0x07B0},   {0x07EB, 0x07F3},   {0x0900, 0x0902},   {0x093A, 0x093A},
    {0x093C, 0x093C},   {0x0941, 0x0948},   {0x094D, 0x094D},   {0x0951, 0x0957},
    {0x0962, 0x0963},   {0x0981, 0x0981},   {0x09BC, 0x09BC},   {0x09C1, 0x09C4},
    {0x09CD, 0x09CD},   {0x09E2, 0x09E3},   {0x0E31, 0x0E31},   {0x0E34, 0x0E3A},
    {0x0E47, 0x0E4E},   {0x0EB1, 0x0EB1},   {0x0EB4, 0x0EBC},   {0x0EC8, 0x0ECD},
    {0x1160, 0x11FF},   {0x180B, 0x180F},   {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},
    {0x200B, 0x200F},   {0x202A, 0x202E},   {0x2060, 0x2064},   {0x206A, 0x206F},
    {0x20D0, 0x20F0},   {0x302A, 0x302D},   {0x3099, 0x309A},   {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F},   {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x1D167, 0x1D169},
    {0x1D173, 0x1D182}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF},
});

// East Asian Width W and F (Unicode 14), unassigned gaps inside blocks merged. Sorted.
constexpr std::array k_wide = std::to_array<Range>({
    {0x1100, 0x115F},   {0x231A, 0x231B},   {0x2329, 0x232A},   {0x23E9, 0x23EC},
    {0x23F0, 0x23F0},   {0x23F3, 0x23F3},   {0x25FD, 0x25FE},   {0x2614, 0x2615},
    {0x2648, 0x2653},   {0x267F, 0x267F},   {0x2693, 0x2693},   {0x26A1, 0x26A1},
    {0x26AA, 0x26AB},   {0x26BD, 0x26BE},   {0x26C4, 0x26C5},   {0x26CE, 0x26CE},
    {0x26D4, 0x26D4},   {0x26EA, 0x26EA},   {0x26F2, 0x26F3},   {0x26F5, 0x26F5},
    {0x26FA, 0x26FA},   {0x26FD, 0x26FD},   {0x2705, 0x2705},   {0x270A, 0x270B},
    {0x2728, 0x2728},   {0x274C, 0x274C},   {0x274E, 0x274E},   {0x2753, 0x2755},
    {0x2757, 0x2757},   {0x2795, 0x2797},   {0x27B0, 0x27B0},   {0x27BF, 0x27BF},
    {0x2B1B, 0x2B1C},   {0x2B50, 0x2B50},   {0x2B55, 0x2B55},   {0x2E80, 0x303E},
    {0x3041, 0x3247},   {0x3250, 0x4DBF},   {0x4E00, 0xA4C6},   {0xA960, 0xA97C},
    {0xAC00, 0xD7A3},   {0xF900, 0xFAFF},   {0xFE10, 0xFE19},   {0xFE30, 0xFE6B},
    {0xFF01, 0xFF60},   {0xFFE0, 0xFFE6},   {0x16FE0, 0x1B2FB}, {0x1F004, 0x1F004},
    {0x1F0CF, 0x1F0CF}, {0x1F18E, 0x1F18E}, {0x1F191, 0x1F19A}, {0x1F200, 0x1F320},
    {0x1F32D, 0x1F335}, {0x1F337, 0x1F37C}, {0x1F37E, 0x1F393}, {0x1F3A0, 0x1F3CA},
    {0x1F3CF, 0x1F3D3}, {0x1F3E0, 0x1F3F0}, {0x1F3F4, 0x1F3F4}, {0x1F3F8, 0x1F43E},
    {0x1F440, 0x1F440}, {0x1F442, 0x1F4FC}, {0x1F4FF, 0x1F53D}, {0x1F54B, 0x1F54E},
    {0x1F550, 0x1F567}, {0x1F57A, 0x1F57A}, {0x1F595, 0x1F596}, {0x1F5A4, 0x1F5A4},
    {0x1F5FB, 0x1F64F}, {0x1F680, 0x1F6C5}, {0x1F6CC, 0x1F6CC}, {0x1F6D0, 0x1F6D2},
    {0x1F6D5, 0x1F6DF}, {0x1F6EB, 0x1F6EC}, {0x1F6F4, 0x1F6FC}, {0x1F7E0, 0x1F7F0},
    {0x1F90C, 0x1F93A}, {0x1F93C, 0x1F945}, {0x1F947, 0x1F9FF}, {0x1FA70, 0x1FAFF},
    {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
});

template <std::size_t N>
bool in_table(const std::array<Range, N>& table, char32_t cp) {
  const auto it = std::upper_bound(table.begin(), table.end(), cp,
                                   [](char32_t value, const Range& r) { return value < r.first; });
  return it != table.begin() && cp <= std::prev(it)->last;
}

}  // namespace

char32_t next_code_point(std::string_view s, std::size_t& pos) {
  return bgo::next_code_point(s, pos);
}

int code_point_width(char32_t cp) {
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return 0;
  if (cp < 0x300) return cp == 0xAD ? 0 : 1;
  if (in_table(k_zero_width, cp)) return 0;
  return in_table(k_wide, cp) ? 2 : 1;
}

std::size_t sgr_length(std::string_view s, std::size_t pos) {
  if (pos + 1 >= s.size() || s[pos] != '\x1b' || s[pos + 1] != '[') return 0;
  std::size_t i = pos + 2;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == ';')) ++i;
  return (i < s.size() && s[i] == 'm') ? i + 1 - pos : 0;
}

std::size_t visible_width(std::string_view s) {
  std::size_t width = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (const std::size_t sgr = sgr_length(s, pos); sgr > 0) {
      pos += sgr;
      continue;
    }
    width += static_cast<std::size_t>(code_point_width(next_code_point(s, pos)));
  }
  return width;
}

std::string pad_right(std::string_view s, std::size_t width) {
  std::string out{s};
  const std::size_t have = visible_width(s);
  if (have < width) out.append(width - have, ' ');
  return out;
}

std::string pad_left(std::string_view s, std::size_t width) {
  const std::size_t have = visible_width(s);
  std::string out(have < width ? width - have : 0, ' ');
  out += s;
  return out;
}

std::string truncate(std::string_view s, int width) {
  if (width <= 0) return {};
  if (width <= 3)
    return std::string{std::string_view{"..."}.substr(0, static_cast<std::size_t>(width))};
  const auto limit = static_cast<std::size_t>(width);
  if (visible_width(s) <= limit) return std::string{s};

  const std::size_t target = limit - 3;
  std::string out;
  std::string_view last_sgr;
  std::size_t used = 0;
  std::size_t pos = 0;
  while (pos < s.size()) {
    if (const std::size_t sgr = sgr_length(s, pos); sgr > 0) {
      if (used >= target) break;
      last_sgr = s.substr(pos, sgr);
      out += last_sgr;
      pos += sgr;
      continue;
    }
    std::size_t next = pos;
    const auto cw = static_cast<std::size_t>(code_point_width(next_code_point(s, next)));
    // A wide character that would straddle the limit is dropped; zero-width marks that follow
    // the last kept character stay with it.
    if (used + cw > target) break;
    out.append(s.substr(pos, next - pos));
    used += cw;
    pos = next;
  }
  out += "...";
  // The parameters sit between "ESC[" and "m"; empty or "0" is a reset.
  const std::string_view params =
      last_sgr.empty() ? std::string_view{} : last_sgr.substr(2, last_sgr.size() - 3);
  if (!last_sgr.empty() && !params.empty() && params != "0") out += "\x1b[0m";
  return out;
}

std::string fit_to_screen(std::string_view frame, std::size_t columns, std::size_t rows) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < frame.size()) {
    const std::size_t nl = frame.find('\n', pos);
    const std::size_t end = nl == std::string_view::npos ? frame.size() : nl;
    lines.push_back(frame.substr(pos, end - pos));
    pos = end + 1;
  }
  if (rows > 0 && lines.size() > rows) {
    const std::string_view last = lines.back();
    lines.resize(rows - 1);
    lines.push_back(last);
  }
  std::string out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += '\n';
    if (columns > 0 && visible_width(lines[i]) > columns) {
      out += truncate(lines[i], static_cast<int>(columns));
    } else {
      out += lines[i];
    }
    out += "\x1b[K";
  }
  return out;
}

std::string fill(std::string_view text, std::size_t width, std::string_view first,
                 std::string_view rest) {
  std::string out{first};
  std::size_t used = visible_width(first);
  bool empty_line = true;  // nothing but the prefix yet
  std::size_t pos = 0;
  while (pos < text.size()) {
    pos = text.find_first_not_of(' ', pos);
    if (pos == std::string_view::npos) break;
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    const std::string_view word = text.substr(pos, end - pos);
    pos = end;
    const std::size_t word_width = visible_width(word);
    if (!empty_line && used + 1 + word_width > width) {
      out += '\n';
      out += rest;
      used = visible_width(rest);
      empty_line = true;
    }
    if (!empty_line) {
      out += ' ';
      ++used;
    }
    out += word;
    used += word_width;
    empty_line = false;
  }
  return out + "\n";
}

std::string human_size(std::uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + "B";
  double value = static_cast<double>(bytes) / 1024.0;
  const char* unit = "TB";
  for (const char* candidate : {"KB", "MB", "GB"}) {
    if (value < 1024.0) {
      unit = candidate;
      break;
    }
    value /= 1024.0;
  }
  // Correctly rounded like Python's format(value, ".1f"), and locale-independent.
  std::array<char, 64> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value,
                                    std::chars_format::fixed, 1);
  return std::string(buffer.data(), result.ptr) + unit;
}

std::string shell_word(std::string_view word) {
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("@%_+=:,./-").find(c) != std::string_view::npos;
  };
  if (!word.empty() && std::all_of(word.begin(), word.end(), plain)) return std::string(word);
  std::string out = "'";
  for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::array<std::string, 2> recover_commands(std::string_view name) {
  const std::string word = shell_word(name);
  return {"bgo logs " + word + " --watcher", "bgo restart " + word};
}

std::string recover_hint(std::string_view name) {
  const auto commands = recover_commands(name);
  return commands[0] + "   |   " + commands[1];
}

}  // namespace bgo::client
