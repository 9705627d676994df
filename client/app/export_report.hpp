// SPDX-License-Identifier: MIT
// EXPORT-REPORT.md: one row per setting of every process (instance groups as one), each saying
// what it became in the target or why it did not carry over. The rows exist before an exporter
// runs, so a setting it forgets shows up as unresolved rather than vanishing.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/app/process_groups.hpp"

namespace bgo::app {

// One setting of a process as the report names it: `key` ("restart", "stop.signal",
// "depends_on: db") and the bgo value ("on-failure", "SIGINT", "ready").
struct Setting {
  std::string key;
  std::string value;
};

// Every setting `group` has, in the order of docs/bgo-file.md's normalised form: those with a
// value after normalisation (defaults included), none of the unset optional ones.
std::vector<Setting> settings_of(const ProcessGroup& group,
                                 const std::map<std::string, std::string>& group_of);

// "postgres -D ./data", words quoted as a shell would need ('a b').
std::string display_command(const std::vector<std::string>& argv);

class ExportReport {
 public:
  // A row per setting of each group, none resolved.
  ExportReport(const std::vector<ProcessGroup>& groups,
               const std::map<std::string, std::string>& group_of);

  // The row `key` of `process` became `became` in the target (a short text; `…` marks code).
  // A key settings_of() did not list (the process has no such setting) is ignored: the rows
  // are the settings, and one an exporter misses stays unresolved.
  void carried(const std::string& process, std::string_view key, std::string became);
  // The row did not carry over, because `why`.
  void dropped(const std::string& process, std::string_view key, std::string why);
  // A remark for the whole export (addresses, what to check before deploying...).
  void note(std::string text);
  // A file the export writes, listed at the end.
  void file(std::string path);

  // "process: key" of every row neither carried() nor dropped(): an exporter's bug.
  std::vector<std::string> unresolved() const;
  int carried_count() const;
  int dropped_count() const;

  // The Markdown text: a title naming `project` and `target`, `source`, the table, the counts,
  // the notes and the files.
  std::string markdown(std::string_view project, std::string_view target,
                       std::string_view source) const;

 private:
  struct Row {
    std::string process;
    Setting setting;
    std::string became;
    bool resolved = false;
    bool carried = false;
  };
  Row* row(const std::string& process, std::string_view key);  // nullptr when none

  std::vector<Row> rows_;
  std::map<std::pair<std::string, std::string>, size_t> index_;  // (process, key) -> row
  std::vector<std::string> notes_;
  std::vector<std::string> files_;
};

}  // namespace bgo::app
