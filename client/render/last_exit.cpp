// SPDX-License-Identifier: MIT
// is_crashed / exit_brief / last_exit_text.
#include "client/render/last_exit.hpp"

#include <cstring>
#include <optional>
#include <string_view>

#include <boost/json.hpp>

namespace bgo::client {

namespace json = boost::json;

namespace {

std::optional<int64_t> int_of(const json::object& row, std::string_view key) {
  const json::value* v = row.if_contains(key);
  if (v == nullptr || !v->is_int64()) return std::nullopt;
  return v->get_int64();
}

std::string_view string_of(const json::object& row, std::string_view key) {
  const json::value* v = row.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

std::string signal_name(int64_t sig) {
  const char* abbrev = sig > 0 && sig < 65 ? ::sigabbrev_np(static_cast<int>(sig)) : nullptr;
  return abbrev != nullptr ? "SIG" + std::string(abbrev) : "signal " + std::to_string(sig);
}

std::string_view reason_text(std::string_view reason) {
  if (reason == "crashed") return "crashed";
  if (reason == "user") return "stopped by user";
  if (reason == "daemon") return "stopped with bgod";
  return reason;
}

}  // namespace

bool is_crashed(const json::object& row) {
  return string_of(row, "status") != "online" && string_of(row, "stop_reason") == "crashed";
}

std::string exit_brief(const json::object& row) {
  if (auto sig = int_of(row, "exit_signal")) return signal_name(*sig);
  if (auto code = int_of(row, "exit_code")) return std::to_string(*code);
  return {};
}

std::string last_exit_text(const json::object& row) {
  std::string out;
  if (auto sig = int_of(row, "exit_signal")) {
    out = "signal " + std::to_string(*sig) + " (" + signal_name(*sig);
  } else if (auto code = int_of(row, "exit_code")) {
    out = "code " + std::to_string(*code) + " (";
  } else {
    return {};
  }
  const std::string_view reason = reason_text(string_of(row, "stop_reason"));
  if (!reason.empty()) out += (out.back() == '(' ? "" : ", ") + std::string(reason);
  if (out.back() == '(') {
    out.pop_back();
    out.pop_back();
  } else {
    out += ")";
  }
  if (const auto at = string_of(row, "stopped_at"); !at.empty()) out += " at " + std::string(at);
  return out;
}

}  // namespace bgo::client
