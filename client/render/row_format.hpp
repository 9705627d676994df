// SPDX-License-Identifier: MIT
// `bgo status --format TEMPLATE` / `-o FIELDS`: one line per process for scripts (issue #13).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace bgo::client {

// The keys of a `status --json` row in their order (the original's ten, then issue #13's);
// also the fields a template may name.
const std::vector<std::string_view>& row_fields();

// Issue #14's keys (docs/health.md) in their order: the state (ready, health, health_detail,
// waiting_for), then the settings of `start` (watchdog_ms, live, after, restart, ...). A
// `status --json` row has those bgod sent, after row_fields(); a template may name them all.
const std::vector<std::string_view>& health_row_fields();

// Issue #15's keys: `project` and `definition`, which bgod sends only for a process of a
// project (`bgo up`). A `status --json` row has them when bgod sent them, after the health
// keys; a template may name them ("-" for a process started by hand).
const std::vector<std::string_view>& project_row_fields();

// A field's text: strings as they are, null (or a key the row lacks) as "-", the command's
// argv joined by spaces, any other array's items by ", ", numbers and booleans as JSON writes
// them, objects as compact JSON.
std::string field_text(const boost::json::object& row, std::string_view field);

// `template_text` with every `{field}` replaced by field_text() ("{{" and "}}" are literal
// braces). nullopt and `unknown` set when a field is not one of row_fields(),
// health_row_fields() or project_row_fields(), or a brace is unbalanced.
std::optional<std::string> format_row(const boost::json::object& row,
                                      std::string_view template_text, std::string& unknown);

// `-o name,status`: the same as the template "{name}\t{status}".
std::string fields_template(std::string_view comma_list);

}  // namespace bgo::client
