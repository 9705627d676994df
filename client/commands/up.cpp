// SPDX-License-Identifier: MIT
// bgo up and bgo down (issue #15, docs/bgo-file.md): the running set made to match a bgo.yaml
// (or an imported file), in dependency order, waiting for readiness; and stopped again,
// dependents first.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <set>

#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include "client/app/up_plan.hpp"
#include "client/app/up_progress.hpp"
#include "client/command.hpp"
#include "client/commands/app_file.hpp"
#include "client/commands/common.hpp"
#include "client/render/style.hpp"
#include "client/render/text.hpp"
#include "client/reply_view.hpp"
#include "client/terminal.hpp"

namespace bgo::client {

namespace json = boost::json;
namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

namespace {

// Every registered process (the `list` rows); nullopt after printing why not.
std::optional<std::vector<json::object>> registered_rows(Context& ctx, Connection& conn) {
  auto r = conn.call("list", json::object{});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return std::nullopt;
  }
  std::vector<json::object> rows;
  for (const ReplyView& row : ReplyView("list", *r).objects("processes")) {
    rows.push_back(row.object());
  }
  return rows;
}

// Sends one request per item, then collects the replies (bgod answers each when it is done, so
// the requests run at once): the replies in the order of `items`.
std::vector<Result<json::value>> send_all(Connection& conn, std::string_view method,
                                          const std::vector<json::object>& items) {
  std::vector<Result<int64_t>> ids;
  ids.reserve(items.size());
  for (const auto& params : items) ids.push_back(conn.send(method, params));
  std::vector<Result<json::value>> out;
  for (const auto& id : ids) {
    if (!id) {
      out.emplace_back(id.error());
      continue;
    }
    for (;;) {
      if (auto r = conn.reply(*id, std::chrono::minutes(10))) {
        out.push_back(std::move(*r));
        break;
      }
    }
  }
  return out;
}

std::string elapsed_text(Clock::duration d) {
  const auto tenths = std::chrono::duration_cast<std::chrono::milliseconds>(d).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + "s";
}

// ---- the progress display -------------------------------------------------------------------

// One line per process. On a terminal the block is redrawn in place (a spinner for what is
// still moving); otherwise a plain line is printed each time a process changes state.
class UpDisplay {
 public:
  UpDisplay(Context& ctx, const app::UpTracker& tracker)
      : ctx_(ctx), tracker_(tracker), start_(Clock::now()) {
    const std::size_t rows = terminal_rows();
    live_ = ctx.stdout_tty() && (rows == 0 || tracker.entries().size() + 1 < rows);
    for (const auto& e : tracker.entries()) width_ = std::max(width_, visible_width(e.name));
  }

  bool live() const { return live_; }

  void update(Clock::time_point now) {
    if (live_) return redraw(now);
    for (const auto& e : tracker_.entries()) {
      const std::string shown = std::string(app::to_string(e.state)) + "|" + e.detail;
      auto [it, added] = printed_.emplace(e.name, shown);
      if (!added && it->second == shown) continue;
      it->second = shown;
      if (e.state == app::UpState::pending) continue;
      std::cout << e.name << ": " << state_text(e, now) << "\n";
    }
    std::cout.flush();
  }

 private:
  std::string state_text(const app::UpEntry& e, Clock::time_point now) const {
    std::string text(app::to_string(e.state));
    switch (e.state) {
      case app::UpState::waiting:
        text = "waiting for " + e.detail;
        break;
      case app::UpState::starting:
        text = e.needs_ready ? "waiting until ready" : "starting";
        if (!e.detail.empty()) text += " (" + e.detail + ")";
        break;
      case app::UpState::kept:
        text = "unchanged (" + e.detail + ")";
        break;
      case app::UpState::failed:
        text = "failed: " + e.detail;
        break;
      default:
        if (!e.detail.empty()) text += " (" + e.detail + ")";
        if (e.action == app::UpAction::restart && app::is_final(e.state)) text = "re" + text;
        break;
    }
    // Since `up` began: when it got there, or still counting.
    if (e.state != app::UpState::kept && e.state != app::UpState::pending) {
      text += "  " + elapsed_text((app::is_final(e.state) ? e.since : now) - start_);
    }
    return text;
  }

