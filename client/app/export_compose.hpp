// SPDX-License-Identifier: MIT
// `bgo export compose`: a compose.yaml with one service per process, for Docker Compose or
// Podman Compose (docs/export.md, "compose").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "client/app/export_support.hpp"

namespace bgo::app {

// compose.yaml. Fills the report. Throws ExportException (a name compose refuses, no image).
std::vector<ExportFile> export_compose(ExportContext& ctx);

// A string as a compose.yaml scalar: every `$` doubled (compose interpolates `${VAR}`), then
// quoted when YAML would read it as something else.
std::string compose_scalar(std::string_view text);

}  // namespace bgo::app
