// SPDX-License-Identifier: MIT
// The explicit command table (no static-initialiser registration).
#include "client/command.hpp"

namespace bgo::client {

const std::vector<Command>& command_registry() {
  static const std::vector<Command> k_commands = {
      {"start", {"open"}, "Start a process", cmd_start},
      {"stop", {"kill"}, "Stop a process", cmd_stop},
      {"restart", {}, "Restart a process", cmd_restart},
      {"watch", {}, "Attach a watcher to an existing running process", cmd_watch},
      {"unwatch", {}, "Detach watcher from a process (keeps proc running)", cmd_unwatch},
      {"restart-stopped", {}, "Restart stopped processes", cmd_restart_stopped},
      {"restart-last", {}, "Restart processes ordered by most recent", cmd_restart_last},
      {"status", {"ls", "list"}, "Show process status", cmd_status},
      {"show", {"describe"}, "Show one process in detail", cmd_show},
      {"jlist", {}, "Every process as JSON", cmd_jlist},
      // Not a known command for dispatch (`bgo env CMD…` stays direct mode for /usr/bin/env):
      // run_direct routes `bgo env NAME` here.
      {"env", {}, "Print the recorded environment of a process", cmd_env},
      {"logs", {}, "View process logs", cmd_logs},
      {"follow", {"tail"}, "Follow logs (shorthand for logs -f)", cmd_follow},
      {"flush", {}, "Empty the logs of one or every process", cmd_flush},
      {"clean", {}, "Remove stopped processes from list", cmd_clean},
      {"resurrect", {}, "Restart all processes that were running before shutdown", cmd_resurrect},
      {"delete", {"rm"}, "Delete a process completely", cmd_delete},
      {"autostart", {}, "Per-process autostart policy", cmd_autostart},
      {"daemon", {}, "Control bgod itself", cmd_daemon},
      {"startup", {}, "Start bgod at login (systemd user units)", cmd_startup},
      {"unstartup", {}, "Stop starting bgod at login (removes the units)", cmd_unstartup},
      {"import",
       {},
       "Convert a Procfile, pm2, supervisord or process-compose file to bgo.yaml",
       cmd_import},
      {"up", {}, "Start a bgo.yaml's processes in order (only what changed)", cmd_up},
      {"down", {}, "Stop a project's processes, dependents first", cmd_down},
      {"config", {}, "Check a bgo.yaml and print it normalised", cmd_config},
      {"completion", {}, "Print the shell completion script (bash, zsh, fish)", cmd_completion},
      {"ps", {}, "Show the status of a project's processes", cmd_ps},
      {"save", {}, "Write the registered processes as a bgo.yaml", cmd_save},
      {"metrics", {}, "Print bgod's metrics (OpenMetrics text)", cmd_metrics},
      {"export", {}, "Write the application for systemd, Kubernetes, Nomad or Compose", cmd_export},
      {"monit", {"top"}, "A live full-screen view to watch and drive every process", cmd_monit},
  };
  return k_commands;
}

}  // namespace bgo::client
