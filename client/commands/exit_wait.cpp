// SPDX-License-Identifier: MIT
// stop_grace, exit_wait_text, call_awaiting_exit.
#include "client/commands/exit_wait.hpp"

#include <algorithm>
#include <iostream>

#include <boost/json.hpp>

#include "client/render/style.hpp"

namespace bgo::client {

namespace json = boost::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// Most stops answer at once; a line that flashes for every one of them would be noise.
constexpr milliseconds k_quiet{500};
// As Connection::call.
constexpr milliseconds k_reply_limit = std::chrono::minutes(10);

// `text` on stderr in place of the line the cursor is on.
void show_line(const Context& ctx, std::string_view text) {
  std::cout.flush();
  std::cerr << '\r' << paint(ctx.err(), Color::gray, text) << "\x1b[K" << std::flush;
}

void erase_line() { std::cerr << "\r\x1b[K" << std::flush; }

Result<json::value> call_awaiting_exit_once(Context& ctx, Connection& conn, std::string_view method,
                                            const json::value& params, std::string_view name,
                                            std::optional<milliseconds> grace) {
  const auto id = conn.send(method, params);
  if (!id) return id.error();
  // bgod sends SIGTERM as it reads the request, so the countdown starts now.
  const auto sent = Clock::now();
  const auto limit = sent + k_reply_limit;
  const bool terminal = ctx.stderr_tty();
  auto redraw = terminal ? sent + k_quiet : Clock::time_point::max();
  bool shown = false;
  for (;;) {
    const auto now = Clock::now();
    if (now >= limit) {
      if (shown) erase_line();
      return make_error(Errc::io_error, "bgod did not answer in time");
    }
    const auto wake = std::min(redraw, limit);
    if (now < wake) {
      if (auto reply = conn.reply(*id, std::chrono::ceil<milliseconds>(wake - now))) {
        if (shown) erase_line();
        return std::move(*reply);
      }
      continue;  // the deadline is checked again: a signal may have ended the wait early
    }
    std::optional<milliseconds> left;
    if (grace && *grace > milliseconds(0)) {
      left = std::chrono::duration_cast<milliseconds>(*grace - (now - sent));
    }
    show_line(ctx, exit_wait_text(name, left));
    shown = true;
    // The next change of the number shown: when `left` drops to the whole second below.
    redraw = Clock::time_point::max();
    if (left && left->count() > 0) {
      const auto whole = std::chrono::ceil<std::chrono::seconds>(*left) - std::chrono::seconds(1);
      redraw = now + (*left - whole);
    }
  }
}

}  // namespace

std::optional<milliseconds> stop_grace(Context& ctx, Connection& conn, bool force,
                                       std::optional<milliseconds> timeout,
                                       const std::string& name) {
  if (force) return milliseconds(0);
  if (timeout) return std::max(*timeout, milliseconds(0));
  if (!ctx.stderr_tty()) return std::nullopt;
  if (auto got = conn.call("get", json::object{{"name", name}}); got && got->is_object()) {
    const json::value* settings = got->get_object().if_contains("settings");
    const json::value* own = settings != nullptr && settings->is_object()
                                 ? settings->get_object().if_contains("stop_timeout_ms")
                                 : nullptr;
    if (own != nullptr && own->is_int64()) {
      return milliseconds(std::max<int64_t>(own->get_int64(), 0));
    }
  }
  auto r = conn.call("daemon.status", json::object{});
  if (!r || !r->is_object()) return std::nullopt;
  const json::value* ms = r->get_object().if_contains("stop_timeout_ms");
  if (ms == nullptr || !ms->is_int64()) return std::nullopt;
  return milliseconds(std::max<int64_t>(ms->get_int64(), 0));
}

std::string exit_wait_text(std::string_view name, std::optional<milliseconds> left) {
  std::string out = "waiting for " + std::string(name) + " to exit";
  if (left) {
    const auto seconds = std::chrono::ceil<std::chrono::seconds>(*left).count();
    out += seconds > 0 ? " (SIGKILL in " + std::to_string(seconds) + "s)" : " (SIGKILL sent)";
  }
  return out + "\u2026";
}

Result<json::value> call_awaiting_exit(Context& ctx, Connection& conn, std::string_view method,
                                       const json::value& params, std::string_view name,
                                       std::optional<milliseconds> grace) {
  auto r = call_awaiting_exit_once(ctx, conn, method, params, name, grace);
  // A live upgrade closed the connection before bgod read the request: as Connection::call.
  if (r || !conn.may_resend(method, r.error()) || !conn.reconnect()) return r;
  return call_awaiting_exit_once(ctx, conn, method, params, name, grace);
}

}  // namespace bgo::client
