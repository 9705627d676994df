// SPDX-License-Identifier: MIT
// Dispatcher.
#include "daemon/rpc/dispatcher.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "proto/error_codes.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::daemon {

namespace json = boost::json;

namespace {

std::string error_text(const json::value& id, int code, std::string message,
                       json::object extra = {}) {
  return proto::error_line(id, proto::protocol_error(code, std::move(message), std::move(extra)));
}

std::string invalid_params_text(const json::value& id, const std::string& param,
                                const std::string& message) {
  json::object extra;
  if (!param.empty()) extra["param"] = param;
  return error_text(id, proto::k_invalid_params, message, std::move(extra));
}

}  // namespace

ParamError::ParamError(std::string param_name, const std::string& message)
    : std::runtime_error(message), error(param_error(std::move(param_name), message)) {}

void Dispatcher::add(std::string method, Handler handler) {
  methods_.insert_or_assign(std::move(method), std::move(handler));
}

std::vector<std::string> Dispatcher::methods() const {
  std::vector<std::string> names;
  for (const auto& entry : methods_) names.push_back(entry.first);
  return names;
}

void Dispatcher::handle_line(std::string_view line, const std::shared_ptr<Session>& session,
                             LineDone done) {
  if (after_line_) {
    done = [inner = std::move(done), after = after_line_](std::string text) {
      inner(std::move(text));
      after();
    };
  }
  json::value v;
  try {
    json::parse_options options;
    options.max_depth = proto::k_max_json_depth;
    json::error_code ec;
    v = json::parse(line, ec, {}, options);
    if (ec) return done(error_text(nullptr, proto::k_parse_error, "parse error: " + ec.message()));
  } catch (const std::exception& e) {  // std::bad_alloc: nothing else throws here
    return done(
        error_text(nullptr, proto::k_internal_error, std::string("internal error: ") + e.what()));
  }
  if (!v.is_array()) return run_one(v, session, std::move(done));
  const json::array& batch = v.as_array();
  if (batch.empty()) return done(error_text(nullptr, proto::k_invalid_request, "empty batch"));
  // Each element answers into its slot; the last one to finish sends the whole array, in
  // request order, notifications left out.
  struct Pending {
    std::vector<std::string> parts;
    size_t remaining;
    LineDone done;
  };
  auto pending = std::make_shared<Pending>(
      Pending{std::vector<std::string>(batch.size()), batch.size(), std::move(done)});
  for (size_t i = 0; i < batch.size(); ++i) {
    run_one(batch[i], session, [pending, i](std::string text) {
      pending->parts[i] = std::move(text);
      if (--pending->remaining != 0) return;
      std::string out = "[";
      for (auto& part : pending->parts) {
        if (part.empty()) continue;
        if (out.size() > 1) out += ",";
        part.pop_back();  // each part ends in '\n'
        out += part;
      }
      if (out.size() == 1) return pending->done({});  // only notifications: no response
      out += "]\n";
      pending->done(std::move(out));
    });
  }
}

