// SPDX-License-Identifier: MIT
// resurrect, restart-stopped, restart-last (spec §3.4–§3.6, §3.14).
#include <boost/json.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/render/menu.hpp"
#include "client/reply_view.hpp"
#include "proto/jsonrpc.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Prints each start's lines and the summary; returns the exit code.
int report(Context& ctx, const ReplyView& result, std::string_view verb_ing,
           std::string_view verb_ed) {
  const std::vector<ReplyView> items = result.objects("items");
  ctx.say("🔄 " + std::string(verb_ing) + " " + std::to_string(items.size()) + " process(es)...");
  size_t failed = 0;
  for (const auto& o : items) {
    const std::string name = o.str("name");
    if (o.boolean("ok")) {
      print_started(ctx, o.at("result"));
      continue;
    }
    ++failed;
    const ReplyView e = o.child("error");
    proto::RpcError rpc{static_cast<int>(e.int64("code")), e.str("message"), nullptr};
    print_start_error(ctx, proto::from_rpc_error(rpc), name);
  }
  if (failed > 0) {
    ctx.say("\n⚠️  " + std::to_string(failed) + "/" + std::to_string(items.size()) +
            " process(es) failed to start");
    return 1;
  }
  ctx.say("\n✅ All " + std::to_string(items.size()) + " process(es) " + std::string(verb_ed));
  return 0;
}

std::string joined_command(const ReplyView& candidate) {
  std::string out;
  for (const auto& a : candidate.strings("command")) out += (out.empty() ? "" : " ") + a;
  return out;
}

int restart_menu_or_all(Context& ctx, const Args& args, std::string_view order,
                        std::string_view method, std::string_view title_prefix) {
  auto c = ctx.call("candidates", json::object{{"order", order}});
  if (!c) return 1;
  const ReplyView co("candidates", *c);
  if (co.int64("registered") == 0) {
    ctx.say("No processes registered.");
    return 0;
  }
  const std::vector<ReplyView> candidates = co.objects("candidates");
  if (candidates.empty()) {
    ctx.say("No stopped processes to restart.");
    return 0;
  }
  json::array names;
  if (args.has("all")) {
    for (const auto& cand : candidates) names.emplace_back(cand.str("name"));
  } else {
    // Appendix D #5: without a terminal on stdin nobody can answer, so ask for names or --all.
    if (!ctx.stdin_tty()) {
      ctx.fail(ctx.red_x() +
               " No terminal for the selection menu: name the processes or pass --all");
      return 1;
    }
    std::vector<std::string> labels;
    for (const auto& o : candidates) {
      const std::string when =
          o.opt_str("stopped_at").value_or(o.opt_str("started_at").value_or(""));
      labels.push_back(menu_label(o.str("name"), when, joined_command(o), ctx.out()));
    }
    const std::string title =
        paint(ctx.out(), Color::bold,
              std::string(title_prefix) + std::to_string(candidates.size()) + " available):");
    // A terminal on stdin but not on stdout (`bgo restart-last | tee x`): the original's
    // numbered prompt instead of the arrow-key menu.
    auto picked =
        ctx.stdout_tty() ? run_menu(title, labels, ctx.out()) : run_numbered_menu(title, labels);
    if (!picked) {
      ctx.say("Cancelled.");
      return 0;
    }
    if (picked->empty()) {
      ctx.say("Nothing selected.");
      return 0;
    }
    for (size_t i : *picked) names.emplace_back(candidates[i].str("name"));
  }
  json::array env;
  for (auto& e : client_env()) env.emplace_back(e);
  auto r = ctx.call(method, json::object{{"names", names}, {"env", std::move(env)}});
  if (!r) return 1;
  return report(ctx, ReplyView(method, *r), "Restarting", "restarted");
}

}  // namespace

int cmd_resurrect(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec =
      command_line("resurrect", "Restart all processes that were running before shutdown");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  auto c = ctx.call("candidates", json::object{{"order", "file"}});
  if (!c) return 1;
  if (ReplyView("candidates", *c).int64("registered") == 0) {
    ctx.say("No processes registered.");
    return 0;
  }
  json::array env;
  for (auto& e : client_env()) env.emplace_back(e);
  auto r = ctx.call("resurrect", json::object{{"env", std::move(env)}});
  if (!r) return 1;
  const ReplyView ro("resurrect", *r);
  if (ro.array("items").empty()) {
    ctx.say("No processes to resurrect (all running, stopped, or disabled).");
    return 0;
  }
  return report(ctx, ro, "Resurrecting", "resurrected");
}

int cmd_restart_stopped(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "restart-stopped", "Restart stopped processes (interactive menu, --all, or by name)");
  spec.options.add_options()("all,a", "Restart all stopped processes without prompting");
  spec.positionals = {{"names", Positional::Arity::many, "Specific process names (optional)"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  if (args->positionals.empty()) {
    return restart_menu_or_all(ctx, *args, "file", "restart_stopped",
                               "Select stopped processes to restart (");
  }
  for (const auto& n : args->positionals) {
    if (!check_name(ctx, n)) return 1;
  }
  auto c = ctx.call("candidates", json::object{{"order", "file"}});
  if (!c) return 1;
  if (ReplyView("candidates", *c).int64("registered") == 0) {
    ctx.say("No processes registered.");
    return 0;
  }
  json::array names, env;
  for (const auto& n : args->positionals) names.emplace_back(n);
  for (auto& e : client_env()) env.emplace_back(e);
  Connection* conn = ctx.require_connection();
  if (conn == nullptr) return 1;
  auto r = conn->call("restart_stopped", json::object{{"names", names}, {"env", std::move(env)}});
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return 1;
  }
  const ReplyView ro("restart_stopped", *r);
  if (const auto skipped = ro.strings("skipped"); !skipped.empty()) {
    ctx.say(paint(ctx.out(), Color::yellow, "⚠️") +
            "  Skipping (already running): " + joined(skipped));
  }
  if (ro.array("items").empty()) {
    ctx.say("Nothing to restart.");
    return 0;
  }
  return report(ctx, ro, "Restarting", "restarted");
}

int cmd_restart_last(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "restart-last", "Restart processes ordered by most recent (interactive menu or --all)");
  spec.options.add_options()("all,a", "Restart all not-running processes (most recent first)");
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  return restart_menu_or_all(ctx, *args, "recent", "restart_last",
                             "Select processes to restart (most recent first, ");
}

}  // namespace bgo::client
