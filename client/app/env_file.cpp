// SPDX-License-Identifier: MIT
// parse_env_file(): one cursor over the whole text (no getline, no regex), so a 10 MB file of
// any shape takes time proportional to its size; quoted values may span lines.
#include "client/app/env_file.hpp"

#include <unordered_map>

#include "client/app/file_error.hpp"

namespace bgo::app {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_key_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_key_char(char c) {
  return is_key_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
}

class EnvParser {
 public:
  EnvParser(std::string_view text, const std::string& file, const VariableLookup& lookup)
      : text_(text), file_(file), lookup_(lookup) {}

  EnvList run() {
    while (pos_ < text_.size()) line();
    return std::move(out_);
  }

 private:
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\n'; }
  bool at_line_end() const { return pos_ >= text_.size() || peek() == '\n' || rest_is_cr(); }
  bool rest_is_cr() const {
    return peek() == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] == '\n');
  }
  void skip_blanks() {
    while (pos_ < text_.size() && is_blank(text_[pos_])) ++pos_;
  }
  // Moves past the end of the current line (its '\n' too).
  void next_line() {
    const std::size_t nl = text_.find('\n', pos_);
    pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
    line_start_ = pos_;
    ++line_;
  }
  SourceLocation here(std::size_t at) const {
    return {file_, line_, static_cast<int>(at - line_start_) + 1};
  }
  [[noreturn]] void fail(std::size_t at, const std::string& message) const {
    fail_at(here(at), message);
  }

  void line() {
    skip_blanks();
    if (at_line_end() || peek() == '#') return next_line();
    if (text_.substr(pos_).starts_with("export") && pos_ + 6 < text_.size() &&
        is_blank(text_[pos_ + 6])) {
      pos_ += 6;
      skip_blanks();
    }
    const std::size_t key_at = pos_;
    if (!is_key_start(peek())) {
      fail(key_at, "expected KEY=VALUE (a KEY starts with a letter or '_')");
    }
    while (pos_ < text_.size() && is_key_char(text_[pos_])) ++pos_;
    std::string key(text_.substr(key_at, pos_ - key_at));
    skip_blanks();
    if (at_line_end() || peek() == '#') {  // KEY alone: from the environment, if set
      if (auto value = lookup_(key)) add(std::move(key), std::move(*value));
      return next_line();
    }
    if (peek() != '=') fail(pos_, "expected '=' after '" + key + "'");
    ++pos_;
    skip_blanks();
    std::string value;
    if (peek() == '\'') {
      value = single_quoted();
    } else if (peek() == '"') {
      value = expand(double_quoted());
    } else {
      value = expand(unquoted());
    }
    add(std::move(key), std::move(value));
  }

  struct Raw {
    std::string text;
    SourceLocation where;  // of its first character
  };

  Raw unquoted() {
    const std::size_t begin = pos_;
    std::size_t end = pos_;
    while (!at_line_end()) {
      if (peek() == '#' && pos_ > begin && is_blank(text_[pos_ - 1])) break;
      ++pos_;
      if (!is_blank(text_[pos_ - 1])) end = pos_;
    }
    Raw raw{std::string(text_.substr(begin, end - begin)), here(begin)};
    next_line();
    return raw;
  }

  std::string single_quoted() {
    const std::size_t quote = pos_;
    const SourceLocation where = here(quote);
    const std::size_t close = text_.find('\'', quote + 1);
    if (close == std::string_view::npos) fail_at(where, "unterminated '-quoted value");
    std::string value(text_.substr(quote + 1, close - quote - 1));
    count_lines(quote + 1, close);
    pos_ = close + 1;
    after_quote();
    return value;
  }

  Raw double_quoted() {
    const SourceLocation start = here(pos_);
    Raw raw{{}, here(pos_ + 1)};
    ++pos_;
    for (;;) {
      if (pos_ >= text_.size()) fail_at(start, "unterminated \"-quoted value");
      const char c = text_[pos_];
      if (c == '"') break;
      if (c == '\\' && pos_ + 1 < text_.size()) {
        const char e = text_[pos_ + 1];
        pos_ += 2;
        switch (e) {
          case 'n':
            raw.text += '\n';
            break;
          case 'r':
            raw.text += '\r';
            break;
          case 't':
            raw.text += '\t';
            break;
          case '"':
            raw.text += '"';
            break;
          case '\\':
            raw.text += '\\';
            break;
          case '$':
            raw.text += "$$";
            break;  // literal: interpolate() turns $$ into $
          default:
            raw.text += '\\';
            raw.text += e;
            if (e == '\n') {
              ++line_;
              line_start_ = pos_;
            }
        }
        continue;
      }
      raw.text += c;
      ++pos_;
      if (c == '\n') {
        ++line_;
        line_start_ = pos_;
      }
    }
    ++pos_;
    after_quote();
    return raw;
  }

  // After a closing quote: blanks, then the end of the line or a comment.
  void after_quote() {
    skip_blanks();
    if (!at_line_end() && peek() != '#') {
      fail(pos_, "unexpected text after the closing quote (quote the whole value)");
    }
    next_line();
  }

  void count_lines(std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (text_[i] == '\n') {
        ++line_;
        line_start_ = i + 1;
      }
    }
  }

  std::string expand(const Raw& raw) {
    try {
      return interpolate(raw.text, [this](std::string_view name) -> std::optional<std::string> {
        if (auto it = seen_.find(std::string(name)); it != seen_.end()) return it->second;
        return lookup_(name);
      });
    } catch (const InterpolationError& e) {
      SourceLocation where = raw.where;
      if (raw.text.find('\n') == std::string::npos) {
        where.column += static_cast<int>(e.offset());  // exact unless escapes came before it
      }
      fail_at(where, e.what());
    }
  }

  void add(std::string key, std::string value) {
    seen_[key] = value;
    out_.emplace_back(std::move(key), std::move(value));
  }

  std::string_view text_;
  const std::string& file_;
  const VariableLookup& lookup_;
  std::size_t pos_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
  std::unordered_map<std::string, std::string> seen_;
  EnvList out_;
};

}  // namespace

EnvList parse_env_file(std::string_view text, const std::string& file,
                       const VariableLookup& lookup) {
  return EnvParser(text, file, lookup).run();
}

}  // namespace bgo::app
