// SPDX-License-Identifier: MIT
// `bgo export kubernetes`: a Deployment per process (a Job for a one-shot, a CronJob for a
// scheduled one-shot), a Service where a port is known, a ConfigMap of the shared environment
// (docs/export.md, "kubernetes").
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "client/app/export_support.hpp"

namespace bgo::app {

// The files, in order: PROJECT-env.yaml (when variables are shared), then NAME.yaml per
// process. Fills the report. Throws ExportException (a name that is no DNS label, two
// processes of one name there, no image).
std::vector<ExportFile> export_kubernetes(ExportContext& ctx);

// A memory size as a Kubernetes quantity: "256Mi", "1Gi", "512Ki", else the bytes.
std::string k8s_quantity(uint64_t bytes);

// A string for `args` or an env `value`: every `$` doubled, since Kubernetes expands `$(VAR)`
// there and reads `$$` as `$`.
std::string k8s_expansion_escape(std::string_view text);

}  // namespace bgo::app
