// SPDX-License-Identifier: MIT
// `${VAR}` in application files, as docker compose expands it (docs/bgo-file.md,
// "Interpolation"). Pure: the variables come from a lookup function.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bgo::app {

// The value of a variable; nullopt when it is not set.
using VariableLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Why interpolate() refused a text, and the byte offset in it where the faulty `$` is.
class InterpolationError : public std::runtime_error {
 public:
  InterpolationError(const std::string& message, std::size_t offset)
      : std::runtime_error(message), offset_(offset) {}
  std::size_t offset() const { return offset_; }

 private:
  std::size_t offset_;
};

// Expands, left to right in one pass (linear time):
//   `$$` -> `$`; `$NAME` and `${NAME}` -> the value (NAME is [A-Za-z_][A-Za-z0-9_]*);
//   `${NAME:-word}` word when NAME is unset or empty, `${NAME-word}` when unset;
//   `${NAME:+word}` word when NAME is set and not empty, `${NAME+word}` when set, else "";
//   `${NAME:?msg}` / `${NAME?msg}` an error with `msg` when unset (or empty, with the colon).
// A word may itself hold `${...}`; it is expanded only when used, so `${SET:-${UNSET}}` is
// fine. Throws InterpolationError for an unset variable without a default, a `$` followed by
// anything else (a literal `$` is written `$$`), an unterminated `${`, a bad name or operator,
// and words nested more than 32 deep.
std::string interpolate(std::string_view text, const VariableLookup& lookup);

// Every `$` doubled: what `bgo config` prints, so that interpolate() gives `text` back.
std::string escape_dollars(std::string_view text);

}  // namespace bgo::app