  void redraw(Clock::time_point now) {
    static constexpr std::string_view k_spinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼",
                                                     "⠴", "⠦", "⠧", "⠇", "⠏"};
    const auto frame = static_cast<std::size_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now - start_).count() / 100);
    const int columns = terminal_columns();
    std::string out;
    if (drawn_ > 0) out += "\x1b[" + std::to_string(drawn_) + "F";  // to the block's first line
    for (const auto& e : tracker_.entries()) {
      std::string mark;
      if (e.state == app::UpState::failed) {
        mark = paint(ctx_.out(), Color::red, "✘");
      } else if (app::is_final(e.state)) {
        mark = paint(ctx_.out(), Color::green, "✔");
      } else if (e.state == app::UpState::pending) {
        mark = paint(ctx_.out(), Color::gray, "·");
      } else {
        mark = paint(ctx_.out(), Color::yellow, k_spinner[frame % std::size(k_spinner)]);
      }
      std::string line = " " + mark + " " + pad_right(e.name, width_) + "  " + state_text(e, now);
      out += "\x1b[2K" + truncate(line, columns) + "\n";
    }
    drawn_ = tracker_.entries().size();
    std::cout << out << std::flush;
  }

  Context& ctx_;
  const app::UpTracker& tracker_;
  Clock::time_point start_;
  bool live_ = false;
  std::size_t width_ = 0;
  std::size_t drawn_ = 0;
  std::map<std::string, std::string> printed_;
};

// ---- bgo up ---------------------------------------------------------------------------------

void print_plan(Context& ctx, const app::AppSpec& app, const app::UpPlan& plan,
                bool remove_orphans) {
  ctx.say("Plan for project '" + app.project + "' (" + app.file + "); nothing is changed:");
  std::size_t width = 0;
  for (const auto& s : plan.steps) width = std::max(width, visible_width(s.name));
  for (const auto& o : plan.orphans) width = std::max(width, visible_width(o));
  for (const auto& s : plan.steps) {
    ctx.say("  " + pad_right(std::string(app::to_string(s.action)), 8) + pad_right(s.name, width) +
            "  " + s.why);
  }
  for (const auto& o : plan.orphans) {
    ctx.say("  " + pad_right(remove_orphans ? "remove" : "orphan", 8) + pad_right(o, width) +
            "  not in the file" +
            (remove_orphans ? "" : " (--remove-orphans stops and deletes it)"));
  }
}

