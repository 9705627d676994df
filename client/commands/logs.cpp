// SPDX-License-Identifier: MIT
// logs, follow/tail, flush (spec §7). The static view reads the files from their end; follow
// streams from bgod (no `tail -f`, no polling).
#include <algorithm>
#include <array>
#include <cerrno>
#include <fcntl.h>
#include <iostream>
#include <map>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/commands/targets.hpp"
#include "client/offline.hpp"
#include "client/render/text.hpp"
#include "client/reply_view.hpp"
#include "client/terminal.hpp"
#include "common/log_tail.hpp"
#include "common/unique_fd.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

std::string stream_of(const Args& args, bool allow_watcher) {
  if (allow_watcher && args.has("watcher")) return "watcher";
  if (args.has("stderr")) return "stderr";
  return "stdout";
}

LogStream log_stream(std::string_view stream) {
  return stream == "watcher"  ? LogStream::watcher
         : stream == "stderr" ? LogStream::err
                              : LogStream::out;
}

std::string rule() {
  std::string line;
  for (int i = 0; i < 50; ++i) line += "─";
  return line;
}

// Whether `name` is registered: bgod says so, or (no bgod, BGO_NO_AUTOSTART) its state file.
bool registered(Context& ctx, const std::string& name) {
  Connection* conn = ctx.connection();
  if (conn == nullptr) {
    if (ctx.autostart()) {
      ctx.require_connection();  // says why bgod could not be reached
      return false;
    }
    ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") +
             "  bgod is not running: showing the log files in " + ctx.paths().logs_dir().string());
    if (!std::filesystem::exists(ctx.paths().state_file(name))) {
      ctx.fail(ctx.red_x() + " No process named '" + name + "' found");
      return false;
    }
    return true;
  }
  auto r = conn->call("get", json::object{{"name", name}});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    if (r.error().code == Errc::no_such_process) suggest_names(ctx, name);
    return false;
  }
  return true;
}

