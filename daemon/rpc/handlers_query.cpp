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

json::object row(const Snapshot& s, const proto::RowKeys* keys = nullptr) {
  return proto::row_json(*s.record, s.online, s.usage, s.health, keys);
}

// `fields`: the row keys asked for (`name` always); nullopt when absent or null (every key).
std::optional<proto::RowKeys> row_keys(const json::object& params) {
  const json::value* v = params.if_contains("fields");
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_array()) {
    throw ParamError("fields", "invalid params: 'fields' must be an array of row keys");
  }
  proto::RowKeys keys;
  keys.set(0);  // name
  for (const auto& f : v->get_array()) {
    if (!f.is_string()) {
      throw ParamError("fields", "invalid params: 'fields' must be an array of row keys");
    }
    const auto index = proto::row_key_index(f.get_string());
    if (!index) {
      std::string known;
      for (const auto k : proto::k_row_keys) known += (known.empty() ? "" : ", ") + std::string(k);
      throw ParamError("fields", "invalid params: unknown field '" + std::string(f.get_string()) +
                                     "' in 'fields' (choose from " + known + ")");
    }
    keys.set(*index);
  }
  return keys;
}

// `limit` and `after` (a page, issue #18) and `project`; ParamError for a wrong type or range.
ListQuery list_query(const json::object& params) {
  ListQuery q;
  q.after = opt_param_string(params, "after");
  q.project = opt_param_string(params, "project");
  if (const auto limit = opt_param_int(params, "limit")) {
    if (*limit < 1) throw ParamError("limit", "invalid params: 'limit' must be at least 1");
    q.limit = static_cast<std::size_t>(*limit);
  }
  return q;
}

json::object detail(const Snapshot& s, const Paths& paths) {
  return proto::detail_json(*s.record, s.online, s.usage, paths, s.health);
}

}  // namespace

void register_queries(Dispatcher& d, Services& s) {
  d.add("list", [&s](Call& c, const Respond& respond) {
    const auto keys = row_keys(c.params);
    ListQuery query = list_query(c.params);
    // /proc is read only for the rows of the page, and only when a field asked needs it.
    query.usage = !keys || proto::needs_usage(*keys);
    const ListPage page = s.supervisor.list(query);
    json::array rows;
    rows.reserve(page.rows.size());
    for (const auto& snap : page.rows) rows.push_back(row(snap, keys ? &*keys : nullptr));
    json::array broken;
    for (const auto& b : s.supervisor.broken()) {
      broken.push_back(json::object{{"file", b.file}, {"error", b.error}});
    }
    json::object result{{"processes", std::move(rows)}, {"broken", std::move(broken)}};
    // Only a paged call gains them: the answer without params stays what it always was.
    if (query.limit || query.after) {
      result["total"] = page.total;
      result["next"] = page.next ? json::value(*page.next) : json::value(nullptr);
    }
    respond(std::move(result));
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
