// SPDX-License-Identifier: MIT
// status / ls / list, the detail view and --json (spec §3.9, §6).
#include <algorithm>
#include <iostream>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/commands/status_fetch.hpp"
#include "client/commands/status_listing.hpp"
#include "client/offline.hpp"
#include "client/render/detail.hpp"
#include "client/render/row_format.hpp"
#include "client/render/status_json.hpp"
#include "client/render/style.hpp"
#include "client/render/table.hpp"
#include "client/render/text.hpp"
#include "client/reply_view.hpp"
#include "client/terminal.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;

namespace {

// "… 9950 more not shown", when the listing was cut to the screen.
std::string not_shown(const Listing& listing, const Style& style, std::string_view hint) {
  if (!listing.counted || listing.counted->size() <= listing.rows.size()) return {};
  const std::size_t hidden = listing.counted->size() - listing.rows.size();
  return paint(style, Color::gray,
               std::string(style.level == Level::plain ? "..." : "\u2026") + " " +
                   std::to_string(hidden) + " more not shown" + std::string(hint)) +
         "\n";
}

// The table of `listing` (footers counting every process when it was cut).
std::string table_of(const Listing& listing, const Style& style, TableOptions options) {
  if (listing.counted) options.counted = &*listing.counted;
  return render_table(listing.rows, style, terminal_columns(), listing.daemon, options);
}

// What an empty listing says: the original's lines, or, for a project, that it has none.
std::string render_empty(const std::optional<std::string>& project, bool watch_mode) {
  if (!project) return render_empty_registry(watch_mode);
  return "No processes of project '" + *project + "' are registered.\n";
}

std::optional<json::object> fetch_detail(Context& ctx, const std::string& name, bool& daemon,
                                         bool& missing) {
  missing = false;
  Connection* conn = ctx.connection();
  if (conn == nullptr) {
    if (ctx.autostart()) {
      ctx.require_connection();
      return std::nullopt;
    }
    daemon = false;
    auto d = read_offline_detail(ctx.paths(), name);
    note_offline(ctx);
    if (!d) missing = true;
    return d;
  }
  daemon = true;
  auto r = conn->call("get", json::object{{"name", name}});
  if (!r) {
    if (r.error().code == Errc::no_such_process) {
      missing = true;
    } else {
      ctx.fail(ctx.red_x() + " " + r.error().message);
    }
    return std::nullopt;
  }
  return ReplyView("get", *r).object();
}

void warn_broken(Context& ctx, const std::vector<std::string>& broken) {
  for (const auto& b : broken) {
    ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") + "  broken state file skipped: " + b);
  }
}

int watch_loop(Context& ctx, std::optional<Level> level, int64_t interval,
               const std::optional<std::string>& project) {
  const int64_t every = std::max<int64_t>(1, interval == 0 ? 2 : interval);
  // Ctrl-C (or SIGTERM) ends the loop (exit 0) instead of killing it mid-frame.
  const InterruptGuard guard;
  const bool tty = ctx.stdout_tty();
  Connection* conn = ctx.connection();
  // Redraw at once when a process changes state, and every interval for CPU and uptime.
  if (conn != nullptr) (void)conn->call("subscribe", json::object{});
  // One plan carried from frame to frame: columns never narrow while the session lasts.
  ColumnPlan columns_shown;
  TableOptions table = screen_table();
  table.session = &columns_shown;
  bool first = true;
  while (!guard.interrupted()) {
    const Style style = resolve_style(level, process_env(), tty);
    // On a terminal only the rows the screen shows are asked for (and read from /proc by
    // bgod): with 10,000 processes that is most of the work. The footers still count all.
    const std::size_t fit = tty ? rows_that_fit(terminal_rows(), style.level, 2) : 0;
    auto listing = fetch_listing(
        ctx, ListingQuery{.project = project, .fields = std::nullopt, .screen_rows = fit});
    if (!listing) return 1;
    std::string frame = listing->rows.empty()
                            ? render_empty(project, true)
                            : table_of(*listing, style, table) + not_shown(*listing, style, "");
    frame += paint(style, Color::gray,
                   "\nRefreshing every " + std::to_string(every) + "s. Ctrl-C to exit.") +
             "\n";
    const int columns = terminal_columns();
    if (tty) {
      // Redraw in place: home, the frame cut to the screen (each line cleared to its end),
      // then clear below. Nothing wraps and nothing goes below the last row: no scrolling.
      std::cout << (first ? "\x1b[2J\x1b[H" : "\x1b[H")
                << fit_to_screen(frame, static_cast<std::size_t>(columns), terminal_rows())
                << "\x1b[J" << std::flush;
    } else {
      std::cout << frame << std::flush;
    }
    first = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(every);
    if (conn == nullptr) {
      (void)guard.wait_readable(-1, std::chrono::seconds(every));
      continue;
    }
    while (!guard.interrupted()) {
      bool closed = false;
      // Notifications already read (queued during a call) come first.
      auto n = conn->next_notification(std::chrono::milliseconds(0), closed);
      if (!n && !closed) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        if (guard.wait_readable(conn->fd(), left) != InterruptGuard::Wait::ready) continue;
        n = conn->next_notification(std::chrono::milliseconds(50), closed);
      }
      if (closed) {
        ctx.fail(ctx.red_x() + " bgod closed the connection");
        return 1;
      }
      if (n) break;  // something changed: redraw now
    }
  }
  // The last frame ends without a newline (so it never scrolls); put the prompt below it.
  if (tty) std::cout << "\n" << std::flush;
  return 0;
}