bool non_empty(const std::filesystem::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

// Copies the whole file to stdout with `\r\n` and a lone `\r` turned into `\n`, in chunks
// (a log may be far larger than memory). False when it cannot be opened.
bool print_whole(const std::filesystem::path& path) {
  auto fd = open_fd(path, O_RDONLY);
  if (!fd) return false;
  std::string in(1 << 20, '\0'), out;
  bool after_cr = false;
  for (;;) {
    const ssize_t n = ::read(fd->get(), in.data(), in.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.clear();
    for (ssize_t i = 0; i < n; ++i) {
      const char c = in[static_cast<size_t>(i)];
      if (c == '\n' && after_cr) {
        after_cr = false;  // the '\n' of "\r\n": already written as the '\r'
        continue;
      }
      after_cr = c == '\r';
      out += after_cr ? '\n' : c;
    }
    std::cout.write(out.data(), static_cast<std::streamsize>(out.size()));
  }
  return true;
}

// Prints the last `n` lines (`n` <= 0: all) of one log. Returns false when the file vanished.
bool print_tail(const std::filesystem::path& path, int64_t n, bool notice) {
  if (n <= 0) return print_whole(path);
  auto t = tail_log(path, static_cast<long>(n));
  if (!t) return false;
  if (notice && t->truncated) std::cout << "... (showing last " << n << " lines)\n\n";
  std::cout << t->text;
  return true;
}

int show(Context& ctx, const std::string& name, const std::string& stream, int64_t n,
         bool with_stderr) {
  if (!registered(ctx, name)) return 1;
  const auto path = ctx.paths().log_file(name, log_stream(stream));
  const std::filesystem::path older = path.string() + ".1";
  if (!non_empty(path) && !(n > 0 && non_empty(older))) {
    ctx.say("No " + stream + " logs found for '" + name + "'");
    return 0;
  }
  if (!print_tail(path, n, true)) {
    ctx.fail(ctx.red_x() + " Log file not found: " + path.string());
    return 1;
  }
  const auto err = ctx.paths().log_file(name, LogStream::err);
  if (with_stderr && non_empty(err)) {
    std::cout << "\n" << paint(ctx.out(), Color::gray, "─── stderr ───") << "\n";
    print_tail(err, n, false);
  }
  std::cout << std::flush;
  return 0;
}

struct Tail {
  bool exists = false;
  std::string text;
  std::string path;
};

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

int follow(Context& ctx, const std::string& name, const std::string& selected, bool only_one,
           int64_t lines) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  std::vector<std::string> streams{selected};
  if (!only_one && selected == "stdout") streams.emplace_back("stderr");

  // Ctrl-C ends the stream (exit 0); SIGTERM too.
  const InterruptGuard guard;

  // One request returns the last lines and starts the stream at exactly that point.
  json::array wanted;
  for (const auto& s : streams) wanted.emplace_back(s);
  auto r = conn->call(
      "follow", json::object{{"name", name}, {"lines", lines}, {"streams", std::move(wanted)}});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return 1;
  }
  std::map<std::string, Tail> tails;
  for (const auto& o : ReplyView("follow", *r).objects("tails")) {
    Tail t;
    t.exists = o.boolean("exists");
    t.path = o.str("path");
    t.text = o.opt_str("text").value_or("");
    tails[o.str("stream")] = std::move(t);
  }

  if (!tails[selected].exists) ctx.say("No " + selected + " logs found for '" + name + "'");
  ctx.say(paint(ctx.out(), Color::gray, rule()));
  ctx.say(paint(ctx.out(), Color::yellow, "Following logs for '" + name + "' (Ctrl+C to exit)"));
  ctx.say(paint(ctx.out(), Color::gray, rule()));
  // As `tail -f`: the selected log, plus the stderr log when it has something; a header
  // before each file when there are two, and again whenever the output switches file.
  std::vector<std::string> shown;
  for (const auto& s : streams) {
    if (s == selected || tails[s].exists) shown.push_back(s);
  }
  std::string current = selected;
  bool printed = false;
  for (const auto& s : shown) {
    if (shown.size() > 1) std::cout << (printed ? "\n" : "") << "==> " << tails[s].path << " <==\n";
    std::cout << tails[s].text;
    printed = printed || shown.size() > 1 || !tails[s].text.empty();
    current = s;
  }
  std::cout << std::flush;

  bool closed = false;
  while (!guard.interrupted() && !closed) {
    auto n = next_log(*conn, guard, closed);
    if (!n || n->method != "log" || !n->params.is_object()) continue;
    const ReplyView p("log", n->params);
    const std::string s = p.str("stream");
    if (std::find(streams.begin(), streams.end(), s) == streams.end()) continue;
    if (s != current) {
      const auto path = tails[s].path.empty() ? ctx.paths().log_file(name, log_stream(s)).string()
                                              : tails[s].path;
      std::cout << (printed ? "\n" : "") << "==> " << path << " <==\n";
      current = s;
    }
    const std::string data = p.str("data");
    std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
    std::cout.flush();
    printed = true;
  }
  if (guard.interrupted()) {
    ctx.say(paint(ctx.out(), Color::gray, "\n[stopped following]"));
    return 0;
  }
  ctx.fail(ctx.red_x() + " bgod closed the connection (it stopped, or this terminal could not " +
           "keep up with the output)");
  return 1;
}

