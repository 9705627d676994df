// SPDX-License-Identifier: MIT
// JSON-RPC 2.0 envelopes.
#include "proto/jsonrpc.hpp"

#include <cmath>

#include <boost/json.hpp>

#include "proto/error_codes.hpp"
#include "proto/utf8_repair.hpp"

namespace bgo::proto {

namespace json = boost::json;

namespace {
// Lines bgod sends are repaired; a request is sent as given (bgod rejects ill-formed UTF-8
// with -32700 rather than silently altering, say, a program argument).
enum class Repair { yes, no };
std::string line_of(const json::object& o, Repair repair = Repair::yes) {
  std::string out = json::serialize(o);
  if (repair == Repair::yes) repair_utf8(out);
  out.push_back('\n');
  return out;
}
}  // namespace

std::string request_line(const json::value& id, std::string_view method,
                         const json::value& params) {
  json::object o{{"jsonrpc", "2.0"}, {"id", id}, {"method", method}};
  if (!params.is_null()) o["params"] = params;
  return line_of(o, Repair::no);
}

std::string response_line(const json::value& id, const json::value& result) {
  return line_of(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"result", result}});
}

std::string error_line(const json::value& id, const RpcError& error) {
  json::object err{{"code", error.code}, {"message", error.message}};
  if (!error.data.is_null()) err["data"] = error.data;
  return line_of(json::object{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(err)}});
}

std::string notification_line(std::string_view method, const json::value& params) {
  return line_of(json::object{{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

Reply parse_reply(std::string_view line) {
  Reply reply;
  json::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec || !v.is_object()) {
    reply.error = RpcError{k_parse_error, "unparsable reply from bgod", nullptr};
    return reply;
  }
  json::object& o = v.as_object();
  if (const json::value* m = o.if_contains("method"); m != nullptr && m->is_string()) {
    reply.is_notification = true;
    reply.method = std::string(m->as_string());
    if (const json::value* p = o.if_contains("params")) reply.params = *p;
    return reply;
  }
  if (const json::value* id = o.if_contains("id")) reply.id = *id;
  if (json::value* r = o.if_contains("result")) {
    reply.ok = true;
    reply.result = std::move(*r);
    return reply;
  }
  if (const json::value* e = o.if_contains("error"); e != nullptr && e->is_object()) {
    const json::object& eo = e->as_object();
    const json::value* code = eo.if_contains("code");
    const json::value* msg = eo.if_contains("message");
    reply.error.code =
        code != nullptr && code->is_int64() ? static_cast<int>(code->as_int64()) : k_internal_error;
    reply.error.message = msg != nullptr && msg->is_string() ? std::string(msg->as_string()) : "";
    if (const json::value* d = eo.if_contains("data")) reply.error.data = *d;
    return reply;
  }
  reply.error = RpcError{k_parse_error, "reply has neither result nor error", nullptr};
  return reply;
}

bool is_valid_id(const json::value& id) {
  if (id.is_double()) return std::isfinite(id.get_double());
  return id.is_string() || id.is_int64() || id.is_uint64() || id.is_null();
}

RpcError protocol_error(int code, std::string message, json::object extra) {
  json::object data{{"kind", rpc_kind(code)}};
  for (auto& member : extra) data[member.key()] = std::move(member.value());
  return RpcError{code, std::move(message), std::move(data)};
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// `data.detail`, the one text refinement of a domain error (docs/protocol.md, "Errors").
std::string detail_of(const Error& e) {
  if (e.was_running.value_or(false)) return "was_running";
  if (e.pid) return std::to_string(*e.pid);
  if (e.spawn) return std::string(to_string(*e.spawn));
  if (e.exit) return e.exit->describe();
  if (!e.names.empty()) return join_names(e.names);
  return {};
}

}  // namespace

RpcError to_rpc_error(const Error& error) {
  json::object data{{"kind", to_string(error.code)}};
  if (const std::string detail = detail_of(error); !detail.empty()) data["detail"] = detail;
  if (error.param) data["param"] = *error.param;
  if (error.was_running) data["was_running"] = *error.was_running;
  return RpcError{rpc_code(error.code), error.message, std::move(data)};
}

Error from_rpc_error(const RpcError& error) {
  Error out = make_error(errc_from_rpc_code(error.code).value_or(Errc::internal), error.message);
  if (!error.data.is_object()) return out;
  const json::object& data = error.data.as_object();
  if (const json::value* p = data.if_contains("param"); p != nullptr && p->is_string()) {
    out.param = std::string(p->as_string());
  }
  if (const json::value* w = data.if_contains("was_running"); w != nullptr && w->is_bool()) {
    out.was_running = w->as_bool();
  }
  const json::value* d = data.if_contains("detail");
  if (d == nullptr || !d->is_string()) return out;
  const std::string detail(d->as_string());
  if (out.code == Errc::spawn_failed) out.spawn = parse_spawn_failure(detail);
  if (out.code == Errc::already_running) {
    char* end = nullptr;
    const long long pid = std::strtoll(detail.c_str(), &end, 10);
    if (end != detail.c_str() && *end == '\0') out.pid = pid;
  }
  // exited_at_once: ExitStatus::describe()'s "exit code 3" or "signal 9 (Killed)", read back.
  if (out.code == Errc::exited_at_once) {
    for (const std::string_view prefix : {"exit code ", "signal "}) {
      if (detail.rfind(prefix, 0) != 0) continue;
      char* end = nullptr;
      const long value = std::strtol(detail.c_str() + prefix.size(), &end, 10);
      if (end == detail.c_str() + prefix.size()) break;
      out.exit = prefix == "signal " ? ExitStatus::signaled(static_cast<int>(value))
                                     : ExitStatus::exited(static_cast<int>(value));
    }
  }
  return out;
}

}  // namespace bgo::proto
