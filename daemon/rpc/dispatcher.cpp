// SPDX-License-Identifier: MIT
// Dispatcher.
#include "daemon/rpc/dispatcher.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "daemon/rpc/session.hpp"
#include "proto/error_codes.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

namespace json = boost::json;

void Dispatcher::add(std::string method, Handler handler) {
  methods_.emplace(std::move(method), std::move(handler));
}

namespace {

std::string error_text(const json::value& id, int code, std::string message) {
  return proto::error_line(id, proto::RpcError{code, std::move(message), nullptr});
}

bool valid_id(const json::value& id) { return id.is_string() || id.is_number() || id.is_null(); }

}  // namespace

void Dispatcher::handle_line(std::string_view line, const std::shared_ptr<Session>& session) {
  json::error_code ec;
  json::value v = json::parse(line, ec);
  if (ec)
    return session->send(error_text(nullptr, proto::k_parse_error, "parse error: " + ec.message()));
  if (!v.is_array()) {
    ++session->in_flight_;
    return run_one(v, session, [session](std::string text) {
      --session->in_flight_;
      if (!text.empty()) session->send(std::move(text));
    });
  }
  const json::array& batch = v.as_array();
  if (batch.empty()) {
    return session->send(error_text(nullptr, proto::k_invalid_request, "empty batch"));
  }
  struct Pending {
    std::vector<std::string> parts;
    size_t remaining;
  };
  auto pending =
      std::make_shared<Pending>(Pending{std::vector<std::string>(batch.size()), batch.size()});
  ++session->in_flight_;
  for (size_t i = 0; i < batch.size(); ++i) {
    run_one(batch[i], session, [session, pending, i](std::string text) {
      pending->parts[i] = std::move(text);
      if (--pending->remaining != 0) return;
      --session->in_flight_;
      std::string out = "[";
      for (auto& part : pending->parts) {
        if (part.empty()) continue;
        if (out.size() > 1) out += ",";
        part.pop_back();  // each part ends in '\n'
        out += part;
      }
      if (out.size() == 1) return;  // only notifications: no response at all
      out += "]\n";
      session->send(std::move(out));
    });
  }
}

void Dispatcher::run_one(const json::value& request, const std::shared_ptr<Session>& session,
                         std::function<void(std::string)> reply) {
  if (!request.is_object())
    return reply(error_text(nullptr, proto::k_invalid_request, "invalid request"));
  const json::object& o = request.as_object();
  const json::value* version = o.if_contains("jsonrpc");
  const json::value* method = o.if_contains("method");
  const json::value* id_ptr = o.if_contains("id");
  const json::value id = id_ptr ? *id_ptr : json::value(nullptr);
  if (version == nullptr || !version->is_string() || version->as_string() != "2.0" ||
      method == nullptr || !method->is_string() || (id_ptr != nullptr && !valid_id(*id_ptr))) {
    return reply(error_text(valid_id(id) ? id : json::value(nullptr), proto::k_invalid_request,
                            "invalid request: needs \"jsonrpc\": \"2.0\", a string \"method\" and "
                            "a string, number or null \"id\""));
  }
  const bool is_notification = id_ptr == nullptr;
  const json::value* params_ptr = o.if_contains("params");
  if (params_ptr != nullptr && !params_ptr->is_object()) {
    if (is_notification) return reply({});
    return reply(
        error_text(id, proto::k_invalid_params, "invalid params: \"params\" must be an object"));
  }
  static const json::object k_empty;
  const json::object& params = params_ptr ? params_ptr->as_object() : k_empty;
  const std::string name(method->as_string());
  auto it = methods_.find(name);
  if (it == methods_.end()) {
    if (is_notification) return reply({});
    return reply(error_text(id, proto::k_method_not_found, "method not found: " + name));
  }
  // A handler answers exactly once, even if it calls respond() and then throws.
  auto answered = std::make_shared<bool>(false);
  auto respond = [id, is_notification, reply, answered](Result<json::value> result) {
    if (*answered) return;
    *answered = true;
    if (is_notification) return reply({});
    if (result) return reply(proto::response_line(id, *result));
    return reply(proto::error_line(id, proto::to_rpc_error(result.error())));
  };
  // The per-request firewall: no exception ever leaves a handler.
  try {
    Call call{params, session};
    it->second(call, respond);
  } catch (const ParamError& e) {
    if (!is_notification)
      reply(error_text(id, proto::k_invalid_params, e.what()));
    else
      reply({});
  } catch (const std::exception& e) {
    spdlog::error("method {} (id {}) failed: {}", name, json::serialize(id), e.what());
    if (!is_notification)
      reply(error_text(id, proto::k_internal_error, std::string("internal error: ") + e.what()));
    else
      reply({});
  }
}

std::string param_string(const json::object& p, std::string_view key) {
  auto v = opt_param_string(p, key);
  if (!v)
    throw ParamError("invalid params: '" + std::string(key) + "' is required and must be a string");
  return *v;
}

std::optional<std::string> opt_param_string(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string())
    throw ParamError("invalid params: '" + std::string(key) + "' must be a string");
  return std::string(v->as_string());
}

std::optional<int64_t> opt_param_int(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  throw ParamError("invalid params: '" + std::string(key) + "' must be an integer");
}

bool param_bool(const json::object& p, std::string_view key, bool fallback) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool())
    throw ParamError("invalid params: '" + std::string(key) + "' must be a boolean");
  return v->as_bool();
}

std::vector<std::string> param_strings(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_array())
    throw ParamError("invalid params: '" + std::string(key) + "' must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string())
      throw ParamError("invalid params: '" + std::string(key) + "' must be an array of strings");
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace bgo::daemon
