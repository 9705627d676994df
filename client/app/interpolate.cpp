// SPDX-License-Identifier: MIT
// interpolate(): a recursive-descent pass that expands and skips in the same walk, so a word
// that is not used is still parsed (its `}` found) but never evaluated, and no character is
// looked at twice.
#include "client/app/interpolate.hpp"

namespace bgo::app {

namespace {

constexpr int k_max_depth = 32;

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

class Expander {
 public:
  Expander(std::string_view text, const VariableLookup& lookup) : text_(text), lookup_(lookup) {}

  std::string run() {
    std::string out;
    out.reserve(text_.size());
    expand(false, true, out, 0);
    return out;
  }

 private:
  // Copies text from pos_ to `out` (when `evaluate`), expanding each `$`, until the end of the
  // text or, when `nested`, the `}` that closes the enclosing `${` (left for the caller).
  // Recursion: one level per nested word, at most k_max_depth.
  // NOLINTNEXTLINE(misc-no-recursion)
  void expand(bool nested, bool evaluate, std::string& out, int depth) {
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (nested && c == '}') return;
      if (c != '$') {
        const std::size_t next = text_.find_first_of(nested ? "$}" : "$", pos_);
        const std::size_t end = next == std::string_view::npos ? text_.size() : next;
        if (evaluate) out.append(text_.substr(pos_, end - pos_));
        pos_ = end;
        continue;
      }
      dollar(evaluate, out, depth);
    }
  }

  void dollar(bool evaluate, std::string& out, int depth) {  // NOLINT(misc-no-recursion)
    const std::size_t start = pos_;
    const char next = pos_ + 1 < text_.size() ? text_[pos_ + 1] : '\0';
    if (next == '$') {
      if (evaluate) out += '$';
      pos_ += 2;
      return;
    }
    if (is_name_start(next)) {
      ++pos_;
      const std::string name = read_name();
      if (evaluate) out += value_of(name, start);
      return;
    }
    if (next != '{') {
      throw InterpolationError(
          "invalid interpolation: '$' must start $NAME, ${NAME} or $$ (write $$ for a literal "
          "'$')",
          start);
    }
    braced(evaluate, out, depth, start);
  }

  // NOLINTNEXTLINE(misc-no-recursion)
  void braced(bool evaluate, std::string& out, int depth, std::size_t start) {
    pos_ += 2;
    const std::string name = read_name();
    if (name.empty()) {
      throw InterpolationError("invalid interpolation: '${' must be followed by a variable name",
                               start);
    }
    if (pos_ >= text_.size()) throw InterpolationError("unterminated '${" + name + "'", start);
    if (text_[pos_] == '}') {
      ++pos_;
      if (evaluate) out += value_of(name, start);
      return;
    }
    const bool colon = text_[pos_] == ':';
    if (colon) ++pos_;
    const char op = pos_ < text_.size() ? text_[pos_] : '\0';
    if (op != '-' && op != '+' && op != '?') {
      throw InterpolationError("invalid interpolation: '${" + name +
                                   "' must be followed by '}', ':-', '-', ':+', '+', ':?' or '?'",
                               start);
    }
    ++pos_;
    if (depth >= k_max_depth) {
      throw InterpolationError("invalid interpolation: nested more than 32 deep", start);
    }
    std::optional<std::string> value;
    if (evaluate) value = lookup_(name);
    const bool set = value.has_value() && (!colon || !value->empty());
    const bool use_word = evaluate && (op == '-' ? !set : op == '+' ? set : !set);
    std::string word;
    expand(true, use_word, word, depth + 1);
    if (pos_ >= text_.size()) throw InterpolationError("unterminated '${" + name + "'", start);
    ++pos_;  // the closing '}'
    if (!evaluate) return;
    switch (op) {
      case '-':
        out += set ? *value : word;
        break;
      case '+':
        if (set) out += word;
        break;
      default:  // '?'
        if (!set) {
          throw InterpolationError("variable '" + name + "' is " + (value ? "empty" : "not set") +
                                       (word.empty() ? std::string() : ": " + word),
                                   start);
        }
        out += *value;
    }
  }

  std::string read_name() {
    const std::size_t begin = pos_;
    if (pos_ < text_.size() && is_name_start(text_[pos_])) {
      while (pos_ < text_.size() && is_name_char(text_[pos_])) ++pos_;
    }
    return std::string(text_.substr(begin, pos_ - begin));
  }

  std::string value_of(const std::string& name, std::size_t start) {
    auto value = lookup_(name);
    if (!value) {
      throw InterpolationError("variable '" + name + "' is not set (give it a default: ${" + name +
                                   ":-value}; write $$ for a literal '$')",
                               start);
    }
    return std::move(*value);
  }

  std::string_view text_;
  const VariableLookup& lookup_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string interpolate(std::string_view text, const VariableLookup& lookup) {
  if (text.find('$') == std::string_view::npos) return std::string(text);
  return Expander(text, lookup).run();
}

std::string escape_dollars(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    out += c;
    if (c == '$') out += '$';
  }
  return out;
}

}  // namespace bgo::app
