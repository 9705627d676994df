// SPDX-License-Identifier: MIT
// Evaluates a JavaScript pm2 ecosystem file with node and returns what it exports as JSON.
#pragma once

#include <map>
#include <string>

#include "common/errors.hpp"

namespace bgo::app {

// Runs `node -e SCRIPT FILE` (no shell) in FILE's folder with `environment`: SCRIPT requires
// the module (an ES module through import()) and prints JSON.stringify of its export, so
// computed values (require paths, process.env) are evaluated as pm2 evaluates them. At most
// 10 s and 32 MiB of output. Errors: node is not on PATH (saying how to do without it), node
// failed (its stderr's last lines), timed out, or printed no JSON.
// `as_expression`: FILE is read as one JavaScript expression, `(text)`, the way pm2 reads a
// .json ecosystem (so unquoted keys and single quotes pass, as in pm2).
enum class JsSource { module, expression };
Result<std::string> evaluate_js_module(const std::string& file, const std::string& node,
                                       const std::map<std::string, std::string>& environment,
                                       JsSource source = JsSource::module);

}  // namespace bgo::app
