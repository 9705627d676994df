// SPDX-License-Identifier: MIT
// bgo completion bash|zsh|fish (issue #19, docs/completions.md): the script for a shell, made
// from the command table; `--names` prints the registered process names for the scripts.
#include <algorithm>
#include <dirent.h>
#include <filesystem>
#include <iostream>
#include <unistd.h>

#include <boost/program_options.hpp>

#include "client/command.hpp"
#include "client/commands/common.hpp"
#include "client/completion.hpp"
#include "common/home_dir.hpp"
#include "common/name.hpp"

namespace bgo::client {

int cmd_completion(Context& ctx, const std::vector<std::string>& tokens) {
  CommandLine spec = command_line(
      "completion",
      "Print the completion script for a shell: bash, zsh or fish. install.sh installs them;\n"
      "by hand: source <(bgo completion bash) in ~/.bashrc, bgo completion zsh > _bgo in a\n"
      "folder of $fpath, bgo completion fish > ~/.config/fish/completions/bgo.fish.");
  spec.options.add_options()("names", "Print the registered process names, one per line");
  spec.positionals = {
      {"shell", Positional::Arity::optional, "{bash,zsh,fish}: the shell to complete for"}};
  auto args = parse_or_help(spec, tokens);
  if (!args) return 0;
  if (args->has("names")) {
    // The names of the state files: no file is read and bgod is not asked (nor started), so
    // a completion stays fast with many processes.
    // procs/ is opened as a checked folder (trust on disk); a home that is missing or not
    // trusted has no names to offer.
    std::vector<std::string> names;
    auto dirs = open_home(ctx.paths(), CreateDirs::no);
    DIR* dir = dirs ? ::fdopendir(::dup(dirs->procs.get())) : nullptr;
    for (const dirent* e = dir != nullptr ? ::readdir(dir) : nullptr; e != nullptr;
         e = ::readdir(dir)) {
      const std::filesystem::path file(e->d_name);
      if (file.extension() != ".json") continue;
      std::string name = file.stem().string();
      if (is_valid_name(name)) names.push_back(std::move(name));
    }
    if (dir != nullptr) ::closedir(dir);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) std::cout << name << "\n";
    return 0;
  }
  if (args->positionals.empty()) args->fail("the following arguments are required: shell");
  const std::string& shell = args->positionals.front();
  if (shell != "bash" && shell != "zsh" && shell != "fish") {
    args->fail("argument shell: invalid choice: '" + shell +
               "' (choose from 'bash', 'zsh', 'fish')");
  }
  const auto commands = completion_commands(ctx);
  if (shell == "bash") std::cout << bash_completion(commands);
  if (shell == "zsh") std::cout << zsh_completion(commands);
  if (shell == "fish") std::cout << fish_completion(commands);
  return 0;
}

}  // namespace bgo::client
