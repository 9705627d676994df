// SPDX-License-Identifier: MIT
// The fuzz targets' method table and output checks: stubs that exercise every way a handler
// can answer (at once, later, with a domain error, by throwing, twice), and the invariants
// every line bgod writes must satisfy.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "daemon/rpc/dispatcher.hpp"
#include "proto/utf8_repair.hpp"

namespace bgo::fuzz {

[[noreturn]] inline void violated(const char* what, std::string_view line) {
  std::fprintf(stderr, "invariant violated: %s\nline: %.*s\n", what,
               static_cast<int>(std::min<size_t>(line.size(), 2000)), line.data());
  std::abort();
}

// `defer(fn)` runs fn later (a queue, or asio::post): the "later" method answers through it.
inline void add_stub_methods(daemon::Dispatcher& d,
                             std::function<void(std::function<void()>)> defer) {
  namespace json = boost::json;
  using daemon::Call;
  using daemon::Respond;
  d.add("echo", [](Call& c, Respond r) { r(json::value(c.params)); });
  d.add("params", [](Call& c, Respond r) {
    json::object out;
    out["name"] = daemon::param_string(c.params, "name");
    if (auto n = daemon::opt_param_int(c.params, "n")) out["n"] = *n;
    out["flag"] = daemon::param_bool(c.params, "flag");
    json::array list;
    for (auto& s : daemon::param_strings(c.params, "list")) list.emplace_back(s);
    out["list"] = std::move(list);
    r(json::value(std::move(out)));
  });
  d.add("fail", [](Call&, Respond r) {
    Error e = make_error(Errc::no_such_process, "No process named 'x' found");
    e.names = {"detail"};
    r(e);
  });
  d.add("throw", [](Call&, Respond) -> void { throw std::runtime_error("boom"); });
  d.add("param_error", [](Call&, Respond) -> void {
    throw daemon::ParamError("x", "invalid params: 'x' must be a string");
  });
  d.add("twice", [](Call&, Respond r) {
    r(json::value(1));
    r(json::value(2));
    throw std::runtime_error("after answering");
  });
  d.add("later", [defer](Call& c, Respond r) {
    json::value copy(c.params);
    defer([r, copy] { r(copy); });
  });
  d.add("bytes", [](Call& c, Respond r) {
    // Answers with whatever string it was given, bytes and all: the wire must stay UTF-8.
    const json::value* s = c.params.if_contains("s");
    r(json::value(s != nullptr && s->is_string() ? s->as_string() : json::string("\xFF\xC3")));
  });
}

inline void check_response_object(const boost::json::value& v, std::string_view line) {
  if (!v.is_object()) violated("response is not an object", line);
  const auto& o = v.as_object();
  const auto* version = o.if_contains("jsonrpc");
  if (version == nullptr || *version != "2.0") violated("no jsonrpc 2.0", line);
  if (!o.contains("id")) violated("response without id", line);
  const bool result = o.contains("result");
  const auto* error = o.if_contains("error");
  if (result == (error != nullptr)) violated("not exactly one of result/error", line);
  if (error != nullptr) {
    if (!error->is_object() || !error->as_object().contains("code") ||
        !error->at("code").is_int64() || !error->as_object().contains("message")) {
      violated("malformed error object", line);
    }
    const auto* data = error->as_object().if_contains("data");
    if (data == nullptr || !data->is_object() || !data->as_object().contains("kind")) {
      violated("error without data.kind", line);
    }
  }
}

// Every line written to a client: '\n'-terminated, one line, UTF-8, JSON, JSON-RPC shaped.
inline void check_output_line(std::string_view line) {
  if (line.empty() || line.back() != '\n') violated("line does not end in a newline", line);
  line.remove_suffix(1);
  if (line.find('\n') != std::string_view::npos) violated("raw newline inside a line", line);
  if (!proto::is_valid_utf8(line)) violated("not valid UTF-8", line);
  boost::json::parse_options options;
  options.max_depth = 64;  // echoed params (<= 32 deep) inside the envelope
  boost::json::error_code ec;
  const boost::json::value v = boost::json::parse(line, ec, {}, options);
  if (ec) violated("not JSON", line);
  if (v.is_array()) {
    if (v.as_array().empty()) violated("empty batch response", line);
    for (const auto& item : v.as_array()) check_response_object(item, line);
  } else {
    check_response_object(v, line);
  }
}

}  // namespace bgo::fuzz
