// SPDX-License-Identifier: MIT
// Text helpers the tests share: lines of an output, a fenced block of a document.
#pragma once

#include <string>
#include <vector>

namespace bgo::test {

// The lines of `text`, without their '\n' (nor a '\r' before it); a last line without '\n'
// counts, an empty text has none.
inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(std::move(line));
    start = end + 1;
  }
  return out;
}

// The body of the first fenced (```) block after `marker` in the Markdown `doc`, with its last
// newline.
inline std::string fenced_block_after(const std::string& doc, const std::string& marker) {
  const size_t body = doc.find('\n', doc.find("```", doc.find(marker))) + 1;
  return doc.substr(body, doc.find("\n```", body) - body + 1);
}

}  // namespace bgo::test
