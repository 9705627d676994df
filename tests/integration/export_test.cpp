// SPDX-License-Identifier: MIT
// The real `bgo export` (issue #16), its output checked by the tools that consume it:
// `systemd-analyze verify` on every unit, `docker-compose config` (Debian's docker-compose,
// tools/deps.sh) on the compose file. Also the report on stdout, --force, and bad input
// (exit 1, nothing written).
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <spawn.h>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include "tests/integration/daemon_harness.hpp"
#include "tests/support/text.hpp"

namespace bgo::test {
namespace {

namespace fs = std::filesystem;

std::string doc_block(const std::string& marker) {
  return fenced_block_after(read_file(std::string(BGO_SOURCE_DIR) + "/docs/bgo-file.md"), marker);
}

// Runs a tool found on PATH with `env` added to this environment; stdout and stderr together
// in `out`. The tools used here finish on their own (ctest's timeout covers a hang).
RunResult run_tool(const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> env_strings;
  env_strings.reserve(env.size() + 64);
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv(*e);
    if (!env.contains(kv.substr(0, kv.find('=')))) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(std::string(k).append("=").append(v));
  std::vector<char*> envp;
  envp.reserve(env_strings.size() + 1);
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> raw;
  raw.reserve(args.size() + 1);
  for (auto& a : args) raw.push_back(a.data());
  raw.push_back(nullptr);
  int out[2];
  RunResult r;
  if (::pipe2(out, O_CLOEXEC) != 0) return r;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, out[1], 2);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, raw[0], &fa, nullptr, raw.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    ADD_FAILURE() << "cannot run " << argv[0] << ": " << std::strerror(rc);
    return r;
  }
  char buf[4096];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) {
    r.out.append(buf, static_cast<size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

// Where systemd looks for a program named without a path (`ExecStart=node ...`).
bool on_systemd_path(const std::string& program) {
  for (const char* dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin"}) {
    if (::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

class ExportTest : public DaemonTest {
 protected:
  void SetUp() override {
    DaemonTest::SetUp();
    project_ = home_.parent_path() / "shop";
    fs::create_directories(project_ / "api");
    fs::create_directories(project_ / "bin");
    write(".env", doc_block("<!-- example: .env -->"));
    write("bgo.yaml", doc_block("<!-- example: bgo.yaml"));
    // The example's own programs, so that systemd finds them.
    for (const char* name : {"bin/migrate", "bin/report"}) {
      write(name, "#!/bin/sh\n");
      fs::permissions(project_ / name, fs::perms::owner_all);
    }
  }

  void write(const std::string& name, const std::string& text) {
    std::ofstream(project_ / name) << text;
  }

  RunResult export_to(const std::string& target, const std::string& out,
                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {
        "export", target, "-f", (project_ / "bgo.yaml").string(), "-o", (project_ / out).string()};
    args.insert(args.end(), extra.begin(), extra.end());
    return bgo(args);
  }

  // `systemd-analyze verify` on every unit under `dir` (a template through its instances'
  // names, which also loads their drop-ins); its output, less the lines about `missing`.
  std::string verify_units(const fs::path& dir, bool user) {
    std::vector<std::string> argv = {"systemd-analyze", "verify"};
    if (user) argv.emplace_back("--user");
    for (const auto& entry : fs::directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_directory() && name.ends_with(".service.d")) {
        argv.push_back((dir / name.substr(0, name.size() - 2)).string());  // shop-api@0.service
      } else if (entry.is_regular_file() && name.find("@.") == std::string::npos &&
                 (name.ends_with(".service") || name.ends_with(".timer") ||
                  name.ends_with(".target"))) {
        argv.push_back(entry.path().string());
      }
    }
    // The user manager's verify needs a runtime folder (no session here).
    const fs::path runtime = home_.parent_path() / "runtime";
    fs::create_directories(runtime);
    fs::permissions(runtime, fs::perms::owner_all);
    const RunResult r = run_tool(argv, {{"XDG_RUNTIME_DIR", runtime.string()}});
    std::string left;
    for (const auto& line : lines_of(r.out)) {
      // The example's programs that this machine does not have (redis-server, caddy).
      const size_t at = line.find(": Command ");
      const size_t end = line.find(" is not executable: No such file or directory");
      if (at != std::string::npos && end != std::string::npos &&
          !on_systemd_path(line.substr(at + 10, end - at - 10))) {
        continue;
      }
      left += line + "\n";
    }
    return left;
  }

  fs::path project_;
};

TEST_F(ExportTest, SystemdUnitsOfTheExamplePassSystemdAnalyzeVerify) {
  const RunResult user = export_to("systemd", "user-units");
  ASSERT_EQ(user.code, 0) << user.err;
  EXPECT_TRUE(contains(user.out, "# Export of shop to systemd\n")) << user.out;
  EXPECT_TRUE(contains(user.out, "Wrote 14 files to ")) << user.out;
  // The report printed is the report written.
  const std::string report = read_file(project_ / "user-units/EXPORT-REPORT.md");
  EXPECT_EQ(user.out.substr(0, report.size()), report);
  EXPECT_EQ(verify_units(project_ / "user-units", true), "");

  const RunResult system =
      export_to("systemd", "system-units", {"--system", "--user-name", "root"});
  ASSERT_EQ(system.code, 0) << system.err;
  EXPECT_TRUE(contains(read_file(project_ / "system-units/shop-db.service"), "\nUser=root\n"));
  EXPECT_EQ(verify_units(project_ / "system-units", false), "");
  // The shared environment may hold secrets: its file is the owner's only.
  EXPECT_EQ(fs::status(project_ / "user-units/shop.env").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST_F(ExportTest, SystemdUnitsOfAwkwardInputPassVerifyWithoutAWord) {
  write("odd.bgo.yaml",
        "version: 1\n"
        "name: odd\n"
        "processes:\n"
        "  my app:\n"
        "    command: [/bin/sh, -c, 'echo \"50%\" $$HOME; exit 3', ';', '']\n"
        "    env: {GREETING: 'say \"hi\" 100%', EMPTY: ''}\n"
        "    success_codes: [3]\n"
        "    stop: {signal: SIGUSR1, timeout: 1500ms}\n"
        "    max_memory: 64M\n"
        "    watch: {on_fast_crash: stop}\n"
        "  tick:\n"
        "    command: [/bin/true]\n"
        "    restart: never\n"
        "    cron: '*/20 9-17 13 * fri'\n"
        "    depends_on: {my app: started}\n"
        "  pool:\n"
        "    command: [/bin/sleep, '1000']\n"
        "    instances: 3\n"
        "    env: {PORT: '7000'}\n"
        "    port_offset: true\n"
        "    ready: {notify: true}\n"
        "    watch: {on_fast_crash: retry}\n");
  const RunResult r = bgo({"export", "systemd", "-f", (project_ / "odd.bgo.yaml").string(), "-o",
                           (project_ / "odd").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::exists(project_ / "odd/odd-my\\x20app.service"));
  EXPECT_TRUE(fs::exists(project_ / "odd/odd-pool@2.service.d/port.conf"));
  EXPECT_EQ(verify_units(project_ / "odd", true), "");
}

TEST_F(ExportTest, TheComposeFilePassesDockerComposeConfig) {
  const RunResult r = export_to("compose", "compose",
                                {"--image", "registry.example/shop:1.0", "--image",
                                 "db=postgres:16", "--image", "cache=redis:7"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "# Export of shop to compose\n")) << r.out;
  // docker-compose 1.29 checks the file against the compose schema and resolves the anchors
  // and $$; -q prints nothing when it is valid.
  const RunResult config =
      run_tool({"docker-compose", "-f", (project_ / "compose/compose.yaml").string(), "config"});
  ASSERT_EQ(config.code, 0) << config.out;
  EXPECT_TRUE(contains(config.out, "      SECRET: p4$$word\n")) << config.out;  // one $ at run time
  EXPECT_TRUE(contains(config.out, "      replicas: 2\n")) << config.out;
  EXPECT_TRUE(contains(config.out, "        condition: service_completed_successfully\n"))
      << config.out;

  // No image for a container target: exit 1, nothing written.
  const RunResult refused = export_to("compose", "none");
  EXPECT_EQ(refused.code, 1);
  EXPECT_TRUE(contains(refused.err, "process 'db': image: a compose container needs an image"))
      << refused.err;
  EXPECT_FALSE(fs::exists(project_ / "none"));
  // --image is for container targets only: a usage error.
  EXPECT_EQ(export_to("systemd", "none", {"--image", "x"}).code, 2);
}

// The objects' fields are checked in tests/unit/client/export_kubernetes_test.cpp (kubectl needs
// a cluster); here the command: the files, their YAML, the report.
TEST_F(ExportTest, KubernetesObjectsAreWrittenPerProcess) {
  const RunResult r = export_to("kubernetes", "k8s", {"--image", "registry.example/shop:1.0"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Wrote 9 files to ")) << r.out;
  const auto api = YAML::LoadAllFromFile((project_ / "k8s/api.yaml").string());
  ASSERT_EQ(api.size(), 2U);
  EXPECT_EQ(api[0]["kind"].as<std::string>(), "Deployment");
  EXPECT_EQ(api[0]["spec"]["replicas"].as<int>(), 2);
  EXPECT_EQ(api[1]["kind"].as<std::string>(), "Service");
  EXPECT_EQ(YAML::LoadFile((project_ / "k8s/migrate.yaml").string())["kind"].as<std::string>(),
            "Job");
  EXPECT_EQ(
      YAML::LoadFile((project_ / "k8s/shop-env.yaml").string())["data"]["QUEUE"].as<std::string>(),
      "emails");
  EXPECT_TRUE(contains(read_file(project_ / "k8s/EXPORT-REPORT.md"),
                       "| api | depends_on: migrate | `succeeded` | **not carried over**"));
}

// The job's fields are checked in tests/unit/client/export_nomad_test.cpp (Debian has no Nomad).
TEST_F(ExportTest, NomadJobsAreWritten) {
  const RunResult r = export_to("nomad", "nomad", {"--name", "shop-prod"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "# Export of shop-prod to nomad\n")) << r.out;
  const auto job = boost::json::parse(read_file(project_ / "nomad/shop-prod.nomad.json"));
  EXPECT_EQ(job.at("Job").at("ID"), "shop-prod");
  EXPECT_EQ(job.at("Job").at("TaskGroups").as_array().size(), 5U);
  const auto periodic =
      boost::json::parse(read_file(project_ / "nomad/shop-prod-report.nomad.json"));
  EXPECT_EQ(periodic.at("Job").at("Type"), "batch");
}

// --running: what `bgo up` started, read back from bgod as `bgo save` reads it.
TEST_F(ExportTest, RunningProcessesBecomeUnits) {
  const std::string child = bin("bgo_test_child");
  write("live.bgo.yaml",
        "version: 1\nname: live\nprocesses:\n"
        "  db:\n    command: [" +
            child +
            ", --sleep, '100']\n"
            "    stop: {signal: SIGINT, timeout: 2s}\n"
            "  web:\n    command: [" +
            child +
            ", --sleep, '100']\n"
            "    env: {PORT: '7100', MODE: fast}\n"
            "    instances: 2\n    port_offset: true\n"
            "    depends_on: {db: started}\n");
  RunResult r = bgo({"up", "-f", (project_ / "live.bgo.yaml").string()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = bgo({"export", "systemd", "--running", "-o", (project_ / "running").string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "from the processes bgod runs (" + home_.string() + ")")) << r.out;
  const std::string web = read_file(project_ / "running/live-web@.service");
  EXPECT_TRUE(contains(web, "\nEnvironment=\"MODE=fast\"\n")) << web;
  EXPECT_TRUE(contains(web, "\nRequires=live-db.service\n")) << web;
  EXPECT_TRUE(contains(read_file(project_ / "running/live-web@1.service.d/port.conf"),
                       "Environment=PORT=7101\n"));
  EXPECT_TRUE(contains(read_file(project_ / "running/live-db.service"), "\nKillSignal=SIGINT\n"));
  EXPECT_EQ(verify_units(project_ / "running", true), "");
  // -f and --running are one or the other.
  EXPECT_EQ(bgo({"export", "systemd", "--running", "-f", "x.yaml"}).code, 2);
}

TEST_F(ExportTest, BadInputWritesNothing) {
  RunResult r = export_to("upstart", "out");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err,
                       "Unknown export target 'upstart' (choose from systemd, kubernetes, "
                       "nomad, compose)"))
      << r.err;
  write("bad.bgo.yaml",
        "version: 1\nprocesses:\n  web:\n    command: [/bin/true]\n    env: {my-var: x}\n");
  r = bgo({"export", "systemd", "-f", (project_ / "bad.bgo.yaml").string(), "-o",
           (project_ / "out").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "process 'web': env: systemd ignores the variable name 'my-var'"))
      << r.err;
  EXPECT_TRUE(contains(r.err, "Nothing was written.")) << r.err;
  EXPECT_FALSE(fs::exists(project_ / "out"));
  r = bgo({"export", "systemd", "-f", (project_ / "nope.yaml").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(daemon_pid(), 0);  // export reads files; it never needs bgod
}

TEST_F(ExportTest, AFolderWithOtherFilesNeedsForce) {
  fs::create_directories(project_ / "out");
  write("out/README", "mine\n");
  RunResult r = export_to("systemd", "out");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(contains(r.err, "exists and holds other files; --force writes into it")) << r.err;
  EXPECT_FALSE(fs::exists(project_ / "out/shop.target"));
  r = export_to("systemd", "out", {"--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "Left in place (not written by this export): README")) << r.out;
  EXPECT_EQ(read_file(project_ / "out/README"), "mine\n");
  // Same input, same bytes: a second export rewrites identical files.
  const std::string unit = read_file(project_ / "out/shop-api@.service");
  r = export_to("systemd", "out", {"--force"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(project_ / "out/shop-api@.service"), unit);
}

}  // namespace
}  // namespace bgo::test
