// SPDX-License-Identifier: MIT
// split_words: POSIX shell quoting (XCU 2.2) without any expansion, comment or operator.
#include "common/words.hpp"

namespace bgo {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// The characters a backslash escapes inside double quotes (newline: a line continuation).
bool escapable_in_double_quotes(char c) {
  return c == '"' || c == '\\' || c == '$' || c == '`' || c == '\n';
}

}  // namespace

Result<std::vector<std::string>> split_words(std::string_view text) {
  const auto bad = [&](std::string_view why) {
    return make_error(Errc::invalid_params,
                      "invalid command '" + std::string(text) + "': " + std::string(why));
  };
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;  // a word has begun (it may still be empty: '' or "")
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (is_blank(c)) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      i += 2;  // a line continuation is no part of any word
      continue;
    }
    in_word = true;
    if (c == '\'') {
      const std::size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) return bad("unterminated single quote");
      word.append(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) return bad("unterminated double quote");
        const char d = text[i];
        if (d == '"') break;
        if (d == '\\' && i + 1 < text.size() && escapable_in_double_quotes(text[i + 1])) {
          if (text[i + 1] != '\n') word += text[i + 1];
          i += 2;
          continue;
        }
        word += d;
        ++i;
      }
      ++i;  // the closing quote
    } else if (c == '\\') {
      // A trailing backslash stays literal, as in bash.
      if (i + 1 >= text.size()) {
        word += c;
        ++i;
      } else {
        word += text[i + 1];
        i += 2;
      }
    } else {
      word += c;
      ++i;
    }
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return bad("empty command");
  return words;
}

}  // namespace bgo