// `--format` / `-o`: one line per process (or for `name`), in name order.
int print_formatted(Context& ctx, const Args& args, const std::optional<std::string>& name,
                    const std::optional<std::string>& project, const std::string& templ,
                    const std::optional<std::vector<std::string>>& keys) {
  // Checked before asking bgod, so a typo fails the same with no processes registered.
  if (std::string unknown; !format_row(json::object{}, templ, unknown)) {
    std::string fields;
    for (auto f : row_fields()) fields += (fields.empty() ? "" : ", ") + std::string(f);
    for (auto f : health_row_fields()) fields += ", " + std::string(f);
    for (auto f : project_row_fields()) fields += ", " + std::string(f);
    args.fail("unknown field '" + unknown + "' (choose from " + fields + ")");
  }
  std::vector<json::object> rows;
  if (name) {
    bool daemon = true, missing = false;
    auto d = fetch_detail(ctx, *name, daemon, missing);
    if (!d) {
      if (missing) ctx.fail(ctx.red_x() + " No process named '" + *name + "' found");
      return 1;
    }
    rows.push_back(std::move(*d));
  } else {
    auto listing = fetch_listing(ctx, ListingQuery{.project = project, .fields = keys});
    if (!listing) return 1;
    warn_broken(ctx, listing->broken);
    rows = std::move(listing->rows);
  }
  std::sort(rows.begin(), rows.end(), [](const json::object& a, const json::object& b) {
    return field_text(a, "name") < field_text(b, "name");
  });
  std::string out;
  for (const auto& row : rows) {
    std::string unknown;
    out += format_row(row, templ, unknown).value_or("") + "\n";
  }
  std::cout << out << std::flush;
  return 0;
}

}  // namespace

int show_detail(Context& ctx, const std::string& name, bool single_token,
                std::string_view command_guess) {
  bool daemon = true, missing = false;
  auto d = fetch_detail(ctx, name, daemon, missing);
  if (!d) {
    if (!missing) return 1;
    if (single_token && !command_guess.empty()) {
      ctx.fail("bgo: unknown command '" + name + "'. Did you mean '" + std::string(command_guess) +
               "'?");
      return 2;
    }
    if (single_token) {
      ctx.fail(ctx.red_x() + " Unknown command or process: '" + name + "'");
      ctx.fail("   Run " + paint(ctx.err(), Color::bold, "bgo --help") + " for usage, or " +
               paint(ctx.err(), Color::bold, "bgo start " + shell_word(name) + " -- <command>") +
               " to start a new process.");
    } else {
      ctx.fail(ctx.red_x() + " No process named '" + name + "' found");
    }
    suggest_names(ctx, name);
    return 1;
  }
  const Style style{Level::normal, ctx.out().color};
  std::cout << render_detail(*d, style, daemon) << std::flush;
  return 0;
}

void add_listing_options(CommandLine& spec) {
  spec.options.add_options()("watch,w", "Watch mode (auto-refresh)")(
      "interval", po::value<int64_t>(), "Refresh interval in seconds for --watch (default: 2)")(
      "json", "Output as JSON (machine-readable, no colors)")(
      "format", po::value<std::string>()->value_name("TEMPLATE"),
      "One line per process from a template, e.g. '{name} {status} {running_pid}'")(
      "output,o", po::value<std::string>()->value_name("FIELDS"),
      "One tab-separated line per process of these fields, e.g. name,status")(
      "fields", po::value<std::string>()->value_name("FIELDS"),
      "With --json: only these keys of each row (and name), e.g. status,memory_bytes")(
      "all", "On a terminal too, list every row (the table is cut to the screen's height)")(
      "plain", "Force plain rendering (no color, ASCII only)")(
      "fancy", "Force fancy rendering (Unicode box-drawing)");
  spec.exclusive.emplace_back("plain", "fancy");
}

