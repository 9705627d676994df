// SPDX-License-Identifier: MIT
// follow_logs: one `follow` request for the last lines and the stream, then its notifications.
#include "client/commands/logs_follow.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

#include <boost/json.hpp>

#include "client/commands/follow_positions.hpp"
#include "client/reply_view.hpp"
#include "client/terminal.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

std::string rule() {
  std::string line;
  for (int i = 0; i < 50; ++i) line += "─";
  return line;
}

// Waits for the next `log` notification; nullopt on a signal or when bgod hung up (`closed`).
std::optional<proto::Reply> next_log(Connection& conn, const InterruptGuard& guard, bool& closed) {
  // Lines already read (queued during the `follow` call, or buffered) come first.
  auto n = conn.next_notification(std::chrono::milliseconds(0), closed);
  if (n || closed) return n;
  if (guard.wait_readable(conn.fd(), std::nullopt) != InterruptGuard::Wait::ready) {
    return std::nullopt;
  }
  return conn.next_notification(std::chrono::milliseconds(50), closed);
}

// The `follow` call (docs/protocol.md): `name` for one process (as bgo always sent it), else
// `names` or `all`; the markers of restarts do not count toward `lines` (issue #13.7). With
// positions (an older bgod ignores the parameter and sends none), so that the stream can go on
// after a live upgrade; `resume` then, without `lines`.
json::object follow_params(const FollowRequest& request, bool one,
                           const FollowPositions* resume = nullptr) {
  json::object params;
  if (one) {
    params["name"] = request.names.front();
  } else if (request.every) {
    params["all"] = true;
  } else {
    params["names"] = json::array(request.names.begin(), request.names.end());
  }
  params["streams"] = json::array(request.streams.begin(), request.streams.end());
  params["positions"] = true;
  if (resume != nullptr) {
    params["resume"] = resume->resume();
    return params;
  }
  if (request.lines) params["lines"] = *request.lines;
  params["count_markers"] = false;
  if (request.since_start) params["since_start"] = true;
  return params;
}

// How long `logs -f` waits for bgod to take its followers back after `daemon.upgrading`: the
// upgrade's own bounds (10 s to settle, 10 s for the new binary's check, its start) and more.
constexpr auto k_resume_deadline = std::chrono::seconds(60);

// After `daemon.upgrading` closed the connection: a new one (the listening socket stays open
// through the upgrade, so connect() fails only if bgod is gone: at once when the socket is
// gone too, else retried on a timer, 10 ms doubling to 1 s, until the deadline, for a bgod
// that its service manager starts again), then `follow` again from `positions`. A second upgrade
// right behind the first closes that call's connection too: it starts over, until the deadline.
// nullopt when bgod did not come back (or Ctrl-C).
std::optional<json::value> resume_follow(Connection& conn, const FollowRequest& request, bool one,
                                         const FollowPositions& positions,
                                         const InterruptGuard& guard) {
  const auto deadline = std::chrono::steady_clock::now() + k_resume_deadline;
  auto delay = std::chrono::milliseconds(10);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || guard.interrupted()) return std::nullopt;
    auto connected = conn.reconnect();
    if (connected) {
      auto r = conn.call("follow", follow_params(request, one, &positions), left);
      if (r) return std::move(*r);
      if (!conn.upgrading()) return std::nullopt;  // refused, or closed without a notice
      continue;
    }
    // No socket at all: bgod stopped (it removes it; an upgrade never closes it).
    if (connected.error().cause == std::errc::no_such_file_or_directory) return std::nullopt;
    if (guard.wait_readable(-1, std::min(delay, left)) == InterruptGuard::Wait::interrupted) {
      return std::nullopt;
    }
    delay = std::min(delay * 2, std::chrono::milliseconds(1000));
  }
}

struct Tail {
  std::string name;
  std::string stream;
  bool exists = false;
  std::string text;
};

}  // namespace

