// SPDX-License-Identifier: MIT
// logs, follow/tail, flush (spec §7). The static view reads the files from their end; follow
// streams from bgod (commands/logs_follow.cpp).
#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <iostream>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/commands/log_lines.hpp"
#include "client/commands/logs_follow.hpp"
#include "client/commands/targets.hpp"
#include "client/offline.hpp"
#include "client/reply_view.hpp"
#include "common/log_tail.hpp"
#include "common/unique_fd.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

// The streams asked for (spec §7.1): the watcher log alone with `--watcher`, else stdout
// and/or stderr (both with both flags or with neither).
std::vector<std::string> streams_of(const Args& args, bool allow_watcher) {
  if (allow_watcher && args.has("watcher")) return {"watcher"};
  if (args.has("stdout") && !args.has("stderr")) return {"stdout"};
  if (args.has("stderr") && !args.has("stdout")) return {"stderr"};
  return {"stdout", "stderr"};
}

LogStream log_stream(std::string_view stream) {
  return stream == "watcher"  ? LogStream::watcher
         : stream == "stderr" ? LogStream::err
                              : LogStream::out;
}

// What `-n` counts and where the lines may begin: restart markers do not count (issue #13.7),
// and `--since-start` keeps to the newest run (#13.9).
TailOptions tail_options(bool since_start) {
  return TailOptions{0, MarkerLines::uncounted,
                     since_start ? TailFrom::last_start : TailFrom::anywhere};
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

// Prints the last `n` lines (`n` <= 0: all, or the whole run with `since_start`) of one log.
// Returns false when the file vanished.
bool print_tail(const std::filesystem::path& path, int64_t n, bool since_start, bool notice) {
  if (n <= 0 && !since_start) return print_whole(path);
  auto t = tail_log(path, static_cast<long>(n), tail_options(since_start));
  if (!t) return false;
  if (notice && n > 0 && t->truncated) std::cout << "... (showing last " << n << " lines)\n\n";
  std::cout << t->text;
  return true;
}

int show(Context& ctx, const std::string& name, const std::string& stream, int64_t n,
         bool since_start, bool with_stderr) {
  if (!registered(ctx, name)) return 1;
  const auto path = ctx.paths().log_file(name, log_stream(stream));
  const std::filesystem::path older = path.string() + ".1";
  if (!non_empty(path) && !((n > 0 || since_start) && non_empty(older))) {
    ctx.say("No " + stream + " logs found for '" + name + "'");
    return 0;
  }
  if (!print_tail(path, n, since_start, true)) {
    ctx.fail(ctx.red_x() + " Log file not found: " + path.string());
    return 1;
  }
  const auto err = ctx.paths().log_file(name, LogStream::err);
  if (with_stderr && non_empty(err)) {
    std::cout << "\n" << paint(ctx.out(), Color::gray, "─── stderr ───") << "\n";
    print_tail(err, n, since_start, false);
  }
  std::cout << std::flush;
  return 0;
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

// `bgo logs` with no name (or `all`), pm2 style: the last `n` lines of each process's logs
// (`streams`), each line prefixed `name | ` (a colour per name on a terminal) unless `raw`.
int show_everything(Context& ctx, int64_t n, bool since_start,
                    const std::vector<std::string>& streams, Prefixes prefixes) {
  const auto names = every_name(ctx);
  if (!names) return 1;
  if (names->empty()) {
    ctx.say("No processes registered.");
    return 0;
  }
  LinePrefixer prefixer(ctx.out(), prefixes);
  for (const auto& name : *names) prefixer.add(name);
  std::string text;
  for (const auto& name : *names) {
    const std::string prefix = prefixer.prefix(name);
    for (const auto& stream : streams) {
      auto tail = tail_log(ctx.paths().log_file(name, log_stream(stream)), static_cast<long>(n),
                           tail_options(since_start));
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

// `-n` as given, or, with `--since-start` and no `-n`, the whole newest run (0 / none).
std::optional<int64_t> lines_of(const Args& args) {
  if (args.has("since-start") && args.vm["lines"].defaulted()) return std::nullopt;
  return args.vm["lines"].as<int64_t>();
}

}  // namespace

int cmd_logs(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("logs", "View process logs");
  spec.options.add_options()("follow,f",
                             "Follow log output (of every process started later too, with all)")(
      "lines,n", po::value<int64_t>()->default_value(50),
      "Number of lines (default: 50); restart markers do not count")(
      "stdout", "Show stdout (with --stderr: both)")("stderr", "Show stderr (with --stdout: both)")(
      "watcher", "Show the watcher log (restart events, errors)")(
      "since-start", "Only the newest run: from its last start on (all of it unless -n)")(
      "raw", "Several processes: no 'name | ' prefixes");
  spec.positionals = {{"name", Positional::Arity::many,
                       "Names of the processes (several only with -f); none, or all: every "
                       "process"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto& names = args->positionals;
  const bool follow = args->has("follow");
  // Only a follow shows several named processes; the static view takes one name, or all.
  if (!follow && names.size() > 1) {
    std::string surplus;
    for (size_t i = 1; i < names.size(); ++i) surplus += (i > 1 ? " " : "") + names[i];
    args->fail("unrecognized arguments: " + surplus);
  }
  const auto streams = streams_of(*args, true);
  const auto lines = lines_of(*args);
  const bool since_start = args->has("since-start");
  const Prefixes prefixes = args->has("raw") ? Prefixes::none : Prefixes::shown;
  const bool every = names.empty() || std::find(names.begin(), names.end(), k_all) != names.end();
  if (!every) {
    for (const auto& n : names) {
      if (!check_name(ctx, n)) return 1;
    }
  }
  if (follow) {
    return follow_logs(ctx, FollowRequest{every ? std::vector<std::string>{} : names, every,
                                          streams, lines, since_start, prefixes});
  }
  if (every) return show_everything(ctx, lines.value_or(0), since_start, streams, prefixes);
  // One name: the selected log, and the stderr log after it unless a single stream was chosen.
  return show(ctx, names.front(), streams.front(), lines.value_or(0), since_start,
              streams.size() > 1);
}

int cmd_follow(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("follow", "Follow logs (shorthand for logs -f)");
  spec.options.add_options()("lines,n", po::value<int64_t>()->default_value(10),
                             "Initial lines (default: 10); restart markers do not count")(
      "stdout", "Show stdout (with --stderr: both)")("stderr", "Show stderr (with --stdout: both)")(
      "since-start", "Begin at the newest run's start (all of it unless -n)")(
      "raw", "Several processes: no 'name | ' prefixes");
  spec.positionals = {
      {"name", Positional::Arity::many,
       "Names of the processes; none, or all: every process (and those started later)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const auto& names = args->positionals;
  const bool every = names.empty() || std::find(names.begin(), names.end(), k_all) != names.end();
  if (!every) {
    for (const auto& n : names) {
      if (!check_name(ctx, n)) return 1;
    }
  }
  return follow_logs(
      ctx, FollowRequest{every ? std::vector<std::string>{} : names, every,
                         streams_of(*args, false), lines_of(*args), args->has("since-start"),
                         args->has("raw") ? Prefixes::none : Prefixes::shown});
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
