// SPDX-License-Identifier: MIT
// Command helpers.
#include "client/commands/common.hpp"

#include <cctype>
#include <iostream>

#include <boost/program_options.hpp>

namespace bgo::client {

std::optional<Args> parse_or_help(Context& ctx, const std::vector<std::string>& tokens,
                                  const boost::program_options::options_description& options,
                                  std::string_view usage, bool remainder_after_first) {
  for (const auto& t : tokens) {
    if (t == "--") break;
    if (t == "-h" || t == "--help") {
      std::cout << "usage: " << ctx.invocation << " [options] " << usage << "\n\n"
                << options << "\n";
      return std::nullopt;
    }
  }
  return parse_args(tokens, options, remainder_after_first);
}

std::string one_name(const Args& args) {
  if (args.positionals.empty()) throw UsageError("the following arguments are required: name");
  if (args.positionals.size() > 1)
    throw UsageError("unrecognized arguments: " + args.positionals[1]);
  if (!args.rest.empty()) throw UsageError("unrecognized arguments: " + args.rest.front());
  return args.positionals.front();
}

void no_positionals(const Args& args) {
  if (!args.positionals.empty())
    throw UsageError("unrecognized arguments: " + args.positionals.front());
}

std::string check_choice(const std::string& value, std::string_view option,
                         std::initializer_list<std::string_view> choices) {
  std::string list;
  for (auto c : choices) {
    if (c == value) return value;
    list += (list.empty() ? "'" : ", '") + std::string(c) + "'";
  }
  throw UsageError("argument " + std::string(option) + ": invalid choice: '" + value +
                   "' (choose from " + list + ")");
}

int64_t parse_size(const std::string& text) {
  size_t pos = 0;
  double value = 0;
  try {
    value = std::stod(text, &pos);
  } catch (const std::exception&) {
    throw UsageError("argument --max-log-size: invalid size: '" + text + "'");
  }
  std::string unit = text.substr(pos);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  double mult = 1;
  if (unit == "K" || unit == "KB" || unit == "KIB")
    mult = 1024;
  else if (unit == "M" || unit == "MB" || unit == "MIB")
    mult = 1024.0 * 1024;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    mult = 1024.0 * 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    throw UsageError("argument --max-log-size: invalid size: '" + text + "'");
  if (value < 0) throw UsageError("argument --max-log-size: invalid size: '" + text + "'");
  return static_cast<int64_t>(value * mult);
}

}  // namespace bgo::client