// The end of a failed process's stderr, indented, for the summary.
void print_stderr_tail(Context& ctx, Connection& conn, const std::string& name) {
  auto r = conn.call("logs", json::object{{"name", name},
                                          {"stream", "stderr"},
                                          {"lines", 10},
                                          {"count_markers", false},
                                          {"since_start", true}});
  if (!r || !r->is_object()) return;
  const json::value* text = r->as_object().if_contains("text");
  if (text == nullptr || !text->is_string()) return;
  std::string_view rest = text->get_string();
  while (!rest.empty()) {
    const std::size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    if (!line.empty() && line.find("=== [") != 0) ctx.fail("     | " + std::string(line));
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
}

// Stops the processes whose definition changed, and deletes the orphans with
// --remove-orphans, before anything starts. False (after printing why) when one failed.
bool clear_the_way(Context& ctx, Connection& conn, const app::UpPlan& plan,
                   const std::vector<json::object>& rows, bool remove_orphans) {
  std::set<std::string> running;
  for (const auto& row : rows) {
    const app::Registered r = app::registered_from_row(row);
    if (r.status != "stopped") running.insert(r.name);
  }
  std::vector<json::object> stops;
  for (const auto& s : plan.steps) {
    if (s.action == app::UpAction::restart && running.count(s.name) != 0) {
      stops.push_back(json::object{{"name", s.name}});
    }
  }
  bool ok = true;
  const auto stopped = send_all(conn, "stop", stops);
  for (std::size_t i = 0; i < stopped.size(); ++i) {
    if (!stopped[i]) {
      ctx.fail(ctx.red_x() + " cannot stop '" + std::string(stops[i].at("name").as_string()) +
               "': " + stopped[i].error().message);
      ok = false;
    }
  }
  if (!remove_orphans) return ok;
  std::vector<json::object> deletes;
  for (const auto& o : plan.orphans) deletes.push_back(json::object{{"name", o}});
  const auto deleted = send_all(conn, "delete", deletes);
  for (std::size_t i = 0; i < deleted.size(); ++i) {
    const std::string name(deletes[i].at("name").as_string());
    if (deleted[i]) {
      ctx.say("Removed orphan '" + name + "'");
    } else {
      ctx.fail(ctx.red_x() + " cannot delete '" + name + "': " + deleted[i].error().message);
      ok = false;
    }
  }
  return ok;
}

int run_up(Context& ctx, const app::AppSpec& app, const app::UpSelection& selection, bool dry_run,
           bool remove_orphans) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto rows = registered_rows(ctx, *conn);
  if (!rows) return 1;
  std::vector<app::Registered> registered;
  for (const auto& row : *rows) registered.push_back(app::registered_from_row(row));
  app::UpPlan plan;
  try {
    plan = app::plan_up(app, registered, selection);
  } catch (const std::invalid_argument& e) {
    ctx.fail(ctx.red_x() + " " + e.what());
    return 1;
  }
  if (!plan.clashes.empty()) {
    for (const auto& c : plan.clashes) ctx.fail(ctx.red_x() + " " + c);
    ctx.fail("   Nothing was started or stopped.");
    return 1;
  }
  if (dry_run) {
    print_plan(ctx, app, plan, remove_orphans);
    return 0;
  }
  // Events from here on: the stops below come first and are not about the new runs.
  if (auto s = conn->call("subscribe", json::object{}); !s) {
    ctx.fail(ctx.red_x() + " " + s.error().message);
    return 1;
  }
  if (!clear_the_way(ctx, *conn, plan, *rows, remove_orphans)) return 1;

  app::UpTracker tracker(plan);
  auto feed_events = [&](std::optional<std::chrono::milliseconds> wait) {
    bool closed = false;
    auto n = conn->next_notification(wait, closed);
    while (n) {
      if (n->method == "event" && n->params.is_object()) {
        tracker.on_event(n->params.as_object(), Clock::now());
      }
      n = conn->next_notification(std::chrono::milliseconds(0), closed);
    }
    return !closed;
  };
  feed_events(std::chrono::milliseconds(0));  // the stops' events, before anything is armed

  // Every start at once, dependencies first: bgod holds a dependent until its dependencies
  // are met (docs/health.md), so the order of the requests is all `up` has to keep.
  const std::vector<std::string> base = client_env();
  std::vector<std::pair<std::string, Result<int64_t>>> sent;
  for (const auto& step : plan.steps) {
    if (step.action == app::UpAction::keep) continue;
    tracker.arm(step.name, Clock::now());
    sent.emplace_back(step.name, conn->send("start", app::start_params(*step.process, app.project,
                                                                       step.definition, base)));
  }
  UpDisplay display(ctx, tracker);
  display.update(Clock::now());
  const std::optional<std::chrono::milliseconds> frame =
      display.live() ? std::optional(std::chrono::milliseconds(100)) : std::nullopt;
  for (auto& [name, id] : sent) {
    if (!id) {
      tracker.on_start_error(name, id.error(), Clock::now());
      continue;
    }
    for (;;) {
      auto r = conn->reply(*id, frame.value_or(std::chrono::minutes(10)));
      if (r && *r && (*r)->is_object()) {
        tracker.on_start_result(name, (*r)->as_object(), Clock::now());
      } else if (r && !*r) {
        tracker.on_start_error(name, r->error(), Clock::now());
      }
      display.update(Clock::now());
      if (r) break;
    }
  }
  // Then the events, until every process is up, done, or failed: a wait for the next event,
  // bounded only on a terminal, where the spinner moves every 100 ms.
  bool connected = true;
  while (connected && !tracker.done()) {
    connected = feed_events(frame);
    display.update(Clock::now());
  }
  if (!connected) {
    ctx.fail(ctx.red_x() + " bgod closed the connection");
    return 1;
  }
  const std::vector<std::string> failed = tracker.failed();
  if (!failed.empty()) {
    std::string list;
    for (const auto& f : failed) list += (list.empty() ? "" : ", ") + f;
    ctx.fail(ctx.red_x() + " " + std::to_string(failed.size()) + " process(es) of '" + app.project +
             "' failed: " + list);
    for (const auto& e : tracker.entries()) {
      if (std::find(failed.begin(), failed.end(), e.name) == failed.end()) continue;
      ctx.fail("   " + e.name + ": " +
               (e.state == app::UpState::failed ? e.detail : "not started: a dependency failed"));
      print_stderr_tail(ctx, *conn, e.name);
    }
    return 1;
  }
  std::map<app::UpAction, int> counts;
  for (const auto& s : plan.steps) ++counts[s.action];
  ctx.say("Project '" + app.project + "' is up: " + std::to_string(counts[app::UpAction::start]) +
          " started, " + std::to_string(counts[app::UpAction::restart]) + " restarted, " +
          std::to_string(counts[app::UpAction::keep]) + " unchanged" +
          (plan.orphans.empty() || remove_orphans ? std::string()
                                                  : "; orphans (not in the file): " + [&] {
                                                      std::string o;
                                                      for (const auto& n : plan.orphans)
                                                        o += (o.empty() ? "" : ", ") + n;
                                                      return o;
                                                    }()));
  return 0;
}

