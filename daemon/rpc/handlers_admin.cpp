// SPDX-License-Identifier: MIT
// Methods about bgod itself and the event stream: hello, daemon.*, subscribe.
#include <unistd.h>

#include <boost/json.hpp>

#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/event_hub.hpp"
#include "daemon/rpc/handler_support.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/services.hpp"
#include "daemon/rpc/session.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

// daemon.status' containment keys (docs/protocol.md).
void add_containment(json::object& out, const ContainmentStatus& c) {
  const bool cgroup = c.mode == Containment::cgroup;
  out["containment"] = cgroup ? "cgroup" : "process-group";
  out["cgroup"] = cgroup ? json::value(c.cgroup) : json::value(nullptr);
  out["memory_controller"] = cgroup && c.memory_controller;
  out["containment_reason"] = cgroup ? json::value(nullptr) : json::value(c.reason);
}

}  // namespace

void register_admin(Dispatcher& d, Services& s) {
  d.add("hello", [&d](Call&, const Respond& respond) {
    json::array methods;
    for (const auto& m : d.methods()) methods.emplace_back(m);
    respond(json::object{{"protocol", proto::k_protocol_version},
                         {"version", BGO_VERSION},
                         {"pid", ::getpid()},
                         {"methods", std::move(methods)}});
  });
  d.add("daemon.status", [&s](Call&, const Respond& respond) {
    const auto up = s.clock.now() - s.started_at;
    json::object out{
        {"pid", ::getpid()},
        {"version", BGO_VERSION},
        {"protocol", proto::k_protocol_version},
        {"uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(up).count()},
        {"socket", s.paths.socket().string()},
        {"home", s.paths.home().string()},
        {"processes", s.supervisor.size()},
        {"online", s.supervisor.online_count()},
        {"connections", s.events.connections()},
        {"stop_timeout_ms", s.stop_timeout.count()}};
    add_containment(out, s.containment);
    out["metrics_url"] = s.metrics_url.empty() ? json::value(nullptr) : json::value(s.metrics_url);
    const UpgradeStatus upgrade = s.upgrade_status();
    out["upgrades"] = upgrade.upgrades;
    out["exe"] = upgrade.exe;
    out["last_upgrade_error"] =
        upgrade.last_error.empty() ? json::value(nullptr) : json::value(upgrade.last_error);
    respond(std::move(out));
  });
  d.add("daemon.stop", [&s](Call& c, const Respond& respond) {
    const bool keep = param_bool(c.params, "keep_children");
    respond(json::object{{"stopping", true}, {"pid", ::getpid()}, {"keep_children", keep}});
    s.shutdown(keep);
  });
  // Live upgrade: answered once the new binary passed its check and every other request was
  // answered, just before bgod execs it (docs/protocol.md). The connection then closes.
  d.add("daemon.upgrade", [&s](Call& c, const Respond& respond) {
    std::string path = opt_param_string(c.params, "bgod").value_or("");
    if (!path.empty() && path.front() != '/') {
      throw ParamError("bgod", "'bgod' must be an absolute path");
    }
    const uint64_t upgrades = s.upgrade_status().upgrades;
    s.upgrade(std::move(path), [respond, upgrades](const Result<UpgradeStarted>& r) {
      if (!r) return respond(r.error());
      respond(json::object{{"upgrading", true},
                           {"pid", ::getpid()},
                           {"from_version", BGO_VERSION},
                           {"bgod", r->path},
                           {"version", r->version},
                           {"upgrades", upgrades + 1}});
    });
  });
  d.add("subscribe", [](Call& c, const Respond& respond) {
    c.session->events = true;
    respond(json::object{{"subscribed", true}});
  });
  d.add("unsubscribe", [](Call& c, const Respond& respond) {
    c.session->events = false;
    respond(json::object{{"subscribed", false}});
  });
}

}  // namespace bgo::daemon
