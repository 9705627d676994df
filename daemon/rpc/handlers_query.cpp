// SPDX-License-Identifier: MIT
// Methods that read or change settings of registered processes: list, get, watch, autostart.
#include <boost/json.hpp>

#include "common/name.hpp"
#include "daemon/core/supervisor.hpp"
#include "daemon/rpc/dispatcher.hpp"
#include "daemon/rpc/handler_support.hpp"
#include "daemon/rpc/handlers.hpp"
#include "daemon/rpc/services.hpp"
#include "proto/process_view.hpp"
#include "proto/state_codec.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

json::object row(const Snapshot& s) {
  return proto::row_json(*s.record, s.online, s.usage, s.health);
}

json::object detail(const Snapshot& s, const Paths& paths) {
  return proto::detail_json(*s.record, s.online, s.usage, paths, s.health);
}

}  // namespace

void register_queries(Dispatcher& d, Services& s) {
  d.add("list", [&s](Call&, const Respond& respond) {
    json::array rows;
    for (const auto& snap : s.supervisor.list()) rows.push_back(row(snap));
    json::array broken;
    for (const auto& b : s.supervisor.broken()) {
      broken.push_back(json::object{{"file", b.file}, {"error", b.error}});
    }
    respond(json::object{{"processes", std::move(rows)}, {"broken", std::move(broken)}});
  });
  d.add("get", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto snap = s.supervisor.get(*name);
    if (!snap) return respond(snap.error());
    respond(json::value(detail(*snap, s.paths)));
  });
  d.add("candidates", [&s](Call& c, const Respond& respond) {
    const auto order = opt_param_string(c.params, "order").value_or("file");
    if (order != "file" && order != "recent")
      throw ParamError("order", "invalid params: 'order' must be file or recent");
    json::array out;
    for (const auto& name : s.supervisor.candidates(order == "recent" ? CandidateOrder::recent
                                                                      : CandidateOrder::file)) {
      auto snap = s.supervisor.get(name);
      const ProcessRecord& r = *snap->record;
      json::array command;
      for (const auto& a : r.command) command.emplace_back(a);
      out.push_back(json::object{
          {"name", name},
          {"stopped_at", r.stopped_at ? json::value(*r.stopped_at) : json::value(nullptr)},
          {"started_at", r.started_at ? json::value(*r.started_at) : json::value(nullptr)},
          {"command", std::move(command)}});
    }
    respond(json::object{{"candidates", std::move(out)}, {"registered", s.supervisor.size()}});
  });
  d.add("watch", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    WatchOverrides o;
    o.interval = opt_param_int(c.params, "interval");
    o.min_uptime = opt_param_int(c.params, "min_uptime");
    if (auto m = opt_param_string(c.params, "on_fast_crash")) o.on_fast_crash = check_mode(*m);
    auto w = s.supervisor.watch(*name, o, param_bool(c.params, "reset"));
    if (!w) return respond(w.error());
    // Answered once the change is on disk (docs/architecture.md, "What is durable when").
    s.supervisor.when_saved(*name, [respond, w = *w](const Result<void>& saved) {
      if (!saved) return respond(saved.error());
      respond(json::value(proto::to_json(w)));
    });
  });
  d.add("unwatch", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto r = s.supervisor.unwatch(*name);
    if (!r) return respond(r.error());
    s.supervisor.when_saved(*name, [respond, was = *r](const Result<void>& saved) {
      if (!saved) return respond(saved.error());
      respond(json::object{{"was_watched", was}});
    });
  });
  d.add("autostart.set", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto r =
        s.supervisor.set_autostart(*name, check_policy(param_string(c.params, "policy"), "policy"));
    if (!r) return respond(r.error());
    s.supervisor.when_saved(*name, [respond, name = *name, policy = *r](const Result<void>& saved) {
      if (!saved) return respond(saved.error());
      respond(json::object{{"name", name}, {"autostart", to_string(policy)}});
    });
  });
  d.add("autostart.show", [&s](Call& c, const Respond& respond) {
    auto name = checked_name(c.params);
    if (!name) return respond(name.error());
    auto snap = s.supervisor.get(*name);
    if (!snap) return respond(snap.error());
    respond(
        json::object{{"name", *name}, {"autostart", to_string(snap->record->autostart_policy())}});
  });
}

}  // namespace bgo::daemon
