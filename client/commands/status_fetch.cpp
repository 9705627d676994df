// SPDX-License-Identifier: MIT
// fetch_listing(): bgod's `list` with a project, fields or a screen's page, or the state
// files; the checks of --fields and the screen's arithmetic.
#include "client/commands/status_fetch.hpp"

#include <boost/json.hpp>

#include "client/commands/common.hpp"
#include "client/offline.hpp"
#include "client/render/style.hpp"
#include "client/render/table.hpp"
#include "client/reply_view.hpp"
#include "proto/process_view.hpp"

namespace bgo::client {

namespace json = boost::json;

namespace {

void keep_project(Listing& listing, const std::optional<std::string>& project) {
  if (!project) return;
  std::erase_if(listing.rows,
                [&](const json::object& row) { return project_of_row(row) != *project; });
}

// The screen's cut made here, for rows that all came at once (the state files, or a bgod
// that does not page).
void cut_here(Listing& listing, std::size_t screen_rows) {
  if (screen_rows == 0 || listing.rows.size() <= screen_rows) return;
  listing.counted = listing.rows;
  listing.rows.resize(screen_rows);
}

json::array strings(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items) out.emplace_back(s);
  return out;
}

std::optional<std::vector<json::object>> call_list(Context& ctx, Connection& conn,
                                                   const json::object& params, Listing* full) {
  auto r = conn.call("list", params);
  if (!r) {
    ctx.fail(ctx.red_x() + " " + r.error().message);
    return std::nullopt;
  }
  const ReplyView list("list", *r);
  std::vector<json::object> rows;
  for (const auto& row : list.objects("processes")) rows.push_back(row.object());
  if (full != nullptr) {
    for (const auto& b : list.objects("broken")) {
      full->broken.push_back(b.str("file") + ": " + b.str("error"));
    }
    // Paged: `next` is null on the last page. A bgod that does not page sent every row.
    const json::value* next = list.find("next");
    if (next != nullptr && !next->is_null()) full->counted.emplace();
  }
  return rows;
}

}  // namespace

void note_offline(Context& ctx) {
  ctx.fail(paint(ctx.err(), Color::yellow, "⚠️") +
           "  bgod is not running: showing the recorded state from " +
           ctx.paths().procs_dir().string());
}

// Plain and normal tables: header, rule, rule, Total; fancy ones a border more.
std::size_t rows_that_fit(std::size_t screen, Level level, std::size_t below) {
  if (screen == 0) return 0;
  const std::size_t around = (level == Level::fancy ? 5 : 4) + 1 + below;
  return screen > around + 1 ? screen - around : 1;
}

std::vector<std::string> checked_fields(const Args& args, const std::string& list) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = list.find(',', from);
    std::string field = list.substr(from, comma == std::string::npos ? comma : comma - from);
    std::erase_if(field, [](char c) { return c == ' ' || c == '\t'; });
    if (field.empty()) args.fail("argument --fields: expected field names separated by commas");
    if (!proto::row_key_index(field)) {
      std::string known;
      for (const auto k : proto::k_row_keys) known += (known.empty() ? "" : ", ") + std::string(k);
      std::string message = "argument --fields: unknown field '";
      message.append(field).append("' (choose from ").append(known).append(")");
      args.fail(message);
    }
    out.push_back(std::move(field));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

std::optional<std::vector<std::string>> row_keys_of(const std::string& list) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (;;) {
    const std::size_t comma = list.find(',', from);
    std::string field = list.substr(from, comma == std::string::npos ? comma : comma - from);
    if (!proto::row_key_index(field)) return std::nullopt;
    out.push_back(std::move(field));
    if (comma == std::string::npos) return out;
    from = comma + 1;
  }
}

const std::vector<std::string>& footer_fields() {
  static const std::vector<std::string> k_fields = {"status", "stop_reason", "ready",
                                                    "health", "watch",       "project"};
  return k_fields;
}

std::optional<Listing> fetch_listing(Context& ctx, const ListingQuery& query) {
  Listing out;
  Connection* conn = ctx.connection();
  if (conn == nullptr) {
    if (ctx.autostart()) {
      ctx.require_connection();
      return std::nullopt;
    }
    OfflineState st = read_offline_state(ctx.paths());
    out.rows = std::move(st.rows);
    out.broken = std::move(st.broken);
    out.daemon = false;
    note_offline(ctx);
    keep_project(out, query.project);
    cut_here(out, query.screen_rows);
    return out;
  }
  json::object params;
  if (query.project) params["project"] = *query.project;
  if (query.fields) params["fields"] = strings(*query.fields);
  if (query.screen_rows > 0) params["limit"] = query.screen_rows;
  auto rows = call_list(ctx, *conn, params, &out);
  if (!rows) return std::nullopt;
  out.rows = std::move(*rows);
  // Again here: a bgod before `project` sends every process.
  keep_project(out, query.project);
  if (out.counted) {
    // More than a screen: the footers count every process, from rows without /proc figures.
    json::object all{{"fields", strings(footer_fields())}};
    if (query.project) all["project"] = *query.project;
    auto counted = call_list(ctx, *conn, all, nullptr);
    if (!counted) return std::nullopt;
    out.counted = std::move(*counted);
    std::erase_if(*out.counted, [&](const json::object& row) {
      return query.project && project_of_row(row) != *query.project;
    });
  } else {
    cut_here(out, query.screen_rows);
  }
  return out;
}

}  // namespace bgo::client
