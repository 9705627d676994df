// SPDX-License-Identifier: MIT
// `bgo export nomad`: a Nomad job in the JSON of Nomad's HTTP API, one group per process, its
// task run by the raw_exec driver (docs/export.md, "nomad").
#pragma once

#include <string>
#include <vector>

#include "client/app/export_support.hpp"

namespace bgo::app {

// The files, in order: PROJECT.nomad.json (the service job), then PROJECT-NAME.nomad.json per
// scheduled one-shot (a periodic batch job). Fills the report. Throws ExportException (two
// processes of one name in Nomad).
std::vector<ExportFile> export_nomad(ExportContext& ctx);

}  // namespace bgo::app
