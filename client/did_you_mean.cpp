// SPDX-License-Identifier: MIT
// edit_distance / closest / closest_command / did_you_mean.
#include "client/did_you_mean.hpp"

#include <algorithm>

namespace bgo::client {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::vector<std::string> closest(std::string_view word, const std::vector<std::string>& candidates,
                                 std::size_t max_distance) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) {
    if (c == word) continue;
    const std::size_t d = edit_distance(word, c);
    const bool seen =
        std::any_of(scored.begin(), scored.end(), [&](const auto& s) { return s.second == c; });
    if (d <= max_distance && !seen) scored.emplace_back(d, c);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  std::vector<std::string> out;
  out.reserve(scored.size());
  for (auto& s : scored) out.push_back(std::move(s.second));
  return out;
}

std::string closest_command(std::string_view word, const std::vector<std::string>& commands) {
  std::vector<std::string> usable;
  for (const auto& c : commands) {
    if (c.size() >= 3) usable.push_back(c);
  }
  const auto found = closest(word, usable, word.size() <= 4 ? 1 : 2);
  return found.empty() ? std::string() : found.front();
}

std::string did_you_mean(const std::vector<std::string>& suggestions) {
  if (suggestions.empty()) return {};
  std::string out = " Did you mean '" + suggestions[0] + "'";
  if (suggestions.size() > 1) out += " or '" + suggestions[1] + "'";
  return out + "?";
}

}  // namespace bgo::client