void Dispatcher::run_one(const json::value& request, const std::shared_ptr<Session>& session,
                         std::function<void(std::string)> reply) {
  if (!request.is_object()) {
    return reply(error_text(nullptr, proto::k_invalid_request,
                            "invalid request: a request must be a JSON object"));
  }
  const json::object& o = request.as_object();
  const json::value* version = o.if_contains("jsonrpc");
  const json::value* method = o.if_contains("method");
  const json::value* id_ptr = o.if_contains("id");
  if (version == nullptr || !version->is_string() || version->as_string() != "2.0" ||
      method == nullptr || !method->is_string() ||
      (id_ptr != nullptr && !proto::is_valid_id(*id_ptr))) {
    // Without a valid envelope it is not a notification either, so it is always answered;
    // with the request's id when that id itself is usable.
    const bool id_ok = id_ptr != nullptr && proto::is_valid_id(*id_ptr);
    return reply(error_text(id_ok ? *id_ptr : json::value(nullptr), proto::k_invalid_request,
                            "invalid request: needs \"jsonrpc\": \"2.0\", a string \"method\" and "
                            "an \"id\" that is a string, a number or null, if any"));
  }
  const bool is_notification = id_ptr == nullptr;
  const json::value id = is_notification ? json::value(nullptr) : *id_ptr;
  const json::value* params_ptr = o.if_contains("params");
  if (params_ptr != nullptr && !params_ptr->is_object()) {
    if (is_notification) return reply({});
    return reply(invalid_params_text(
        id, "params", "invalid params: 'params' must be an object (by-name parameters)"));
  }
  static const json::object k_empty;
  const json::object& params = params_ptr != nullptr ? params_ptr->as_object() : k_empty;
  const std::string name(method->as_string());
  auto it = methods_.find(name);
  if (it == methods_.end()) {
    if (is_notification) return reply({});
    return reply(error_text(id, proto::k_method_not_found, "method not found: " + name,
                            json::object{{"method", name}}));
  }
  // Exactly one answer per request, whatever the handler does.
  auto answered = std::make_shared<bool>(false);
  auto respond = [id, is_notification, reply, answered, name](Result<json::value> result) {
    if (*answered) {
      spdlog::error("method {} answered twice; the second answer is dropped", name);
      return;
    }
    *answered = true;
    if (is_notification) return reply({});
    if (result) return reply(proto::response_line(id, *result));
    reply(proto::error_line(id, proto::to_rpc_error(result.error())));
  };
  auto fail = [&](std::string text) {
    if (*answered) {
      spdlog::error("method {} threw after answering; ignored", name);
      return;
    }
    *answered = true;
    reply(is_notification ? std::string{} : std::move(text));
  };
  // The per-request firewall: no exception ever leaves a handler.
  try {
    Call call{params, session};
    it->second(call, respond);
  } catch (const ParamError& e) {
    fail(proto::error_line(id, proto::to_rpc_error(e.error)));
  } catch (const std::exception& e) {
    spdlog::error("method {} (id {}) failed: {}", name, json::serialize(id), e.what());
    fail(error_text(id, proto::k_internal_error, std::string("internal error: ") + e.what()));
  } catch (...) {
    spdlog::error("method {} (id {}) threw a non-standard exception", name, json::serialize(id));
    fail(error_text(id, proto::k_internal_error, "internal error"));
  }
}

std::string param_string(const json::object& p, std::string_view key) {
  auto v = opt_param_string(p, key);
  if (!v) {
    throw ParamError(std::string(key),
                     "invalid params: '" + std::string(key) + "' is required and must be a string");
  }
  return *v;
}

std::optional<std::string> opt_param_string(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    throw ParamError(std::string(key),
                     "invalid params: '" + std::string(key) + "' must be a string");
  }
  return std::string(v->as_string());
}

std::optional<int64_t> opt_param_int(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  throw ParamError(std::string(key),
                   "invalid params: '" + std::string(key) + "' must be an integer (64-bit)");
}

bool param_bool(const json::object& p, std::string_view key, bool fallback) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_bool()) {
    throw ParamError(std::string(key),
                     "invalid params: '" + std::string(key) + "' must be a boolean");
  }
  return v->as_bool();
}

std::vector<std::string> param_strings(const json::object& p, std::string_view key) {
  const json::value* v = p.if_contains(key);
  if (v == nullptr || v->is_null()) return {};
  const auto fail = [&] {
    return ParamError(std::string(key),
                      "invalid params: '" + std::string(key) + "' must be an array of strings");
  };
  if (!v->is_array()) throw fail();
  std::vector<std::string> out;
  out.reserve(v->as_array().size());
  for (const auto& item : v->as_array()) {
    if (!item.is_string()) throw fail();
    out.emplace_back(item.as_string());
  }
  return out;
}

}  // namespace bgo::daemon
