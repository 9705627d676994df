// SPDX-License-Identifier: MIT
// Numbered lines in a log ("seq 1", "seq 2", …): how often each occurs, and the check that
// each of 1..n is there exactly once.
#pragma once

#include <algorithm>
#include <map>
#include <string>

#include <gtest/gtest.h>

namespace bgo::test {

// How often "<word> K" occurs in `text`, for each K.
inline std::map<long, int> numbered(const std::string& text, const std::string& word) {
  std::map<long, int> out;
  size_t at = 0;
  const std::string head = word + " ";
  while (at < text.size()) {
    const size_t end = std::min(text.find('\n', at), text.size());
    if (text.compare(at, head.size(), head) == 0) ++out[std::stol(text.substr(at + head.size()))];
    at = end + 1;
  }
  return out;
}

// Every number from 1 to `n` exactly once, and nothing else.
inline ::testing::AssertionResult once_each(const std::map<long, int>& seen, long n) {
  if (static_cast<long>(seen.size()) != n) {
    return ::testing::AssertionFailure() << seen.size() << " distinct lines, not " << n;
  }
  for (const auto& [k, count] : seen) {
    if (k < 1 || k > n || count != 1) {
      return ::testing::AssertionFailure() << "line " << k << " seen " << count << " times";
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace bgo::test
