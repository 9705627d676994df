// SPDX-License-Identifier: MIT
// INI files as supervisord reads them (Python's RawConfigParser with inline `;`/`#` comments,
// strict off) and Python's %-formatting of its values (`%(program_name)s`, `%(process_num)02d`).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/errors.hpp"

namespace bgo::app {

struct IniValue {
  std::string text;
  std::string file;
  int line = 0;
};

struct IniSection {
  std::string name;  // as written between the brackets
  std::string file;
  int line = 0;
  std::vector<std::pair<std::string, IniValue>> keys;  // lower-cased keys, first-seen order

  const IniValue* find(std::string_view key) const;
};

struct IniFile {
  std::vector<IniSection> sections;  // first-seen order; a repeated section is merged

  IniSection* find(std::string_view name);
  const IniSection* find(std::string_view name) const;
};

// Reads `text` (the content of `file`) into `ini`, after what it holds: `[section]` headers,
// `key = value` or `key: value` (the first = or : splits; keys lower-cased), indented lines
// continue a value (joined with \n), full-line `#`/`;` comments, inline ones after a blank,
// a later key or section replacing or extending an earlier one. Errors: `file:line: message`
// for a line outside any section or without a delimiter.
Result<void> parse_ini(std::string_view text, const std::string& file, IniFile& ini);

using FormatValue = std::variant<std::string, int64_t>;

// Python's `text % values`: `%(name)` then flags, width, precision and a conversion (s r a d
// i u x X o c, e f g...); `%%` is a `%`. Errors: invalid_params naming `what` for an unknown
// name (listing the known ones), a bare `%`, a number conversion of a string.
Result<std::string> python_format(std::string_view text,
                                  const std::map<std::string, FormatValue>& values,
                                  const std::string& what);

}  // namespace bgo::app
