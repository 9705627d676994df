// SPDX-License-Identifier: MIT
// Python's RawConfigParser and %-formatting, as far as supervisord's files use them.
#include "client/app/import_ini.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include "client/app/import_util.hpp"

namespace bgo::app {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; }

std::string strip(std::string_view text) {
  size_t first = 0;
  while (first < text.size() && is_space(text[first])) ++first;
  size_t last = text.size();
  while (last > first && is_space(text[last - 1])) --last;
  return std::string(text.substr(first, last - first));
}

// The line without an inline comment: `;` or `#` after a blank (supervisord's
// inline_comment_prefixes).
std::string without_inline_comment(const std::string& line) {
  for (size_t i = 1; i < line.size(); ++i) {
    if ((line[i] == ';' || line[i] == '#') && is_space(line[i - 1])) return line.substr(0, i);
  }
  return line;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

const IniValue* IniSection::find(std::string_view key) const {
  for (const auto& [k, v] : keys) {
    if (k == key) return &v;
  }
  return nullptr;
}

IniSection* IniFile::find(std::string_view name) {
  for (auto& s : sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

const IniSection* IniFile::find(std::string_view name) const {
  for (const auto& s : sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Result<void> parse_ini(std::string_view text, const std::string& file, IniFile& ini) {
  std::istringstream lines{std::string(text)};
  std::string raw;
  int number = 0;
  IniSection* section = nullptr;
  IniValue* value = nullptr;  // the value continuation lines extend
  size_t value_indent = 0;
  int blank_run = 0;  // blank lines inside a value, kept only if more of it follows
  while (std::getline(lines, raw)) {
    ++number;
    const std::string stripped_full = strip(raw);
    if (!stripped_full.empty() && (stripped_full.front() == '#' || stripped_full.front() == ';')) {
      continue;  // a full-line comment never ends a value
    }
    const std::string line = without_inline_comment(raw);
    const std::string content = strip(line);
    if (content.empty()) {
      if (value != nullptr) ++blank_run;
      continue;
    }
    size_t indent = 0;
    while (indent < line.size() && is_space(line[indent])) ++indent;
    if (value != nullptr && indent > value_indent) {
      for (; blank_run > 0; --blank_run) value->text += "\n";
      value->text += "\n" + content;
      continue;
    }
    blank_run = 0;
    value = nullptr;
    if (content.front() == '[' && content.back() == ']' && content.size() > 2) {
      const std::string name = content.substr(1, content.size() - 2);
      section = ini.find(name);
      if (section == nullptr) {
        ini.sections.push_back({name, file, number, {}});
        section = &ini.sections.back();
      }
      continue;
    }
    if (section == nullptr) {
      return located_error(file, number, 0,
                           "a setting before any [section] (supervisord: "
                           "MissingSectionHeaderError)");
    }
    const size_t sep = content.find_first_of("=:");
    if (sep == std::string::npos) {
      return located_error(file, number, 0,
                           "'" + content + "' is neither [section] nor key = value");
    }
    const std::string key = lower(strip(content.substr(0, sep)));
    IniValue entry{strip(content.substr(sep + 1)), file, number};
    auto found = std::find_if(section->keys.begin(), section->keys.end(),
                              [&](const auto& kv) { return kv.first == key; });
    if (found != section->keys.end()) {
      found->second = std::move(entry);
      value = &found->second;
    } else {
      section->keys.emplace_back(key, std::move(entry));
      value = &section->keys.back().second;
    }
    value_indent = indent;
  }
  return {};
}

Result<std::string> python_format(std::string_view text,
                                  const std::map<std::string, FormatValue>& values,
                                  const std::string& what) {
  std::string out;
  const auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_params,
                      "format string '" + std::string(text) + "' for '" + what + "' " + why);
  };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 1 < text.size() && text[i + 1] == '%') {
      out += '%';
      ++i;
      continue;
    }
    if (i + 1 >= text.size() || text[i + 1] != '(') {
      return bad("is badly formatted: a lone % (write %% for a percent sign)");
    }
    const size_t close = text.find(')', i + 2);
    if (close == std::string_view::npos) return bad("is badly formatted: incomplete %(name)");
    const std::string name(text.substr(i + 2, close - i - 2));
    size_t j = close + 1;
    std::string flags;
    while (j < text.size() && std::string_view("#0- +").find(text[j]) != std::string_view::npos) {
      flags += text[j++];
    }
    std::string width;
    while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) {
      width += text[j++];
    }
    std::string precision;
    if (j < text.size() && text[j] == '.') {
      precision = ".";
      ++j;
      while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) != 0) {
        precision += text[j++];
      }
    }
    while (j < text.size() && (text[j] == 'h' || text[j] == 'l' || text[j] == 'L')) ++j;
    if (j >= text.size()) return bad("is badly formatted: no conversion after %(" + name + ")");
    const char conversion = text[j];
    const auto found = values.find(name);
    if (found == values.end()) {
      std::string known;
      for (const auto& entry : values) {
        if (!entry.first.starts_with("ENV_")) known += (known.empty() ? "" : ", ") + entry.first;
      }
      std::string why = "contains names (";
      why.append(name).append(") which cannot be expanded. Available names: ").append(known);
      return bad(why + " and ENV_X for each environment variable X");
    }
    std::string spec = "%";
    spec.append(flags).append(width).append(precision);
    std::array<char, 512> buffer{};
    if (std::string_view("diuxXoc").find(conversion) != std::string_view::npos) {
      const auto* number = std::get_if<int64_t>(&found->second);
      if (number == nullptr) return bad("formats '" + name + "', a string, as a number");
      const char c = conversion == 'u' || conversion == 'i' ? 'd' : conversion;
      spec += "ll";
      spec += c;
      // The spec is built from a checked set of characters, the buffer is large enough.
      (void)std::snprintf(buffer.data(), buffer.size(), spec.c_str(),
                          static_cast<long long>(*number));  // NOLINT
    } else if (std::string_view("srae").find(conversion) != std::string_view::npos ||
               std::string_view("EfFgG").find(conversion) != std::string_view::npos) {
      const std::string value = std::holds_alternative<std::string>(found->second)
                                    ? std::get<std::string>(found->second)
                                    : std::to_string(std::get<int64_t>(found->second));
      if (conversion != 's' && conversion != 'r' && conversion != 'a') {
        return bad("uses %" + std::string(1, conversion) + ", which bgo does not read");
      }
      spec += "s";
      (void)std::snprintf(buffer.data(), buffer.size(), spec.c_str(), value.c_str());  // NOLINT
      if (value.size() >= buffer.size() - 1) {
        out += value;  // longer than the buffer: no padding can apply
        i = j;
        continue;
      }
    } else {
      return bad("is badly formatted: unsupported format character '" + std::string(1, conversion) +
                 "'");
    }
    out += buffer.data();
    i = j;
  }
  return out;
}

}  // namespace bgo::app
