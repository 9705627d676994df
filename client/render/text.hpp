// SPDX-License-Identifier: MIT
// Terminal text: ANSI-aware display width, padding, truncation, filling, sizes.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bgo::client {

// Decodes the UTF-8 code point at `pos` and advances `pos` past it. A malformed byte decodes
// as U+FFFD and advances by one. Precondition: `pos < s.size()`.
char32_t next_code_point(std::string_view s, std::size_t& pos);

// Columns a terminal uses for `cp`: 2 for East-Asian wide/fullwidth and emoji presentation
// characters, 0 for combining marks, zero-width characters, variation selectors and controls,
// 1 otherwise. A fixed table, independent of the locale.
int code_point_width(char32_t cp);

// Length of the ANSI SGR sequence (`ESC [ digits/semicolons m`) starting at `pos`, or 0.
std::size_t sgr_length(std::string_view s, std::size_t pos);

// Display width of `s` with SGR sequences skipped.
std::size_t visible_width(std::string_view s);

// `s` followed by spaces up to display width `width`; never truncates.
std::string pad_right(std::string_view s, std::size_t width);

// Spaces then `s` up to display width `width`; never truncates.
std::string pad_left(std::string_view s, std::size_t width);

// Spec §6.4 [L], counting display columns: `width <= 0` -> ""; `width <= 3` -> the first
// `width` characters of "..."; fits -> `s`; else the longest prefix of at most `width - 3`
// columns (SGR sequences copied whole) + "..." + `ESC[0m` if the last copied SGR left a colour
// open.
std::string truncate(std::string_view s, int width);

// A frame for a full-screen redraw (`status -w`) that never scrolls a terminal of `columns` x
// `rows`: each line of `frame` ('\n'-separated; a final '\n' ends the last line) wider than
// `columns` is cut with truncate(); with more than `rows` lines, the first `rows - 1` and the
// last one are kept. Every line is followed by `ESC[K` (clear to its end); lines are joined by
// '\n', with none after the last, so the cursor never moves below the frame.
std::string fit_to_screen(std::string_view frame, std::size_t columns, std::size_t rows);

// `text` filled to `width` display columns: its words (split at spaces) one space apart, the
// first line after `first` (e.g. "  start (open)         "), later ones after `rest` (spaces,
// or e.g. "    # " to continue a comment). A word that does not fit an empty line stays whole
// on a line of its own. Every line ends with '\n'.
std::string fill(std::string_view text, std::size_t width, std::string_view first,
                 std::string_view rest);

// Spec §6.6: "512B", "1.0KB", "3.4MB", ... (one decimal; KB, MB, GB, TB).
std::string human_size(std::uint64_t bytes);

// `word` as one shell word: unchanged when it has only characters no shell treats specially
// (letters, digits, `@%_+=:,./-`), else in single quotes (a `'` as `'\''`), so a hint such as
// `bgo logs 'bad name'` can be pasted as it is printed.
std::string shell_word(std::string_view word);

// The two commands that help an errored process: "bgo logs NAME --watcher" and
// "bgo restart NAME" (NAME as shell_word() writes it).
std::array<std::string, 2> recover_commands(std::string_view name);

// The recovery hint of an errored process: "bgo logs NAME --watcher   |   bgo restart NAME".
std::string recover_hint(std::string_view name);

}  // namespace bgo::client
