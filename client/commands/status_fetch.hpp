// SPDX-License-Identifier: MIT
// The rows of `bgo status` from bgod's `list` (or the state files when no bgod runs): every
// row, a subset of their keys, or the first rows that fit a screen (client/commands/status.cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "client/command.hpp"
#include "client/render/style.hpp"

namespace bgo::client {

struct Listing {
  std::vector<boost::json::object> rows;  // bgod's order (by name)
  std::vector<std::string> broken;        // "file: error" of each unreadable state file
  bool daemon = true;                     // false: read from the state files
  // Set when `rows` were cut to a screen: every selected process's row with the keys the
  // table's footers count (TableOptions::counted); `rows` are the first of them.
  std::optional<std::vector<boost::json::object>> counted;
};

struct ListingQuery {
  std::optional<std::string> project;              // only this project's processes
  std::optional<std::vector<std::string>> fields;  // row keys to ask bgod for (name always)
  std::size_t screen_rows = 0;                     // > 0: only the first this many rows
};

// Asks bgod's `list` (params `project`, `fields`, and `limit` for `screen_rows`; when the
// page is not the last, a second `list` of every row with only the footer keys, which reads
// no /proc); without bgod (and no autostart), reads the state files, says so on stderr and
// applies the same selection here. `fields` is a request: the caller cuts rows to the keys
// it wants (a bgod before issue #18 sends every key). nullopt (after an error on stderr) when
// bgod cannot be asked.
std::optional<Listing> fetch_listing(Context& ctx, const ListingQuery& query);

// The data rows a screen of `screen` lines can show below the table's own lines (header,
// rules, Total footer, the line saying how many are not shown) and `below` more; 0 (no cut)
// when the height is unknown, and at least 1.
std::size_t rows_that_fit(std::size_t screen, Level level, std::size_t below);

// `--fields`' comma list (spaces ignored), each a row key (proto::k_row_keys); a usage error
// through `args` otherwise.
std::vector<std::string> checked_fields(const Args& args, const std::string& list);

// -o's comma list when each field is a row key (bgod then need send only those); nullopt
// when one is not (e.g. `settings`, which only `get` has).
std::optional<std::vector<std::string>> row_keys_of(const std::string& list);

// Says on stderr that no bgod runs and the rows come from the state files.
void note_offline(Context& ctx);

// The footer keys the second `list` asks for.
const std::vector<std::string>& footer_fields();

}  // namespace bgo::client
