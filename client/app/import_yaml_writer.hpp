// SPDX-License-Identifier: MIT
// Writes an imported AppSpec as `bgo.yaml` text in the layout of docs/bgo-file.md (issue #15's
// sketch): version, name, env, then one block per process.
#pragma once

#include <string>
#include <string_view>

#include "client/app/app_spec.hpp"

namespace bgo::app {

// The YAML text of `app`. Paths inside `out_dir` are written relative to it ("." or "./api"),
// others absolute. Processes named NAME:0 .. NAME:N-1 that differ only in BGO_INSTANCE (and
// PORT by the index) become one `NAME` with `instances: N` (and `port_offset: true`); env
// entries every process shares move to the top-level `env`. Every `$` is written `$$`, so the
// file's `${VAR}` interpolation leaves the text as imported. `origin` becomes the first
// comment line; the not-imported list follows as comments.
std::string write_bgo_yaml(const AppSpec& app, const std::string& out_dir, std::string_view origin);

// A YAML scalar: plain when that reads back as the same string, else double-quoted.
std::string yaml_scalar(std::string_view text);

}  // namespace bgo::app
