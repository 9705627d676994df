// SPDX-License-Identifier: MIT
// An AppSpec written back as a bgo file: what `bgo config` prints (and `bgo save` will write).
#pragma once

#include <string>

#include <boost/json/object.hpp>

#include "client/app/app_spec.hpp"

namespace bgo::app {

// The normalised file (docs/bgo-file.md, "Normalised form"): `version`, `name`, then every
// process (instances expanded, names `api:0`...) with every key whose default is known filled
// in, in the reference's key order; durations, sizes and signals spelled as a user types them
// ("10s", "512M", "SIGTERM"); every `$` in a string doubled, so that reading the output again
// gives the same AppSpec. Keys left to bgod (stop.timeout, logs) appear only when set.
boost::json::object to_document(const AppSpec& app);

// The document as YAML (2-space block style, lists of plain values in flow style); a string
// that YAML would read as something else (`"3000"`, `"true"`, `""`) is double-quoted.
std::string to_yaml(const boost::json::object& document);

}  // namespace bgo::app