int run_listing(Context& ctx, const Args& args, const std::optional<std::string>& name,
                const std::optional<std::string>& project) {
  std::optional<Level> level;
  if (args.has("plain")) level = Level::plain;
  if (args.has("fancy")) level = Level::fancy;
  if (args.has("json") && args.has("watch")) {
    args.fail(
        "argument -w/--watch: not allowed with argument --json (run `bgo status --json` "
        "again to refresh)");
  }
  // Checked first: with -o or --format it would otherwise be ignored.
  std::optional<std::vector<std::string>> fields;
  if (args.has("fields")) {
    if (!args.has("json")) args.fail("argument --fields: only with --json");
    fields = checked_fields(args, args.vm["fields"].as<std::string>());
  }
  if (args.has("format") || args.has("output")) {
    if (args.has("format") && args.has("output")) {
      args.fail("argument -o/--output: not allowed with argument --format");
    }
    if (args.has("json") || args.has("watch")) {
      args.fail(std::string("argument ") + (args.has("format") ? "--format" : "-o/--output") +
                ": not allowed with argument " + (args.has("json") ? "--json" : "-w/--watch"));
    }
    const std::string templ = args.has("format")
                                  ? args.vm["format"].as<std::string>()
                                  : fields_template(args.vm["output"].as<std::string>());
    // -o's fields, when all are row keys, are all bgod needs to send (and read).
    std::optional<std::vector<std::string>> keys;
    if (args.has("output")) keys = row_keys_of(args.vm["output"].as<std::string>());
    return print_formatted(ctx, args, name, project, templ, keys);
  }
  if (args.has("json")) {
    if (name) {
      bool daemon = true, missing = false;
      auto d = fetch_detail(ctx, *name, daemon, missing);
      if (!d) {
        if (!missing) return 1;
        std::cout << status_json_error(*name) << std::flush;  // Appendix D #7: stdout, exit 1
        return 1;
      }
      std::cout << status_json(*d, fields ? &*fields : nullptr) << std::flush;
      return 0;
    }
    auto listing = fetch_listing(ctx, ListingQuery{.project = project, .fields = fields});
    if (!listing) return 1;
    warn_broken(ctx, listing->broken);
    std::cout << status_json(listing->rows, fields ? &*fields : nullptr) << std::flush;
    return 0;
  }
  if (args.has("watch")) {
    return watch_loop(ctx, level, args.has("interval") ? args.vm["interval"].as<int64_t>() : 2,
                      project);
  }
  if (name) return show_detail(ctx, *name, false);
  const bool tty = ctx.stdout_tty();
  const Style style = resolve_style(level, process_env(), tty);
  // On a terminal, a table taller than the screen is cut (bgod reads /proc for the rows shown
  // only); a last line says how many are left out. Anywhere else every row is printed.
  const std::size_t fit =
      tty && !args.has("all") ? rows_that_fit(terminal_rows(), style.level, 1) : 0;
  auto listing = fetch_listing(
      ctx, ListingQuery{.project = project, .fields = std::nullopt, .screen_rows = fit});
  if (!listing) return 1;
  warn_broken(ctx, listing->broken);
  if (listing->rows.empty()) {
    std::cout << render_empty(project, false) << std::flush;
    return 0;
  }
  std::cout << table_of(*listing, style, screen_table())
            << not_shown(*listing, style, ": add --all to list every row") << std::flush;
  return 0;
}

int cmd_status(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("status", "Show process status");
  add_listing_options(spec);
  spec.options.add_options()("project", po::value<std::string>()->value_name("NAME"),
                             "Only the processes of this project (bgo up; docs/bgo-file.md)");
  spec.positionals = {{"name", Positional::Arity::optional, "Show details for specific process"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  std::optional<std::string> name;
  if (!args->positionals.empty()) {
    name = args->positionals[0];
    if (args->has("project")) args->fail("argument --project: not allowed with a process name");
    if (!check_name(ctx, *name)) return 1;
  }
  std::optional<std::string> project;
  if (args->has("project")) {
    project = args->vm["project"].as<std::string>();
    if (project->empty()) args->fail("argument --project: expected a project name");
  }
  return run_listing(ctx, *args, name, project);
}

int cmd_show(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("show", "Show one process in detail (as bgo status NAME)");
  spec.positionals = {{"name", Positional::Arity::one, "Name of the process"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  if (!check_name(ctx, args->positionals[0])) return 1;
  return show_detail(ctx, args->positionals[0], false);
}

int cmd_jlist(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line("jlist", "Every process as JSON (as bgo status --json)");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  return cmd_status(ctx, {"--json"});
}

int cmd_env(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec =
      command_line("env", "Print the environment a process was started with (KEY=VALUE lines)");
  spec.positionals = {{"name", Positional::Arity::one, "Name of the process"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string& name = args->positionals[0];
  if (!check_name(ctx, name)) return 1;
  auto r = ctx.call("get", json::object{{"name", name}});
  if (!r) return 1;
  const ReplyView detail("get", *r);
  const json::value* env = detail.find("env");
  if (env == nullptr || env->is_null()) {
    ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") + "  No environment is recorded for '" +
             name + "' (it inherits bgod's)");
    return 1;
  }
  std::string out;
  for (const auto& kv : detail.strings("env")) out += kv + "\n";
  std::cout << out << std::flush;
  return 0;
}

}  // namespace bgo::client