// ---- bgo down -------------------------------------------------------------------------------

std::vector<std::string> after_names(const json::object& detail) {
  std::vector<std::string> out;
  const json::value* settings = detail.if_contains("settings");
  if (settings == nullptr || !settings->is_object()) return out;
  const json::value* after = settings->as_object().if_contains("after");
  if (after == nullptr || !after->is_array()) return out;
  for (const auto& d : after->get_array()) {
    if (d.is_object()) {
      if (const json::value* n = d.as_object().if_contains("name"); n && n->is_string()) {
        out.emplace_back(n->get_string());
      }
    }
  }
  return out;
}

int run_down(Context& ctx, const std::string& project, const std::vector<std::string>& wanted,
             bool delete_them) {
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto rows = registered_rows(ctx, *conn);
  if (!rows) return 1;
  std::vector<std::string> names;
  for (const auto& row : *rows) {
    const app::Registered r = app::registered_from_row(row);
    if (r.project == project) names.push_back(r.name);
  }
  if (names.empty()) {
    ctx.say("No process of project '" + project + "' is registered.");
    return 0;
  }
  std::vector<std::vector<std::string>> after;
  for (const auto& name : names) {
    auto d = conn->call("get", json::object{{"name", name}});
    after.push_back(d && d->is_object() ? after_names(d->as_object()) : std::vector<std::string>{});
  }
  if (!wanted.empty()) {
    // The names asked for (`api` also means its instances), and what depends on them.
    std::set<std::string> chosen;
    for (const auto& w : wanted) {
      bool found = false;
      for (const auto& n : names) {
        if (n == w || (n.size() > w.size() && n.compare(0, w.size(), w) == 0 &&
                       n[w.size()] == ':' && n.find(':', w.size() + 1) == std::string::npos)) {
          chosen.insert(n);
          found = true;
        }
      }
      if (!found) {
        std::string message = ctx.red_x();
        message.append(" No process named '").append(w).append("' in project '");
        ctx.fail(message.append(project).append("'"));
        return 1;
      }
    }
    for (bool grew = true; grew;) {
      grew = false;
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (chosen.count(names[i]) != 0) continue;
        for (const auto& dep : after[i]) {
          if (chosen.count(dep) != 0) {
            grew = chosen.insert(names[i]).second || grew;
            break;
          }
        }
      }
    }
    std::vector<std::string> kept_names;
    std::vector<std::vector<std::string>> kept_after;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (chosen.count(names[i]) == 0) continue;
      kept_names.push_back(names[i]);
      kept_after.push_back(after[i]);
    }
    names = std::move(kept_names);
    after = std::move(kept_after);
  }
  int stopped = 0;
  bool ok = true;
  for (const auto& wave : app::stop_waves(names, after)) {
    std::vector<json::object> stops;
    stops.reserve(wave.size());
    for (const auto& n : wave) stops.push_back(json::object{{"name", n}});
    const auto results = send_all(*conn, "stop", stops);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i]) {
        ctx.fail(ctx.red_x() + " cannot stop '" + wave[i] + "': " + results[i].error().message);
        ok = false;
      } else if (results[i]->is_object() &&
                 ReplyView("stop", results[i]->as_object()).boolean("was_running")) {
        ctx.say("Stopped " + wave[i]);
        ++stopped;
      }
    }
  }
  int deleted = 0;
  if (delete_them && ok) {
    std::vector<json::object> deletes;
    deletes.reserve(names.size());
    for (const auto& n : names) deletes.push_back(json::object{{"name", n}});
    const auto results = send_all(*conn, "delete", deletes);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i]) {
        ++deleted;
      } else {
        ctx.fail(ctx.red_x() + " cannot delete '" + names[i] + "': " + results[i].error().message);
        ok = false;
      }
    }
  }
  std::string summary =
      "Project '" + project + "' is down: " + std::to_string(stopped) + " stopped";
  if (delete_them) summary += ", " + std::to_string(deleted) + " deleted";
  ctx.say(summary);
  return ok ? 0 : 1;
}

}  // namespace

