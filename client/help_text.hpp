// SPDX-License-Identifier: MIT
// The top-level help (`bgo`, `bgo --help`, `bgo help`; spec §2.5), filled to the terminal.
#pragma once

#include <cstddef>
#include <string>

namespace bgo::client {

// The usage lines, the description, the command list, the examples and the environment, no
// line wider than `width` unless one word is: list entries and example comments wrap with
// their indentation kept, and on a terminal too narrow for a comment beside its command the
// comment goes on the line below. Every line ends with '\n'.
std::string top_level_help(std::size_t width);

}  // namespace bgo::client
