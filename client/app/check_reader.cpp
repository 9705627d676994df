// SPDX-License-Identifier: MIT
// read_check(): the kind key first, then the timing keys that apply to it.
#include "client/app/check_reader.hpp"

#include <algorithm>
#include <regex>
#include <string>

#include "common/endpoint.hpp"

namespace bgo::app {

namespace {

using std::chrono::milliseconds;

constexpr milliseconds k_min_period{10};  // bgod's bounds for intervals and timeouts
constexpr milliseconds k_max_period{30LL * 24 * 3600 * 1000};
constexpr milliseconds k_ready_interval{1'000};
constexpr milliseconds k_ready_timeout{60'000};
constexpr milliseconds k_live_interval{10'000};
constexpr milliseconds k_live_attempt_cap{5'000};
constexpr int64_t k_live_failures = 3;
constexpr int64_t k_max_failures = 1000;

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

void read_target(const YamlReader& reader, const Field& field, HealthCheck& check) {
  switch (check.kind) {
    case CheckKind::notify:
      if (!reader.boolean(field)) {
        reader.fail(field, "must be true (leave 'ready' out for no readiness check)");
      }
      break;
    case CheckKind::log:
      check.target = reader.text(field);
      if (check.target.empty()) reader.fail(field, "an empty regex");
      try {
        const std::regex compiled(check.target, std::regex::ECMAScript);
        (void)compiled;  // only its construction matters: it throws on a bad pattern
      } catch (const std::regex_error& e) {
        reader.fail(field, "invalid regex " + in_quotes(check.target) + ": " + e.what());
      }
      break;
    case CheckKind::http: {
      check.target = reader.text(field);
      auto url = parse_http_url(check.target);
      if (!url) reader.fail(field, url.error().message);
      break;
    }
    case CheckKind::tcp: {
      check.target = reader.text(field);
      auto hp = parse_host_port(check.target);
      if (!hp) reader.fail(field, hp.error().message);
      break;
    }
    case CheckKind::exec:
      check.command = reader.command(field);
      if (reader.is_list(field)) {
        for (const auto& word : check.command) {
          check.target += (check.target.empty() ? "" : " ") + word;
        }
      } else {
        check.target = reader.text(field);
      }
      break;
  }
}

}  // namespace

HealthCheck read_check(const YamlReader& reader, const Field& field, CheckRole role) {
  const bool live = role == CheckRole::live;
  const auto entries = reader.entries(field, live ? k_live_section : k_ready_section);
  const Field* kind_field = nullptr;
  HealthCheck check;
  for (const auto& entry : entries) {
    const auto kind = parse_check_kind(entry.key);
    if (!kind) continue;
    if (kind_field != nullptr) {
      reader.fail(entry, std::string("a process has one ") + (live ? "liveness" : "readiness") +
                             " check: " + in_quotes(kind_field->key) + " and " +
                             in_quotes(entry.key) + " both given");
    }
    kind_field = &entry;
    check.kind = *kind;
  }
  if (kind_field == nullptr) {
    reader.fail(
        field, live ? "needs one of http, tcp, exec" : "needs one of notify, log, http, tcp, exec");
  }
  read_target(reader, *kind_field, check);
  const bool probed = check.kind != CheckKind::notify && check.kind != CheckKind::log;
  milliseconds interval = live ? k_live_interval : k_ready_interval;
  std::optional<milliseconds> timeout;
  check.failures = k_live_failures;
  for (const auto& entry : entries) {
    if (entry.key == "interval") {
      if (!probed) {
        reader.fail(entry, "applies to http, tcp and exec checks, not " + kind_field->key);
      }
      interval = reader.duration(entry, k_min_period, k_max_period);
    } else if (entry.key == "timeout") {
      timeout = reader.duration(entry, k_min_period, k_max_period);
    } else if (entry.key == "failures") {
      check.failures = reader.integer(entry, 1, k_max_failures);
    }
  }
  check.interval_ms = interval.count();
  check.timeout_ms =
      timeout.value_or(live ? std::min(interval, k_live_attempt_cap) : k_ready_timeout).count();
  return check;
}

}  // namespace bgo::app