int cmd_up(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "up",
      "Make the running processes match the application file: start what is new or\n"
      "stopped, restart what changed in the file, leave the rest alone, in dependency\n"
      "order, waiting for readiness where a dependent needs it. Exit 1 if a process\n"
      "failed to start or become ready. Reference: docs/bgo-file.md.");
  add_app_file_options(spec, true);
  spec.options.add_options()("no-deps", "Do not also start the dependencies of the NAMEs")(
      "remove-orphans", "Stop and delete the project's processes that the file no longer has")(
      "dry-run", "Print the plan (start / restart / keep / orphan) and change nothing");
  spec.positionals = {{"names", Positional::Arity::many,
                       "Processes of the file to bring up (default: all; api means api:0, ...)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const AppFileOptions file = app_file_options(*args);
  auto app = load_app(ctx, file);
  if (!app) return 1;
  app::UpSelection selection;
  selection.names = args->positionals;
  selection.with_dependencies = !args->has("no-deps");
  return run_up(ctx, *app, selection, args->has("dry-run"), args->has("remove-orphans"));
}

int cmd_down(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec =
      command_line("down",
                   "Stop the processes of a project, dependents first (all of them, or the NAMEs\n"
                   "and what depends on them). The project is the file's `name`, or --project.");
  add_app_file_options(spec, true);
  spec.options.add_options()("project,p", po::value<std::string>()->value_name("NAME"),
                             "The project (instead of reading the file)")(
      "delete", "Also delete them (their state files and logs), as bgo delete does");
  spec.positionals = {
      {"names", Positional::Arity::many, "Processes to stop (default: the whole project)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  const std::string flag = args->has("project") ? args->vm["project"].as<std::string>() : "";
  auto project = project_of(ctx, app_file_options(*args), flag);
  if (!project) return 1;
  return run_down(ctx, *project, args->positionals, args->has("delete"));
}

}  // namespace bgo::client
