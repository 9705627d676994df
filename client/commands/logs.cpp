// SPDX-License-Identifier: MIT
// logs, follow/tail, flush (spec §7; follow streams from bgod, no `tail -f`).
#include <csignal>
#include <iostream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "common/log_tail.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

std::string stream_of(const Args& args, bool allow_watcher) {
  if (allow_watcher && args.has("watcher")) return "watcher";
  if (args.has("stderr")) return "stderr";
  return "stdout";
}

struct Tail {
  bool exists = false;
  std::string text;
  bool truncated = false;
  std::string path;
};

// From bgod, or from the file itself when no bgod runs and auto-start is off.
std::optional<Tail> read_tail(Context& ctx, const std::string& name, const std::string& stream,
                              int64_t lines) {
  Tail t;
  Connection* conn = ctx.connection();
  if (conn == nullptr) {
    if (ctx.autostart()) {
      ctx.require_connection();
      return std::nullopt;
    }
    if (!std::filesystem::exists(ctx.paths().state_file(name))) {
      ctx.fail(ctx.red_x() + " No process named '" + name + "' found");
      return std::nullopt;
    }
    const LogStream s = stream == "watcher"  ? LogStream::watcher
                        : stream == "stderr" ? LogStream::err
                                             : LogStream::out;
    t.path = ctx.paths().log_file(name, s).string();
    std::error_code ec;
    if (std::filesystem::file_size(t.path, ec) == 0 || ec) return t;
    auto r = tail_lines(t.path, static_cast<long>(lines));
    if (!r) return t;
    t.exists = true;
    t.text = r->text;
    t.truncated = r->truncated;
    return t;
  }
  auto r = conn->call("logs", json::object{{"name", name}, {"stream", stream}, {"lines", lines}});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return std::nullopt;
  }
  const json::object& o = r->as_object();
  t.exists = o.at("exists").as_bool();
  t.path = std::string(o.at("path").as_string());
  if (t.exists) {
    t.text = std::string(o.at("text").as_string());
    t.truncated = o.at("truncated").as_bool();
  }
  return t;
}

int follow(Context& ctx, const std::string& name, const std::string& stream, bool only_one,
           int64_t lines) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  std::vector<std::string> streams{stream};
  if (!only_one && stream == "stdout") streams.push_back("stderr");
  std::vector<std::pair<std::string, Tail>> tails;
  for (const auto& s : streams) {
    auto t = read_tail(ctx, name, s, lines);
    if (!t) return 1;
    if (s == stream || t->exists) tails.emplace_back(s, std::move(*t));
  }
  const std::string rule(50 * 3, '\0');
  std::string line;
  for (int i = 0; i < 50; ++i) line += "─";
  ctx.say(paint(ctx.out(), Color::gray, line));
  ctx.say(paint(ctx.out(), Color::yellow, "Following logs for '" + name + "' (Ctrl+C to exit)"));
  ctx.say(paint(ctx.out(), Color::gray, line));
  const bool headers = tails.size() > 1;
  std::string current;
  for (const auto& [s, t] : tails) {
    if (headers) std::cout << (current.empty() ? "" : "\n") << "==> " << t.path << " <==\n";
    current = s;
    std::cout << t.text;
  }
  std::cout << std::flush;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  auto r = conn->call("follow", json::object{{"name", name}});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return 1;
  }
  while (!g_stop) {
    bool closed = false;
    auto n = conn->next_notification(std::nullopt, closed);
    if (closed) break;
    if (!n || n->method != "log" || !n->params.is_object()) continue;
    const json::object& p = n->params.as_object();
    const std::string s(p.at("stream").as_string());
    if (std::find(streams.begin(), streams.end(), s) == streams.end()) continue;
    if (headers && s != current) {
      const LogStream ls = s == "stderr" ? LogStream::err : LogStream::out;
      std::cout << "\n==> " << ctx.paths().log_file(name, ls).string() << " <==\n";
      current = s;
    }
    const auto& data = p.at("data").as_string();
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
  }
  ctx.say(paint(ctx.out(), Color::gray, "\n[stopped following]"));
  return 0;
}

po::options_description log_options(bool with_watcher, int default_lines) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help")("follow,f", "Follow log output")(
      "lines,n", po::value<int64_t>()->default_value(default_lines), "Number of lines")(
      "stdout", "Show only stdout")("stderr", "Show only stderr");
  if (with_watcher) o.add_options()("watcher", "Show the watcher log (restart events, errors)");
  return o;
}

}  // namespace

int cmd_logs(Context& ctx, const std::vector<std::string>& tokens) {
  auto o = log_options(true, 50);
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  const std::string stream = stream_of(*args, true);
  const int64_t n = args->vm["lines"].as<int64_t>();
  if (args->has("follow")) {
    return follow(ctx, name, stream,
                  args->has("stdout") || args->has("stderr") || args->has("watcher"),
                  args->vm["lines"].defaulted() ? 50 : n);
  }
  auto t = read_tail(ctx, name, stream, n);
  if (!t) return 1;
  if (!t->exists) {
    ctx.say("No " + stream + " logs found for '" + name + "'");
    return 0;
  }
  if (t->truncated) std::cout << "... (showing last " << n << " lines)\n\n";
  std::cout << t->text;
  if (stream == "stdout" && !args->has("stdout")) {
    auto e = read_tail(ctx, name, "stderr", n);
    if (e && e->exists) {
      std::cout << "\n" << paint(ctx.out(), Color::gray, "─── stderr ───") << "\n" << e->text;
    }
  }
  std::cout << std::flush;
  return 0;
}

int cmd_follow(Context& ctx, const std::vector<std::string>& tokens) {
  auto o = log_options(false, 10);
  auto args = parse_or_help(ctx, tokens, o, "NAME");
  if (!args) return 0;
  const std::string name = one_name(*args);
  if (!check_name(ctx, name)) return 1;
  return follow(ctx, name, stream_of(*args, false), args->has("stdout") || args->has("stderr"),
                args->vm["lines"].as<int64_t>());
}

int cmd_flush(Context& ctx, const std::vector<std::string>& tokens) {
  po::options_description o("Options");
  o.add_options()("help,h", "show this help");
  auto args = parse_or_help(ctx, tokens, o, "[NAME]");
  if (!args) return 0;
  if (args->positionals.size() > 1)
    throw UsageError("unrecognized arguments: " + args->positionals[1]);
  json::object p;
  if (!args->positionals.empty()) {
    if (!check_name(ctx, args->positionals[0])) return 1;
    p["name"] = args->positionals[0];
  }
  auto r = ctx.call("flush", p);
  if (!r) return 1;
  const auto& names = r->as_object().at("flushed").as_array();
  if (names.empty()) {
    ctx.say("No logs to flush.");
    return 0;
  }
  for (const auto& n : names) ctx.say("🧹 Flushed logs of '" + std::string(n.as_string()) + "'");
  return 0;
}

}  // namespace bgo::client
