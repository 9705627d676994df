// SPDX-License-Identifier: MIT
// Byte-exact reproductions of Python's json.dumps, shared by state files and `--json` output.
#pragma once

#include <string>

namespace boost::json {
class value;
}  // namespace boost::json

namespace bgo::proto {

// Python `json.dumps(v, indent=indent)` (ensure_ascii): `"key": value`, items separated by
// ",\n" plus `indent` spaces per level, `[]`/`{}` when empty, every byte outside printable
// ASCII escaped as lowercase `\uXXXX` (surrogate pairs above U+FFFF), doubles as Python's
// repr. No trailing newline. Precondition: `indent >= 0`.
std::string python_json_dumps(const boost::json::value& v, int indent);

// Python `json.dumps(v)`: one line with separators ", " and ": ".
std::string python_json_compact(const boost::json::value& v);

// Python `repr(float)`: shortest round-trip digits, fixed notation for 1e-4 <= |d| < 1e16
// (with ".0" when integral), else "1e+16" style.
std::string python_float_repr(double d);

}  // namespace bgo::proto
