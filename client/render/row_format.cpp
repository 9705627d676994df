// SPDX-License-Identifier: MIT
// format_row and friends.
#include "client/render/row_format.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace bgo::client {

namespace json = boost::json;

const std::vector<std::string_view>& row_fields() {
  static const std::vector<std::string_view> k_fields = {"name",
                                                         "pid",
                                                         "status",
                                                         "cpu",
                                                         "mem",
                                                         "uptime",
                                                         "command",
                                                         "cwd",
                                                         "started_at",
                                                         "watch",
                                                         "stop_reason",
                                                         "exit_code",
                                                         "exit_signal",
                                                         "running_pid",
                                                         "cpu_percent",
                                                         "memory_bytes",
                                                         "uptime_seconds",
                                                         "restarts"};
  return k_fields;
}

const std::vector<std::string_view>& health_row_fields() {
  static const std::vector<std::string_view> k_fields = {"ready", "health", "health_detail",
                                                         "waiting_for", "settings"};
  return k_fields;
}

const std::vector<std::string_view>& project_row_fields() {
  static const std::vector<std::string_view> k_fields = {"project", "definition"};
  return k_fields;
}

std::string field_text(const json::object& row, std::string_view field) {
  const json::value* v = row.if_contains(field);
  if (v == nullptr || v->is_null()) return "-";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_array()) {
    const std::string_view separator = field == "command" ? " " : ", ";
    std::string out;
    for (const auto& part : v->get_array()) {
      if (!out.empty()) out += separator;
      out += part.is_string() ? std::string(part.get_string()) : json::serialize(part);
    }
    return out;
  }
  return json::serialize(*v);
}

std::optional<std::string> format_row(const json::object& row, std::string_view template_text,
                                      std::string& unknown) {
  std::string out;
  for (std::size_t i = 0; i < template_text.size(); ++i) {
    const char c = template_text[i];
    if ((c == '{' || c == '}') && i + 1 < template_text.size() && template_text[i + 1] == c) {
      out += c;
      ++i;
      continue;
    }
    if (c == '}') {
      unknown = "}";
      return std::nullopt;
    }
    if (c != '{') {
      out += c;
      continue;
    }
    const std::size_t end = template_text.find('}', i + 1);
    if (end == std::string_view::npos) {
      unknown = std::string(template_text.substr(i));
      return std::nullopt;
    }
    const std::string_view field = template_text.substr(i + 1, end - i - 1);
    const auto& fields = row_fields();
    const auto& health = health_row_fields();
    const auto& project = project_row_fields();
    if (std::find(fields.begin(), fields.end(), field) == fields.end() &&
        std::find(health.begin(), health.end(), field) == health.end() &&
        std::find(project.begin(), project.end(), field) == project.end()) {
      unknown = std::string(field);
      return std::nullopt;
    }
    out += field_text(row, field);
    i = end;
  }
  return out;
}

std::string fields_template(std::string_view comma_list) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = comma_list.find(',', start);
    const std::string_view field = comma_list.substr(start, comma - start);
    out += (start == 0 ? "" : "\t") + ("{" + std::string(field) + "}");
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace bgo::client