// Every registered name, in name order: bgod's list, or the state files without bgod.
std::optional<std::vector<std::string>> every_name(Context& ctx) {
  std::vector<std::string> names;
  Connection* conn = ctx.connection();
  if (conn == nullptr) {
    if (ctx.autostart()) {
      ctx.require_connection();
      return std::nullopt;
    }
    for (const auto& row : read_offline_state(ctx.paths()).rows) {
      if (const auto* n = row.if_contains("name"); n != nullptr && n->is_string()) {
        names.emplace_back(n->get_string());
      }
    }
  } else {
    auto r = conn->call("list", json::object{});
    if (!r) {
      ctx.fail(ctx.red_x() + " " + r.error().message);
      return std::nullopt;
    }
    for (const auto& row : ReplyView("list", *r).objects("processes")) {
      names.push_back(row.str("name"));
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// `bgo logs` with no name (or `all`), pm2 style: the last `n` lines of each process's stdout
// and stderr, each line prefixed `name | ` (a colour per name on a terminal) unless `raw`.
int show_everything(Context& ctx, int64_t n, bool out, bool err, bool raw) {
  const auto names = every_name(ctx);
  if (!names) return 1;
  if (names->empty()) {
    ctx.say("No processes registered.");
    return 0;
  }
  constexpr std::array<Color, 4> k_palette = {Color::blue, Color::green, Color::yellow, Color::red};
  std::size_t width = 0;
  for (const auto& name : *names) width = std::max(width, visible_width(name));
  std::string text;
  for (std::size_t i = 0; i < names->size(); ++i) {
    const std::string& name = (*names)[i];
    const std::string prefix =
        raw ? std::string()
            : paint(ctx.out(), k_palette[i % k_palette.size()], pad_right(name, width)) + " | ";
    for (const auto stream : {LogStream::out, LogStream::err}) {
      if ((stream == LogStream::out && !out) || (stream == LogStream::err && !err)) continue;
      auto tail = tail_log(ctx.paths().log_file(name, stream), static_cast<long>(n));
      if (!tail) continue;
      std::string_view rest(tail->text);
      while (!rest.empty()) {
        const auto nl = rest.find('\n');
        text += prefix;
        text += rest.substr(0, nl);
        text += '\n';
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      }
    }
  }
  std::cout << text << std::flush;
  return 0;
}

}  // namespace

int cmd_logs(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("logs", "View process logs");
  spec.options.add_options()("follow,f", "Follow log output")(
      "lines,n", po::value<int64_t>()->default_value(50), "Number of lines (default: 50)")(
      "stdout", "Show only stdout")("stderr", "Show only stderr")(
      "watcher", "Show the watcher log (restart events, errors)")(
      "raw", "Without a name: no 'name | ' prefixes");
  spec.positionals = {{"name", Positional::Arity::optional,
                       "Name of the process (default, or all: every process)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  if (args->positionals.empty() || args->positionals[0] == k_all) {
    if (args->has("follow")) {
      args->fail(
          "argument -f/--follow: needs a process name (following every process is not "
          "supported yet)");
    }
    if (args->has("watcher")) args->fail("argument --watcher: needs a process name");
    const bool only_out = args->has("stdout") && !args->has("stderr");
    const bool only_err = args->has("stderr") && !args->has("stdout");
    return show_everything(ctx, args->vm["lines"].as<int64_t>(), !only_err, !only_out,
                           args->has("raw"));
  }
  const std::string name = args->positionals[0];
  if (!check_name(ctx, name)) return 1;
  const std::string stream = stream_of(*args, true);
  const int64_t n = args->vm["lines"].as<int64_t>();
  if (args->has("follow")) {
    return follow(ctx, name, stream,
                  args->has("stdout") || args->has("stderr") || args->has("watcher"), n);
  }
  return show(ctx, name, stream, n, stream == "stdout" && !args->has("stdout"));
}

int cmd_follow(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("follow", "Follow logs (shorthand for logs -f)");
  spec.options.add_options()("lines,n", po::value<int64_t>()->default_value(10),
                             "Initial lines (default: 10)")("stdout", "Show only stdout")(
      "stderr", "Show only stderr");
  spec.positionals = {{"name", Positional::Arity::one, "Name of the process"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string name = args->positionals[0];
  if (!check_name(ctx, name)) return 1;
  return follow(ctx, name, stream_of(*args, false), args->has("stdout") || args->has("stderr"),
                args->vm["lines"].as<int64_t>());
}

int cmd_flush(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("flush", "Empty the logs of one or every process");
  spec.positionals = {
      {"name", Positional::Arity::many, "Names of the processes (default, or all: every process)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto& names = args->positionals;
  // bgod flushes every process when no name is given.
  const bool every = names.empty() || std::find(names.begin(), names.end(), k_all) != names.end();
  if (!every) {
    for (const auto& n : names) {
      if (!check_name(ctx, n)) return 1;
    }
  }
  const auto flush = [&](const json::object& params) {
    auto r = ctx.call("flush", params);
    if (!r) return 1;
    const auto flushed = ReplyView("flush", *r).strings("flushed");
    if (flushed.empty()) ctx.say("No logs to flush.");
    for (const auto& n : flushed) ctx.say("🧹 Flushed logs of '" + n + "'");
    return 0;
  };
  if (every) return flush(json::object{});
  return for_each_target(names, [&](const std::string& name) {
    return flush(json::object{{"name", name}});
  });
}

}  // namespace bgo::client
