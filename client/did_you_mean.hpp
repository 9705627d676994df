// SPDX-License-Identifier: MIT
// Suggestions for a mistyped command or process name (issue #13.6). Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bgo::client {

// Optimal-string-alignment distance: insertions, deletions, substitutions and swaps of two
// adjacent characters (`stauts` -> `status` is 1), counted in bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidates nearest to `word`, at most `max_distance` edits away and not equal to it,
// nearest first (ties in the candidates' order), without duplicates.
std::vector<std::string> closest(std::string_view word, const std::vector<std::string>& candidates,
                                 std::size_t max_distance = 2);

// The command a mistyped first word most likely meant: the nearest of `commands` (names and
// aliases of at least 3 characters) within 1 edit for words of up to 4 characters, else 2;
// "" when none. Short words get less slack because `db` or `api` are two edits from `rm`/`ls`.
std::string closest_command(std::string_view word, const std::vector<std::string>& commands);

// " Did you mean 'a'?" or " Did you mean 'a' or 'b'?" (two at most); "" for none.
std::string did_you_mean(const std::vector<std::string>& suggestions);

}  // namespace bgo::client
