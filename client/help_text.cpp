// SPDX-License-Identifier: MIT
// top_level_help: the text as data, laid out for one width.
#include "client/help_text.hpp"

#include <array>
#include <string_view>

#include "client/render/text.hpp"

namespace bgo::client {
namespace {

struct Entry {
  std::string_view term;  // a command (with its aliases) or an example invocation
  std::string_view text;  // its summary, or the example's comment ("" for none)
};

constexpr std::array k_usage = std::to_array<std::string_view>({
    "bgo [-h] [--version] <command> [options] ...",
    "bgo [-w] <name> -- <command> [args...]",
    "bgo [-w] <command> [args...]",
});

constexpr std::string_view k_description =
    "A lightweight background process manager: bgod supervises, bgo talks to it.";

constexpr std::array k_commands = std::to_array<Entry>({
    {"start (open)", "Start a process"},
    {"stop (kill)", "Stop a process"},
    {"restart", "Restart a process"},
    {"watch", "Attach a watcher to an existing running process"},
    {"unwatch", "Detach watcher from a process (keeps proc running)"},
    {"restart-stopped", "Restart stopped processes (menu, --all or names)"},
    {"restart-last", "Restart the most recent ones (menu or --all)"},
    {"status (ls, list)", "Show process status"},
    {"monit (top)", "A live full-screen view: watch and drive every process (? for keys)"},
    {"show (describe)", "Show one process in detail (= status NAME)"},
    {"jlist", "Every process as JSON (= status --json)"},
    {"env NAME", "Print the environment NAME was started with"},
    {"logs", "View process logs"},
    {"follow (tail)", "Follow logs (shorthand for logs -f)"},
    {"flush", "Empty the logs of one or every process"},
    {"clean", "Remove stopped processes from list"},
    {"resurrect", "Restart what was running before shutdown"},
    {"delete (rm)", "Delete a process completely"},
    {"autostart",
     "Per-process autostart policy: set NAME POLICY, show NAME (install, uninstall, status: "
     "as startup, unstartup, startup --status)"},
    {"daemon", "Control bgod itself (status, stop, start, restart, upgrade)"},
    {"startup", "Start bgod at login via systemd user units (--status)"},
    {"unstartup", "Remove the units again (bgod then starts on demand)"},
    {"up [NAME...]",
     "Start the processes of bgo.yaml (or -f FILE, also a Procfile, pm2, supervisord or "
     "process-compose file) in dependency order; a second up restarts only what changed "
     "(--dry-run, --no-deps, --remove-orphans)"},
    {"down [NAME...]", "Stop the project's processes, dependents first (--delete)"},
    {"config", "Check a bgo.yaml and print it normalised (-f FILE, --json)"},
    {"ps", "Status of the project of bgo.yaml (-f FILE, --project NAME)"},
    {"save [NAME...]", "Write what runs as a bgo.yaml that bgo up starts again (-o FILE, --force)"},
    {"metrics", "Print bgod's metrics in the OpenMetrics text format (Prometheus)"},
    {"import FORMAT FILE",
     "Convert a Procfile, pm2 ecosystem, supervisord or process-compose file into a bgo.yaml "
     "(-o FILE; what has no equivalent goes to stderr)"},
    {"completion SHELL", "Print the completion script for bash, zsh or fish"},
    {"export TARGET",
     "Write the application (bgo.yaml, or --running) as systemd units, Kubernetes objects, a "
     "Nomad job or a compose file, with EXPORT-REPORT.md of what did not carry over (-o DIR)"},
    {"help", "Show help for a command"},
});

constexpr std::array k_examples = std::to_array<Entry>({
    {"bgo python3 server.py", "Auto-named 'python3'"},
    {"bgo myapp python3 server.py --port 8080", "Start with explicit name"},
    {"bgo start myapp -- python3 server.py", "Explicit start command"},
    {"bgo start myapp --autostart never -- python3 server.py", ""},
    {"bgo open myapp -- python3 server.py", "Same as start"},
    {"bgo myapp -- ./api-server --port 8080", "Name + command with --"},
    {"bgo status", "Show all processes"},
    {"bgo status myapp", "Show details for myapp"},
    {"bgo logs myapp", "View logs"},
    {"bgo logs myapp -f", "Follow logs"},
    {"bgo follow myapp", "Same as logs -f"},
    {"bgo stop myapp", "Stop process"},
    {"bgo kill myapp", "Same as stop"},
    {"bgo stop myapp --force", "Force kill"},
    {"bgo restart myapp", "Restart process"},
    {"bgo restart-stopped", "Menu of the stopped processes"},
    {"bgo restart-stopped --all", "Restart every stopped proc"},
    {"bgo restart-stopped foo bar", "Restart these stopped procs"},
    {"bgo restart-last", "Menu, most recent first"},
    {"bgo restart-last --all", "All, most recent first"},
    {"bgo delete myapp", "Delete process"},
    {"bgo rm myapp", "Same as delete"},
    {"bgo clean", "Remove all stopped processes"},
    {"bgo resurrect", "Restart procs after reboot"},
    {"bgo autostart set myapp never", "Keep myapp down at bgod start"},
    {"bgo autostart show myapp", "Show myapp's autostart policy"},
    {"bgo startup", "Start bgod at login"},
    {"bgo startup --status", "Is the start at login set up?"},
});

constexpr std::array k_watch_examples = std::to_array<Entry>({
    {"bgo start -w myapp -- python3 server.py", "Start with auto-restart"},
    {"bgo -w myapp python3 server.py", "Direct mode with watch"},
    {"bgo watch myapp", "Watch a running process"},
    {"bgo watch myapp --interval 5 --min-uptime 3", "Custom watch settings"},
    {"bgo unwatch myapp", "Detach watcher"},
    {"bgo logs myapp --watcher", "View watcher events"},
});

constexpr std::string_view k_environment =
    "Environment: BGO_HOME (default ~/.bgo), BGO_TABLE (plain|normal|fancy), NO_COLOR (or "
    "--no-color), CLICOLOR_FORCE=1 (colour into a pipe too), COLUMNS, BGO_NO_AUTOSTART=1 (never "
    "start bgod; read-only commands then read the files).";

constexpr std::size_t k_summary_column = 23;  // where argparse puts a command's summary
constexpr std::size_t k_comment_column = 47;  // where the examples' comments start
constexpr std::size_t k_narrowest_text = 16;  // less beside a term: the text goes below it
constexpr std::size_t k_below_indent = 6;     // ... indented this much

// "  term", then `text` in a column at `column` as argparse lays out its help: on the term's
// line when the term leaves two spaces before the column, else on the next line; when the
// column leaves less than k_narrowest_text, below the term and indented k_below_indent. A
// continued text starts each line with `lead` again ("# " for a comment).
std::string entry(const Entry& e, std::size_t column, std::size_t width, std::string_view lead) {
  const std::string below(k_below_indent, ' ');
  // A command longer than the line wraps at its spaces (a help text is not a script).
  std::string out = fill(e.term, width, "  ", below);
  if (e.text.empty()) return out;
  const std::string text = std::string(lead) + std::string(e.text);
  const auto indented = [&](std::size_t indent) {
    const std::string pad(indent, ' ');
    return fill(text, width, pad, pad + std::string(lead));
  };
  if (width < column + k_narrowest_text) return out + indented(k_below_indent);
  out.pop_back();  // the term's last line may take the text
  const std::size_t newline = out.rfind('\n');
  const std::size_t start = newline == std::string::npos ? 0 : newline + 1;
  const std::string last = out.substr(start);
  out.erase(start);
  if (visible_width(last) + 2 > column) return out + last + "\n" + indented(column);
  return out +
         fill(text, width, pad_right(last, column), std::string(column, ' ') + std::string(lead));
}

}  // namespace

std::string top_level_help(std::size_t width) {
  std::string out;
  for (std::size_t i = 0; i < k_usage.size(); ++i) {
    out += fill(k_usage[i], width, i == 0 ? "usage: " : "       ", std::string(11, ' '));
  }
  out += "\n" + fill(k_description, width, "", "");
  out += "\nCommands:\n";
  for (const Entry& e : k_commands) out += entry(e, k_summary_column, width, "");
  out += "\nExamples:\n";
  for (const Entry& e : k_examples) out += entry(e, k_comment_column, width, "# ");
  out += "\nWatch mode (auto-restart on crash):\n";
  for (const Entry& e : k_watch_examples) out += entry(e, k_comment_column, width, "# ");
  out += "\n" + fill(k_environment, width, "", "");
  return out;
}

}  // namespace bgo::client
