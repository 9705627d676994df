// SPDX-License-Identifier: MIT
// `ready:` and `live:` of a bgo.yaml process: one HealthCheck, defaults filled in. Private to
// client/app.
#pragma once

#include "client/app/yaml_reader.hpp"
#include "common/process_policy.hpp"

namespace bgo::app {

enum class CheckRole { ready, live };

// Exactly one of notify/log/http/tcp/exec (live: http/tcp/exec), checked with the parsers
// `bgo start` and bgod use (std::regex ECMAScript, parse_http_url, parse_host_port,
// split_words), plus `interval` (http, tcp, exec only), `timeout` and (live) `failures`.
// Defaults: ready interval 1s, timeout 60s; live interval 10s, 3 failures, timeout
// min(interval, 5s). Throws FileErrorException.
HealthCheck read_check(const YamlReader& reader, const Field& field, CheckRole role);

}  // namespace bgo::app
