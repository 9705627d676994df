// SPDX-License-Identifier: MIT
// Python's str() and truthiness of decoded JSON values, for the detail view and table.
#pragma once

#include <string>

namespace boost::json {
class value;
}  // namespace boost::json

namespace bgo::client {

// Python `str()` of a decoded JSON scalar: strings verbatim, null -> "None", booleans ->
// "True"/"False", numbers as Python prints them. Arrays and objects fall back to
// python_json_compact (Python would print its repr).
std::string python_str(const boost::json::value& v);

// Python truthiness: null, false, 0, "", [] and {} are false.
bool python_truthy(const boost::json::value& v);

}  // namespace bgo::client
