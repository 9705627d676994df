// SPDX-License-Identifier: MIT
// parse_command_line(): argparse's token rules on top of program_options declarations.
#include "client/arg_parser.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <regex>

#include <boost/program_options.hpp>

#include "client/terminal.hpp"

namespace bgo::client {

namespace po = boost::program_options;

namespace {

struct OptionInfo {
  const po::option_description* desc = nullptr;
  std::string long_name;  // without dashes
  char short_name = 0;    // 0 when none
  bool takes_value = false;
  std::string metavar;
  std::vector<std::string> choices;  // empty: any value

  // argparse's name for the action in messages: "-n/--lines", "--cwd".
  std::string display() const {
    std::string out;
    if (short_name != 0) out = std::string("-") + short_name + "/";
    return out + "--" + long_name;
  }
};

std::vector<OptionInfo> option_table(const po::options_description& desc) {
  std::vector<OptionInfo> out;
  for (const auto& d : desc.options()) {
    OptionInfo info;
    info.desc = d.get();
    info.long_name = d->long_name();
    const std::string short_form =
        d->canonical_display_name(po::command_line_style::allow_dash_for_short);
    if (short_form.size() == 2 && short_form[0] == '-') info.short_name = short_form[1];
    info.takes_value = d->semantic()->max_tokens() > 0;
    std::string name = d->semantic()->name();
    // program_options appends the default to the name: "arg (=50)".
    if (const size_t def = name.find(" (="); def != std::string::npos) name.resize(def);
    if (name.size() > 2 && name.front() == '{' && name.back() == '}') {
      std::string_view list(name);
      list = list.substr(1, list.size() - 2);
      while (!list.empty()) {
        const size_t comma = list.find(',');
        info.choices.emplace_back(list.substr(0, comma));
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
      }
    }
    if (name.empty() || name == "arg") {
      name = info.long_name;
      std::replace(name.begin(), name.end(), '-', '_');
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    }
    info.metavar = name;
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace

std::vector<OptionShape> option_shapes(const CommandLine& spec) {
  std::vector<OptionShape> out;
  for (const OptionInfo& info : option_table(spec.options)) {
    out.push_back(OptionShape{info.long_name, info.short_name, info.takes_value, info.metavar,
                              info.choices, info.desc->description()});
  }
  return out;
}

CommandShape command_shape(const CommandLine& spec) {
  return CommandShape{spec.prog, spec.description, option_shapes(spec), spec.positionals};
}

namespace {

bool is_negative_number(const std::string& tok) {
  static const std::regex k_negative(R"(^-\d+$|^-\d*\.\d+$)");
  return std::regex_match(tok, k_negative);
}

// One token classified the way argparse's _parse_optional does.
struct Classified {
  enum class Kind { positional, option, unknown, ambiguous };
  Kind kind = Kind::positional;
  const OptionInfo* option = nullptr;
  std::string used;                           // the option string as matched ("--lines", "-n")
  std::optional<std::string> explicit_value;  // after '=' or glued to a short option
  std::string ambiguous_matches;              // "--reset, --reset-counters"
};

Classified classify(const std::string& tok, const std::vector<OptionInfo>& table) {
  Classified c;
  if (tok.size() < 2 || tok[0] != '-') return c;
  if (tok.starts_with("--")) {
    const size_t eq = tok.find('=');
    const std::string key = tok.substr(2, eq == std::string::npos ? std::string::npos : eq - 2);
    if (eq != std::string::npos) c.explicit_value = tok.substr(eq + 1);
    std::vector<const OptionInfo*> prefixed;
    for (const auto& o : table) {
      if (o.long_name == key) {
        c.kind = Classified::Kind::option;
        c.option = &o;
        c.used = "--" + o.long_name;
        return c;
      }
      if (!key.empty() && o.long_name.starts_with(key)) prefixed.push_back(&o);
    }
    if (prefixed.size() == 1) {
      c.kind = Classified::Kind::option;
      c.option = prefixed.front();
      c.used = "--" + prefixed.front()->long_name;
      return c;
    }
    if (prefixed.size() > 1) {
      c.kind = Classified::Kind::ambiguous;
      for (const auto* o : prefixed) {
        c.ambiguous_matches += (c.ambiguous_matches.empty() ? "--" : ", --") + o->long_name;
      }
      return c;
    }
  } else {
    for (const auto& o : table) {
      if (o.short_name != 0 && o.short_name == tok[1]) {
        c.kind = Classified::Kind::option;
        c.option = &o;
        c.used = std::string("-") + o.short_name;
        if (tok.size() > 2) c.explicit_value = tok.substr(2);
        return c;
      }
    }
  }
  // Neither an option nor its prefix: argparse treats negative numbers and words with spaces
  // as arguments, anything else as an unknown option.
  if (is_negative_number(tok) || tok.find(' ') != std::string::npos) return c;
  c.kind = Classified::Kind::unknown;
  c.explicit_value.reset();
  return c;
}

bool looks_like_option(const std::string& tok, const std::vector<OptionInfo>& table) {
  if (tok == "--") return true;
  return classify(tok, table).kind != Classified::Kind::positional;
}

class Parser {
 public:
  Parser(const CommandLine& spec, const std::vector<std::string>& tokens)
      : spec_(spec), tokens_(tokens), table_(option_table(spec.options)) {
    usage_ = format_usage(spec, help_width());
  }

  Args run() {
    Args args;
    args.usage = usage_;
    args.prog = spec_.prog;
    const bool has_remainder =
        std::any_of(spec_.positionals.begin(), spec_.positionals.end(),
                    [](const Positional& p) { return p.arity == Positional::Arity::remainder; });
    std::vector<std::string> positionals;
    size_t i = 0;
    for (; i < tokens_.size(); ++i) {
      const std::string& tok = tokens_[i];
      if (tok == "--") {
        positionals.insert(positionals.end(), tokens_.begin() + static_cast<long>(i) + 1,
                           tokens_.end());
        i = tokens_.size();
        break;
      }
      const bool in_command = has_remainder && !positionals.empty();
      Classified c = classify(tok, table_);
      if (in_command && c.kind != Classified::Kind::option) {
        // The first word that is not one of start's options begins the command.
        break;
      }
      switch (c.kind) {
        case Classified::Kind::positional:
          positionals.push_back(tok);
          continue;
        case Classified::Kind::unknown:
          extras_.push_back(tok);
          continue;
        case Classified::Kind::ambiguous:
          fail("ambiguous option: " + tok + " could match " + c.ambiguous_matches);
        case Classified::Kind::option:
          break;
      }
      if (c.option->long_name == "help") {
        args.help = true;
        return args;
      }
      if (consume_option(c, i)) {
        args.help = true;
        return args;
      }
    }
    if (i < tokens_.size())
      positionals.insert(positionals.end(), tokens_.begin() + static_cast<long>(i), tokens_.end());

    assign_positionals(positionals, args);
    // An option declared with a vector value is argparse's action="append": every occurrence
    // is kept, in order. The values are stored as they are: program_options would refuse an
    // empty one ("--env="), which argparse takes.
    std::map<std::string, std::vector<std::string>> appended;
    for (const auto& [key, value] : stored_) {
      if (appends(key)) {
        appended[key].push_back(value.value_or(""));
      } else {
        store(key, value, args.vm);
      }
    }
    for (auto& [key, values] : appended) {
      args.vm.insert({key, po::variable_value(boost::any(std::move(values)), false)});
    }
    try {
      po::store(po::parsed_options(&spec_.options), args.vm);  // defaults
      po::notify(args.vm);
    } catch (const po::error& e) {
      fail(e.what());
    }
    return args;
  }

 private:
  [[noreturn]] void fail(const std::string& message) const {
    throw UsageError(message, usage_, spec_.prog);
  }

  // Consumes option `c` at tokens_[i] (and maybe its value); returns true for a clustered -h.
  bool consume_option(Classified c, size_t& i) {
    for (;;) {
      const OptionInfo& o = *c.option;
      check_exclusive(o);
      if (o.takes_value) {
        std::string value;
        if (c.explicit_value) {
          value = *c.explicit_value;
        } else if (i + 1 < tokens_.size() && !looks_like_option(tokens_[i + 1], table_)) {
          value = tokens_[++i];
        } else {
          fail("argument " + o.display() + ": expected one argument");
        }
        if (!o.choices.empty() &&
            std::find(o.choices.begin(), o.choices.end(), value) == o.choices.end()) {
          std::string list;
          for (const auto& ch : o.choices) {
            list += list.empty() ? "'" : ", '";
            list += ch;
            list += '\'';
          }
          fail("argument " + o.display() + ": invalid choice: '" + value + "' (choose from " +
               list.append(")"));
        }
        record(o.long_name, value);
        return false;
      }
      record(o.long_name, std::nullopt);
      if (!c.explicit_value) return false;
      // A flag with text after it: `-fy` is `-f -y`; `--force=x` is an error.
      const std::string& extra = *c.explicit_value;
      if (c.used.starts_with("--") || extra.empty()) {
        fail("argument " + o.display() + ": ignored explicit argument '" + extra + "'");
      }
      Classified next = classify(std::string("-") + extra, table_);
      if (next.kind != Classified::Kind::option || next.used.starts_with("--")) {
        fail("argument " + o.display() + ": ignored explicit argument '" + extra + "'");
      }
      if (next.option->long_name == "help") return true;
      c = next;
    }
  }

  bool appends(const std::string& key) const {
    const auto it = std::find_if(table_.begin(), table_.end(),
                                 [&](const OptionInfo& t) { return t.long_name == key; });
    return it != table_.end() && dynamic_cast<const po::typed_value<std::vector<std::string>>*>(
                                     it->desc->semantic().get()) != nullptr;
  }

  void record(const std::string& key, std::optional<std::string> value) {
    // argparse: the last occurrence wins (except for an appending option).
    if (!appends(key)) std::erase_if(stored_, [&](const auto& kv) { return kv.first == key; });
    stored_.emplace_back(key, std::move(value));
    seen_.push_back(key);
  }

  void check_exclusive(const OptionInfo& o) {
    for (const auto& [a, b] : spec_.exclusive) {
      const std::string* other = o.long_name == a ? &b : o.long_name == b ? &a : nullptr;
      if (other == nullptr) continue;
      if (std::find(seen_.begin(), seen_.end(), *other) == seen_.end()) continue;
      const auto it = std::find_if(table_.begin(), table_.end(),
                                   [&](const OptionInfo& t) { return t.long_name == *other; });
      fail("argument " + o.display() + ": not allowed with argument " + it->display());
    }
  }

  void store(const std::string& key, const std::optional<std::string>& value,
             po::variables_map& vm) const {
    if (value && value->empty()) {
      // program_options refuses "--key=" (no value after '='); argparse takes an empty string
      // for a string option and reports a bad number for any other.
      const auto it = std::find_if(table_.begin(), table_.end(),
                                   [&](const OptionInfo& t) { return t.long_name == key; });
      const auto* semantic = it->desc->semantic().get();
      if (dynamic_cast<const po::typed_value<std::string>*>(semantic) != nullptr) {
        vm.insert({key, po::variable_value(boost::any(std::string()), false)});
        return;
      }
      const char* type = dynamic_cast<const po::typed_value<double>*>(semantic) ? "float" : "int";
      fail("argument " + it->display() + ": invalid " + type + " value: ''");
    }
    const std::string token = "--" + key + (value ? "=" + *value : "");
    try {
      po::store(
          po::command_line_parser(std::vector<std::string>{token})
              .options(spec_.options)
              .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
              .run(),
          vm);
    } catch (const po::invalid_option_value&) {
      const auto it = std::find_if(table_.begin(), table_.end(),
                                   [&](const OptionInfo& t) { return t.long_name == key; });
      const auto* semantic = it->desc->semantic().get();
      const char* type = dynamic_cast<const po::typed_value<double>*>(semantic) ? "float" : "int";
      fail("argument " + it->display() + ": invalid " + type + " value: '" + value.value_or("") +
           "'");
    } catch (const po::error& e) {
      fail(e.what());
    }
  }

  void assign_positionals(std::vector<std::string> words, Args& args) {
    size_t w = 0;
    std::vector<std::string> missing;
    for (const Positional& pos : spec_.positionals) {
      switch (pos.arity) {
        case Positional::Arity::one:
          if (w < words.size()) {
            args.positionals.push_back(words[w++]);
          } else {
            missing.emplace_back(pos.name);
          }
          break;
        case Positional::Arity::optional:
          if (w < words.size()) args.positionals.push_back(words[w++]);
          break;
        case Positional::Arity::many:
          while (w < words.size()) args.positionals.push_back(words[w++]);
          break;
        case Positional::Arity::some:
          if (w == words.size()) missing.emplace_back(pos.name);
          while (w < words.size()) args.positionals.push_back(words[w++]);
          break;
        case Positional::Arity::remainder:
          // Not consumed when an earlier positional is missing (argparse matches none then).
          if (!missing.empty()) {
            missing.emplace_back(pos.name);
          } else {
            args.rest.assign(words.begin() + static_cast<long>(w), words.end());
            w = words.size();
          }
          break;
      }
    }
    if (!missing.empty()) {
      std::string list;
      for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
      fail("the following arguments are required: " + list);
    }
    for (; w < words.size(); ++w) extras_.push_back(words[w]);
    if (!extras_.empty()) {
      std::string list;
      for (const auto& e : extras_) list += (list.empty() ? "" : " ") + e;
      fail("unrecognized arguments: " + list);
    }
  }

  const CommandLine& spec_;
  const std::vector<std::string>& tokens_;
  std::vector<OptionInfo> table_;
  std::string usage_;
  std::vector<std::pair<std::string, std::optional<std::string>>> stored_;
  std::vector<std::string> seen_;
  std::vector<std::string> extras_;
};

// argparse's HelpFormatter._format_usage line breaking.
std::vector<std::string> wrap_parts(const std::vector<std::string>& parts,
                                    const std::string& indent, const std::string* prefix,
                                    int text_width) {
  std::vector<std::string> lines;
  std::vector<std::string> line;
  int line_len = static_cast<int>(prefix ? prefix->size() : indent.size()) - 1;
  auto flush = [&] {
    std::string text = indent;
    for (size_t i = 0; i < line.size(); ++i) text += (i ? " " : "") + line[i];
    lines.push_back(text);
    line.clear();
  };
  for (const auto& part : parts) {
    if (line_len + 1 + static_cast<int>(part.size()) > text_width && !line.empty()) {
      flush();
      line_len = static_cast<int>(indent.size()) - 1;
    }
    line.push_back(part);
    line_len += static_cast<int>(part.size()) + 1;
  }
  if (!line.empty()) flush();
  if (prefix && !lines.empty()) lines[0] = lines[0].substr(indent.size());
  return lines;
}

std::string option_usage_part(const OptionInfo& o) {
  std::string s = o.short_name ? std::string("-") + o.short_name : "--" + o.long_name;
  if (o.takes_value) s += " " + o.metavar;
  return s;
}

std::string invocation(const OptionInfo& o) {
  std::string s;
  if (o.short_name) {
    s = std::string("-") + o.short_name;
    if (o.takes_value) s += " " + o.metavar;
    s += ", ";
  }
  s += "--" + o.long_name;
  if (o.takes_value) s += " " + o.metavar;
  return s;
}

// Greedy word wrap of `text` to `width` columns (argparse's textwrap).
std::vector<std::string> wrap_text(const std::string& text, int width) {
  std::vector<std::string> lines;
  std::string line;
  size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && text[pos] == ' ') ++pos;
    if (pos >= text.size()) break;
    size_t end = text.find(' ', pos);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(pos, end - pos);
    pos = end;
    if (!line.empty() && static_cast<int>(line.size() + 1 + word.size()) > width) {
      lines.push_back(line);
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

void Args::fail(const std::string& message) const { throw UsageError(message, usage, prog); }

Args parse_command_line(const CommandLine& spec, const std::vector<std::string>& tokens) {
  return Parser(spec, tokens).run();
}

int help_width() { return terminal_columns() - 2; }

std::string format_usage(const CommandLine& spec, int width) {
  const auto table = option_table(spec.options);
  std::vector<std::string> opt_parts, pos_parts;
  std::vector<std::string> grouped;
  for (const auto& o : table) {
    if (std::find(grouped.begin(), grouped.end(), o.long_name) != grouped.end()) continue;
    std::string part = "[" + option_usage_part(o);
    for (const auto& pair : spec.exclusive) {
      if (pair.first != o.long_name) continue;
      const std::string& partner = pair.second;
      const auto it = std::find_if(table.begin(), table.end(),
                                   [&](const OptionInfo& t) { return t.long_name == partner; });
      if (it == table.end()) continue;
      part += " | " + option_usage_part(*it);
      grouped.push_back(partner);
    }
    opt_parts.push_back(part + "]");
  }
  for (const auto& p : spec.positionals) {
    switch (p.arity) {
      case Positional::Arity::one:
        pos_parts.emplace_back(p.name);
        break;
      case Positional::Arity::optional:
        pos_parts.push_back("[" + std::string(p.name) + "]");
        break;
      case Positional::Arity::many:
        pos_parts.push_back("[" + std::string(p.name) + " ...]");
        break;
      case Positional::Arity::some:
        pos_parts.push_back(std::string(p.name) + " [" + std::string(p.name) + " ...]");
        break;
      case Positional::Arity::remainder:
        pos_parts.emplace_back("...");
        break;
    }
  }
  const std::string prefix = "usage: ";
  std::string flat = spec.prog;
  for (const auto& p : opt_parts) flat += " " + p;
  for (const auto& p : pos_parts) flat += " " + p;
  if (static_cast<int>(prefix.size() + flat.size()) <= width) return prefix + flat + "\n";
  std::vector<std::string> lines;
  if (static_cast<double>(prefix.size() + spec.prog.size()) <= 0.75 * width) {
    const std::string indent(prefix.size() + spec.prog.size() + 1, ' ');
    std::vector<std::string> first{spec.prog};
    if (!opt_parts.empty()) {
      first.insert(first.end(), opt_parts.begin(), opt_parts.end());
      lines = wrap_parts(first, indent, &prefix, width);
      auto more = wrap_parts(pos_parts, indent, nullptr, width);
      lines.insert(lines.end(), more.begin(), more.end());
    } else {
      first.insert(first.end(), pos_parts.begin(), pos_parts.end());
      lines = wrap_parts(first, indent, &prefix, width);
    }
  } else {
    const std::string indent(prefix.size(), ' ');
    std::vector<std::string> all = opt_parts;
    all.insert(all.end(), pos_parts.begin(), pos_parts.end());
    lines = wrap_parts(all, indent, nullptr, width);
    lines.insert(lines.begin(), spec.prog);
  }
  std::string out = prefix;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out + "\n";
}

std::string format_help(const CommandLine& spec, int width) {
  const auto table = option_table(spec.options);
  std::vector<std::pair<std::string, std::string>> positional_rows, option_rows;
  for (const auto& p : spec.positionals) positional_rows.emplace_back(p.name, p.help);
  for (const auto& o : table) {
    option_rows.emplace_back(invocation(o), o.long_name == "help"
                                                ? "show this help message and exit"
                                                : o.desc->description());
  }
  size_t longest = 0;
  for (const auto* rows : {&positional_rows, &option_rows}) {
    for (const auto& r : *rows) longest = std::max(longest, r.first.size() + 2);
  }
  const int max_help_position = std::min(24, std::max(width - 20, 4));
  const int help_position = std::min(static_cast<int>(longest) + 2, max_help_position);
  const int help_width = std::max(width - help_position, 11);
  const int action_width = help_position - 2 - 2;
  auto section = [&](const char* title, const auto& rows) {
    std::string out = std::string("\n") + title + ":\n";
    for (const auto& [inv, help] : rows) {
      const auto help_lines = wrap_text(help, help_width);
      std::string line = "  " + inv;
      if (help_lines.empty()) {
        out += line + "\n";
        continue;
      }
      if (static_cast<int>(inv.size()) <= action_width) {
        line += std::string(static_cast<size_t>(action_width) - inv.size() + 2, ' ');
        out += line + help_lines[0] + "\n";
      } else {
        out += line + "\n" + std::string(static_cast<size_t>(help_position), ' ') + help_lines[0] +
               "\n";
      }
      for (size_t i = 1; i < help_lines.size(); ++i) {
        out += std::string(static_cast<size_t>(help_position), ' ') + help_lines[i] + "\n";
      }
    }
    return out;
  };
  std::string out = format_usage(spec, width);
  if (!spec.description.empty()) {
    // argparse fills the description to the help width, as it does every help text.
    out += "\n";
    for (const auto& line : wrap_text(spec.description, width)) out += line + "\n";
  }
  if (!positional_rows.empty()) out += section("positional arguments", positional_rows);
  out += section("options", option_rows);
  return out;
}

}  // namespace bgo::client
