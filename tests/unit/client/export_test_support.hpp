// SPDX-License-Identifier: MIT
// For the export tests: the complete example of docs/bgo-file.md as an AppSpec, as if its
// project lived in /srv/shop, and the golden files under tests/fixtures/export/TARGET/
// (BGO_UPDATE_GOLDEN=1 rewrites them from the current output).
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "client/app/bgo_file.hpp"
#include "client/app/export.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::app::export_test {

inline constexpr std::string_view k_root = "/srv/shop";

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The body of the first fenced block after the line that holds `marker`.
inline std::string block_after(const std::string& doc, const std::string& marker) {
  const size_t at = doc.find(marker);
  if (at == std::string::npos) return {};
  const size_t fence = doc.find("```", at);
  const size_t body = doc.find('\n', fence) + 1;
  const size_t end = doc.find("\n```", body);
  return doc.substr(body, end - body + 1);
}

inline std::string relocated(const std::string& path, const std::filesystem::path& from) {
  const std::string prefix = from.string();
  if (path.rfind(prefix, 0) != 0) return path;
  return std::string(k_root) + path.substr(prefix.size());
}

// Parses `yaml` (with `env` as its .env) in a temporary folder, then moves every path under
// it to /srv/shop, so the output is the same on every machine. Fails the test on a parse error.
inline AppSpec parse_app(const std::string& yaml, const std::string& env = "") {
  test::TempDir dir;
  if (!env.empty()) std::ofstream(dir.path() / ".env") << env;
  ParseOptions options;
  options.cwd = dir.path();
  // A fixed "now": a cron must match after it.
  options.now = std::chrono::system_clock::time_point(std::chrono::hours(24 * 365 * 55));
  auto app = parse_bgo_file(yaml, (dir.path() / "bgo.yaml").string(), options);
  if (!app) {
    ADD_FAILURE() << app.error().to_string();
    return {};
  }
  app->file = relocated(app->file, dir.path());
  for (auto& p : app->processes) p.cwd = relocated(p.cwd, dir.path());
  return std::move(*app);
}

// The complete example of docs/bgo-file.md and its .env.
inline AppSpec doc_example() {
  const std::string doc = read_text(std::string(BGO_SOURCE_DIR) + "/docs/bgo-file.md");
  return parse_app(block_after(doc, "<!-- example: bgo.yaml"),
                   block_after(doc, "<!-- example: .env -->"));
}

// Compares `files` with the folder tests/fixtures/export/`name`: the same names, the same
// bytes. With BGO_UPDATE_GOLDEN=1 in the environment, writes the folder instead.
inline void expect_golden(const std::string& name, const std::vector<ExportFile>& files) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(BGO_SOURCE_DIR) / "tests/fixtures/export" / name;
  const char* update = std::getenv("BGO_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    fs::remove_all(dir);
    for (const auto& f : files) {
      fs::create_directories((dir / f.path).parent_path());
      std::ofstream(dir / f.path) << f.text;
    }
    return;
  }
  std::set<std::string> expected;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) expected.insert(entry.path().lexically_relative(dir).string());
  }
  std::set<std::string> actual;
  for (const auto& f : files) {
    actual.insert(f.path);
    EXPECT_EQ(f.text, read_text(dir / f.path))
        << f.path << " differs from tests/fixtures/export/" << name
        << " (BGO_UPDATE_GOLDEN=1 rewrites the fixtures)";
  }
  EXPECT_EQ(actual, expected);
}

}  // namespace bgo::app::export_test