int follow_logs(Context& ctx, const FollowRequest& request) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  const bool one = !request.every && request.names.size() == 1;

  // Ctrl-C ends the stream (exit 0); SIGTERM too.
  const InterruptGuard guard;

  // One request returns the last lines and starts the stream at exactly that point.
  auto r = conn->call("follow", follow_params(request, one));
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    if (one && r.error().code == Errc::no_such_process) suggest_names(ctx, request.names.front());
    return 1;
  }
  FollowPositions positions;
  positions.on_result(*r);
  const ReplyView reply("follow", *r);
  LinePrefixer prefixer(ctx.out(), one ? Prefixes::none : request.prefixes);
  std::string who;
  if (one) {
    who = "'" + request.names.front() + "'";
  } else {
    // Colours and the prefix width in the order bgod lists them (by name for `all`).
    for (const auto& name : reply.strings("following")) {
      prefixer.add(name);
      if (!request.every) who += (who.empty() ? "'" : ", '") + name + "'";
    }
    if (request.every) who = "every process";
  }
  std::vector<Tail> tails;
  for (const auto& o : reply.objects("tails")) {
    tails.push_back(Tail{one ? request.names.front() : o.str("name"), o.str("stream"),
                         o.boolean("exists"), o.opt_str("text").value_or("")});
  }

  if (one) {
    const auto first = std::find_if(tails.begin(), tails.end(), [&](const Tail& t) {
      return t.stream == request.streams.front();
    });
    if (first == tails.end() || !first->exists) {
      ctx.say("No " + request.streams.front() + " logs found for " + who);
    }
  }
  ctx.say(paint(ctx.out(), Color::gray, rule()));
  ctx.say(paint(ctx.out(), Color::yellow, "Following logs for " + who + " (Ctrl+C to exit)"));
  ctx.say(paint(ctx.out(), Color::gray, rule()));

  // Output of one stream of one process goes out as it comes (a prompt shows before its
  // line ends); several sources are put together line by line, in order of arrival.
  const bool whole_lines = !one || request.streams.size() > 1;
  LineAssembler lines(prefixer);
  const auto show = [&](const std::string& name, const std::string& stream,
                        const std::string& data) {
    const std::string text = whole_lines ? lines.add(name, stream, data) : data;
    std::cout.write(text.data(), static_cast<std::streamsize>(text.size()));
  };
  for (const auto& t : tails) show(t.name, t.stream, t.text);
  std::cout << std::flush;

  bool closed = false;
  while (!guard.interrupted()) {
    if (closed) {
      // A live upgrade closed the connection (it said so first): the same stream goes on from
      // where it was, on a new connection, with what was written meanwhile read back from the
      // files. Closed without the notice, bgod stopped or dropped us: the end, as before.
      if (!conn->upgrading() || positions.empty()) break;
      auto again = resume_follow(*conn, request, one, positions, guard);
      if (!again) break;
      closed = false;
      positions.on_result(*again);
      for (const auto& loss : FollowPositions::losses(*again)) {
        std::cout << std::flush;
        std::cerr << "bgo: " << loss << std::endl;
      }
      if (!one) {
        for (const auto& name : ReplyView("follow", *again).strings("following")) {
          prefixer.add(name);
        }
      }
      continue;
    }
    auto n = next_log(*conn, guard, closed);
    if (!n || n->method != "log" || !n->params.is_object()) continue;
    const ReplyView p("log", n->params);
    const std::string stream = p.str("stream");
    if (std::find(request.streams.begin(), request.streams.end(), stream) ==
        request.streams.end()) {
      continue;
    }
    show(p.str("name"), stream, p.str("data"));
    std::cout.flush();
    positions.on_log(n->params);
  }
  std::cout << lines.finish() << std::flush;
  if (guard.interrupted()) {
    ctx.say(paint(ctx.out(), Color::gray, "\n[stopped following]"));
    return 0;
  }
  ctx.fail(ctx.red_x() + " bgod closed the connection (it stopped, or this terminal could not " +
           "keep up with the output)");
  return 1;
}

}  // namespace bgo::client
