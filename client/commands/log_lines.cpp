// SPDX-License-Identifier: MIT
// LinePrefixer and LineAssembler.
#include "client/commands/log_lines.hpp"

#include <algorithm>
#include <array>

#include "client/render/text.hpp"

namespace bgo::client {

namespace {

constexpr std::array<Color, 4> k_palette = {Color::blue, Color::green, Color::yellow, Color::red};

}  // namespace

void LinePrefixer::add(const std::string& name) {
  if (colours_.find(name) != colours_.end()) return;
  colours_.emplace(name, colours_.size() % k_palette.size());
  width_ = std::max(width_, visible_width(name));
}

std::string LinePrefixer::prefix(const std::string& name) {
  if (prefixes_ == Prefixes::none) return {};
  add(name);
  return paint(style_, k_palette[colours_.at(name)], pad_right(name, width_)) + " | ";
}

std::string LineAssembler::add(const std::string& name, std::string_view stream,
                               std::string_view data) {
  std::string key = name;
  key += '\0';
  key += stream;
  auto it = held_.find(key);
  if (it == held_.end()) it = held_.emplace(std::move(key), Held{name, {}}).first;
  std::string& held = it->second.text;
  std::string out;
  while (!data.empty()) {
    const std::size_t nl = data.find('\n');
    if (nl == std::string_view::npos) {
      held.append(data);
      break;
    }
    out += prefixer_.prefix(name);
    out += held;
    out.append(data.substr(0, nl + 1));
    held.clear();
    data.remove_prefix(nl + 1);
  }
  if (held.size() > max_held_) {
    // A line with no end in sight (binary output, a progress bar without '\n').
    out += prefixer_.prefix(name) + held + "\n";
    held.clear();
  }
  return out;
}

std::string LineAssembler::finish() {
  std::string out;
  for (auto& [key, held] : held_) {
    if (held.text.empty()) continue;
    out += prefixer_.prefix(held.name) + held.text + "\n";
    held.text.clear();
  }
  return out;
}

}  // namespace bgo::client
