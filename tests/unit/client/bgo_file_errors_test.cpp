// SPDX-License-Identifier: MIT
// Every kind of bad bgo.yaml, each refused with `file:line:column: message` (issue #15, "Bad
// input"): the exact text, so a moved column or a lost suggestion shows up here.
#include <fstream>

#include <gtest/gtest.h>

#include "client/app/bgo_file.hpp"
#include "tests/support/temp_dir.hpp"

namespace bgo::app {
namespace {

struct Case {
  const char* what;
  const char* text;
  const char* error;  // with "DIR" standing for the file's folder
};

// A process `a` whose body is `body` (indented by four spaces already).
std::string with_a(const std::string& body) { return "processes:\n  a:\n" + body; }

class BgoFileErrors : public ::testing::Test {
 protected:
  BgoFileErrors() {
    options_.cwd = dir_.path();
    options_.environment = {{"HOME", "/home/ann"}};
    std::ofstream(dir_.path() / "bad.env") << "A=1\n\n  export 1BAD=x\n";
  }

  std::string error_of(const std::string& text) {
    auto app = parse_bgo_file(text, "bgo.yaml", options_);
    if (app) return "no error";
    std::string message = app.error().to_string();
    const std::string dir = dir_.path().string();
    for (size_t at = message.find(dir); at != std::string::npos; at = message.find(dir)) {
      message.replace(at, dir.size(), "DIR");
    }
    return message;
  }

  test::TempDir dir_;
  ParseOptions options_;
};

TEST_F(BgoFileErrors, SyntaxAndShape) {
  const Case cases[] = {
      {"unclosed flow", "processes:\n  a: {command: x\n",
       "bgo.yaml:3:1: invalid YAML: end of map flow not found"},
      {"bad indentation", "processes:\n  a:\n    command: x\n   cwd: y\n",
       "bgo.yaml:4:4: invalid YAML: end of map not found"},
      {"undefined alias", "processes:\n  a: *nope\n",
       "bgo.yaml:2:6: invalid YAML: the referenced anchor is not defined"},
      {"two documents", "processes: {a: {command: x}}\n---\nb: 1\n",
       "bgo.yaml:3:1: several YAML documents: a bgo file holds one"},
      {"empty", "", "bgo.yaml:1:1: empty file: a bgo file needs 'processes:'"},
      {"a list", "- a\n",
       "bgo.yaml:1:1: must be a mapping (version, name, processes...), not a list"},
      {"no processes", "name: x\n", "bgo.yaml:1:1: a bgo file needs 'processes:'"},
      {"processes empty", "processes: {}\n", "bgo.yaml:1:12: processes: no process defined"},
      {"process empty", "processes:\n  a:\n",
       "bgo.yaml:2:3: processes.a: must be a mapping, not empty"},
      {"no command", "processes:\n  a:\n    cwd: /x\n",
       "bgo.yaml:3:5: processes.a: needs a 'command'"},
      {"duplicate key", "processes:\n  a: {command: x}\n  a: {command: y}\n",
       "bgo.yaml:3:3: duplicate key 'a' in processes (first at line 2)"},
      {"key not a string", "processes:\n  ? [a]\n  : {command: x}\n",
       "bgo.yaml:2:5: processes: keys must be plain strings"},
      {"version", "version: 2\nprocesses: {a: {command: x}}\n",
       "bgo.yaml:1:10: version: unsupported version 2 (this bgo reads version 1)"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of(c.text), c.error) << c.what;
}

TEST_F(BgoFileErrors, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(error_of("proceses:\n  a: {command: x}\n"),
            "bgo.yaml:1:1: unknown key 'proceses' at the top level. Did you mean 'processes'?");
  EXPECT_EQ(error_of(with_a("    comand: x\n")),
            "bgo.yaml:3:5: unknown key 'comand' in processes.a. Did you mean 'command'?");
  EXPECT_EQ(error_of(with_a("    command: x\n    depends: [b]\n")),
            "bgo.yaml:4:5: unknown key 'depends' in processes.a. Did you mean 'depends_on'?");
  EXPECT_EQ(error_of(with_a("    command: x\n    ready: {htp: 'http://x/'}\n")),
            "bgo.yaml:4:13: unknown key 'htp' in processes.a.ready. Did you mean 'http' or 'tcp'?");
  EXPECT_EQ(error_of(with_a("    command: x\n    live: {log: x}\n")),
            "bgo.yaml:4:12: unknown key 'log' in processes.a.live. Valid keys: http, tcp, exec, "
            "interval, failures, timeout.");
  EXPECT_EQ(error_of("x: &x [1]\nprocesses: {a: {command: x}}\n"),
            "bgo.yaml:1:1: unknown key 'x' at the top level. Valid keys: version, name, env_file, "
            "env, processes.");
  // `x-` keys are free at the top level and in a process, nowhere else.
  EXPECT_EQ(error_of("x-a: 1\nprocesses: {a: {command: x, x-b: 2}}\n"), "no error");
  EXPECT_EQ(error_of(with_a("    command: x\n    stop: {x-c: 1}\n")),
            "bgo.yaml:4:12: unknown key 'x-c' in processes.a.stop. Valid keys: signal, timeout.");
}

TEST_F(BgoFileErrors, WrongTypes) {
  const Case cases[] = {
      {"command map", "    command: {x: 1}\n",
       "bgo.yaml:3:14: processes.a.command: must be a list or a string, not a mapping"},
      {"command item", "    command: [x, {y: 1}]\n",
       "bgo.yaml:3:18: processes.a.command[1]: must be a string, not a mapping"},
      {"command empty", "    command: []\n",
       "bgo.yaml:3:14: processes.a.command: must not be an empty list"},
      {"instances", "    command: x\n    instances: two\n",
       "bgo.yaml:4:16: processes.a.instances: must be a whole number from 1 to 1000 (got 'two')"},
      {"instances 0", "    command: x\n    instances: 0\n",
       "bgo.yaml:4:16: processes.a.instances: must be a whole number from 1 to 1000 (got '0')"},
      {"bool", "    command: x\n    logs: {time: yes}\n",
       "bgo.yaml:4:18: processes.a.logs.time: must be true or false (got 'yes')"},
      {"stop scalar", "    command: x\n    stop: 10s\n",
       "bgo.yaml:4:11: processes.a.stop: must be a mapping, not a string"},
      {"env string", "    command: x\n    env: \"A=1\"\n",
       "bgo.yaml:4:10: processes.a.env: must be a mapping or a list of KEY=VALUE, not a string"},
      {"env key", "    command: x\n    env: {\"A=B\": x}\n",
       "bgo.yaml:4:11: processes.a.env.A=B: invalid variable name 'A=B'"},
      {"success code", "    command: x\n    success_codes: [0, 256]\n",
       "bgo.yaml:4:24: processes.a.success_codes[1]: must be a whole number from 0 to 255 (got "
       "'256')"},
      {"merge of a list", "    <<: [[1]]\n    command: x\n",
       "bgo.yaml:3:10: processes.a: '<<' merges mappings (a mapping's *anchor or a list of them)"},
  };
  for (const auto& c : cases) EXPECT_EQ(error_of(with_a(c.text)), c.error) << c.what;
}

TEST_F(BgoFileErrors, BadValues) {
  const Case cases[] = {
      {"duration", "    stop: {timeout: 10x}\n",
       "bgo.yaml:4:21: processes.a.stop.timeout: invalid duration '10x': unknown unit 'x' (use "
       "ms, s, m, h, d)"},
      {"duration range", "    ready: {notify: true}\n    watchdog: 0s\n",
       "bgo.yaml:5:15: processes.a.watchdog: must be from 10ms to 30d (got '0s')"},
      {"whole seconds", "    watch: {min_uptime: 1.5s}\n",
       "bgo.yaml:4:25: processes.a.watch.min_uptime: must be a whole number of seconds"},
      {"size", "    max_memory: 10Q\n",
       "bgo.yaml:4:17: processes.a.max_memory: invalid size '10Q' (a number of bytes, 512K, 10M, "
       "1G)"},
      {"memory floor", "    max_memory: 512K\n",
       "bgo.yaml:4:17: processes.a.max_memory: must be at least 1M"},
      {"signal", "    stop: {signal: SIGFOO}\n",
       "bgo.yaml:4:20: processes.a.stop.signal: unknown signal 'SIGFOO'"},
      {"regex", "    ready: {log: \"a(b\"}\n",
       "bgo.yaml:4:18: processes.a.ready.log: invalid regex 'a(b': Mismatched '(' and ')' in "
       "regular expression"},
      {"url", "    ready: {http: \"https://x\"}\n",
       "bgo.yaml:4:19: processes.a.ready.http: invalid URL 'https://x': https is not supported: "
       "bgod's HTTP probes speak plain HTTP (no TLS); probe an http:// address, or check the port "
       "with a tcp probe"},
      {"host:port", "    live: {tcp: nohost}\n",
       "bgo.yaml:4:17: processes.a.live.tcp: invalid HOST:PORT 'nohost': missing port (HOST:PORT, "
       "as in localhost:8080 or [::1]:8080)"},
      {"cron", "    cron: \"61 * * * *\"\n",
       "bgo.yaml:4:11: processes.a.cron: invalid cron expression '61 * * * *': minute field '61': "
       "61 is out of range 0-59"},
      {"cron never", "    cron: \"0 0 30 2 *\"\n",
       "bgo.yaml:4:11: processes.a.cron: '0 0 30 2 *' never matches (no such day within five "
       "years)"},
      {"enum", "    restart: sometimes\n",
       "bgo.yaml:4:14: processes.a.restart: must be always, on-failure or never (got "
       "'sometimes')"},
      {"condition", "    depends_on: {a: whenever}\n",
       "bgo.yaml:4:21: processes.a.depends_on.a: must be started, ready, completed or succeeded "
       "(got 'whenever')"},
      {"command quote", "    ready: {exec: \"x 'y\"}\n",
       "bgo.yaml:4:19: processes.a.ready.exec: invalid command 'x 'y': unterminated single quote"},
      {"two checks", "    ready: {tcp: 'localhost:80', http: 'http://x/'}\n",
       "bgo.yaml:4:40: processes.a.ready.http: a process has one readiness check: 'tcp' and "
       "'http' both given"},
      {"no check", "    ready: {timeout: 1s}\n",
       "bgo.yaml:4:12: processes.a.ready: needs one of notify, log, http, tcp, exec"},
      {"notify false", "    ready: {notify: false}\n",
       "bgo.yaml:4:21: processes.a.ready.notify: must be true (leave 'ready' out for no readiness "
       "check)"},
      {"interval for log", "    ready: {log: x, interval: 1s}\n",
       "bgo.yaml:4:31: processes.a.ready.interval: applies to http, tcp and exec checks, not log"},
      {"watchdog alone", "    watchdog: 10s\n",
       "bgo.yaml:4:15: processes.a.watchdog: needs a notify readiness check (ready: {notify: "
       "true})"},
      {"watch with never", "    restart: never\n    watch: {min_uptime: 3s}\n",
       "bgo.yaml:5:12: processes.a.watch: applies to restart: always or on-failure, not never"},
      {"port_offset", "    instances: 2\n    port_offset: true\n",
       "bgo.yaml:5:18: processes.a.port_offset: needs PORT set to a port number in env or "
       "env_file"},
      {"port range", "    instances: 3\n    port_offset: true\n    env: {PORT: 65534}\n",
       "bgo.yaml:5:18: processes.a.port_offset: PORT 65534 + 2 is not a port number"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(error_of(with_a("    command: x\n" + std::string(c.text))), c.error) << c.what;
  }
}

TEST_F(BgoFileErrors, NamesAndProject) {
  EXPECT_EQ(error_of("processes:\n  all:\n    command: x\n"),
            "bgo.yaml:2:3: invalid process name 'all' ('all' means every process to bgo)");
  EXPECT_EQ(error_of("processes:\n  a/b:\n    command: x\n"),
            "bgo.yaml:2:3: invalid process name 'a/b' (1 to 64 bytes of printable UTF-8, no '/' or "
            "'\\')");
  EXPECT_EQ(error_of("name: \"a/b\"\nprocesses: {a: {command: x}}\n"),
            "bgo.yaml:1:7: invalid project name 'a/b'");
  EXPECT_EQ(
      error_of("processes:\n  " + std::string(62, 'n') + ":\n    command: x\n    instances: 20\n"),
      "bgo.yaml:2:3: processes." + std::string(62, 'n') + ": the instance name '" +
          std::string(62, 'n') + ":10' is longer than 64 bytes");
  EXPECT_EQ(error_of("processes:\n  a:\n    command: x\n    instances: 2\n  a:1: {command: y}\n"),
            "bgo.yaml:5:3: processes: two processes named 'a:1': instance 1 of 'a' (line 2) and "
            "'a:1' (line 5)");
  EXPECT_EQ(error_of("processes:\n  a:1: {command: y}\n  a:\n    command: x\n    instances: 2\n"),
            "bgo.yaml:3:3: processes: two processes named 'a:1': 'a:1' (line 2) and instance 1 of "
            "'a' (line 3)");
}

TEST_F(BgoFileErrors, EnvFilesAndVariables) {
  EXPECT_EQ(error_of("env_file: nope.env\nprocesses: {a: {command: x}}\n"),
            "bgo.yaml:1:11: env_file: cannot read env file 'DIR/nope.env': No such file or "
            "directory");
  EXPECT_EQ(error_of("env_file: [.env, x.env]\nprocesses: {a: {command: x}}\n"),
            "bgo.yaml:1:12: env_file[0]: cannot read env file 'DIR/.env': No such file or "
            "directory");
  EXPECT_EQ(error_of(with_a("    command: x\n    env_file: bad.env\n")),
            "DIR/bad.env:3:10: expected KEY=VALUE (a KEY starts with a letter or '_')");
  EXPECT_EQ(error_of(with_a("    command: x\n    env_file: .\n")),
            "bgo.yaml:4:15: processes.a.env_file: cannot read env file 'DIR': Is a directory");
  EXPECT_EQ(error_of(with_a("    command: x --user ${NOPE_VAR}\n")),
            "bgo.yaml:3:23: processes.a.command: variable 'NOPE_VAR' is not set (give it a "
            "default: ${NOPE_VAR:-value}; write $$ for a literal '$')");
  EXPECT_EQ(error_of(with_a("    command: x\n    env: {A: \"pre ${NOPE}\"}\n")).substr(0, 37),
            "bgo.yaml:4:19: processes.a.env.A: var");
  EXPECT_EQ(error_of(with_a("    command: |\n      x ${NOPE}\n")).substr(0, 36),
            "bgo.yaml:3:14: processes.a.command: ");  // a block scalar: its start
  EXPECT_EQ(error_of(with_a("    command: x $1\n")),
            "bgo.yaml:3:16: processes.a.command: invalid interpolation: '$' must start $NAME, "
            "${NAME} or $$ (write $$ for a literal '$')");
  EXPECT_EQ(error_of(with_a("    command: \"run ${X:-a\"\n")),
            "bgo.yaml:3:19: processes.a.command: unterminated '${X'");
  EXPECT_EQ(error_of(with_a("    command: x\n    cwd: ${NOPE:?the app folder}\n")),
            "bgo.yaml:4:10: processes.a.cwd: variable 'NOPE' is not set: the app folder");
}

TEST_F(BgoFileErrors, Dependencies) {
  EXPECT_EQ(error_of(with_a("    command: x\n    depends_on: [bb]\n  b: {command: y}\n")),
            "bgo.yaml:4:18: processes.a.depends_on: depends on 'bb', which is not a process of "
            "this file. Did you mean 'b'?");
  EXPECT_EQ(error_of(with_a("    command: x\n    depends_on: {zz: started}\n")),
            "bgo.yaml:4:18: processes.a.depends_on: depends on 'zz', which is not a process of "
            "this file.");
  EXPECT_EQ(error_of("processes:\n  a: {command: x, depends_on: [b]}\n"
                     "  b: {command: y, depends_on: {c: started}}\n"
                     "  c: {command: z, depends_on: [a]}\n"),
            "bgo.yaml:4:32: processes.c.depends_on: dependency cycle: c -> a -> b -> c");
  EXPECT_EQ(error_of(with_a("    command: x\n    depends_on: [a]\n")),
            "bgo.yaml:4:18: processes.a.depends_on: dependency cycle: a -> a");
  EXPECT_EQ(error_of(with_a("    command: x\n    instances: 2\n    depends_on: [a]\n")),
            "bgo.yaml:5:18: processes.a.depends_on: dependency cycle: a:0 -> a:0");
  EXPECT_EQ(error_of(with_a("    command: x\n    depends_on: [b, b]\n  b: {command: y}\n")),
            "bgo.yaml:4:21: processes.a.depends_on[1]: names 'b' twice");
  EXPECT_EQ(error_of("processes:\n  a: {command: x, instances: 2}\n"
                     "  b:\n    command: y\n    depends_on: {a: ready, a:1: ready}\n"),
            "bgo.yaml:5:28: processes.b.depends_on: names 'a:1' twice (an instanced process "
            "stands for all its instances)");
}

TEST_F(BgoFileErrors, MergeKeysCannotExplode) {
  // Each level merges the three anchors of the level below: 3^15 merges if expanded.
  std::string text = "x-a0: &a0 {restart: always}\nx-b0: &b0 {cron: '@daily'}\nx-c0: &c0 {}\n";
  for (int i = 1; i <= 15; ++i) {
    const std::string p = std::to_string(i - 1);
    for (const std::string n : {"a", "b", "c"}) {
      const std::string anchor = n + std::to_string(i);
      text.append("x-").append(anchor).append(": &").append(anchor);
      text.append(" {<<: [*a").append(p).append(", *b").append(p).append(", *c").append(p);
      text.append("]}\n");
    }
  }
  const std::string error = error_of(text + "processes:\n  a:\n    <<: *a15\n    command: x\n");
  EXPECT_NE(error.find("merge keys ('<<') expand to too many entries"), std::string::npos) << error;
  // A chain deeper than 16 merges.
  text = "x-m0: &m0 {restart: always}\n";
  for (int i = 1; i <= 20; ++i) {
    text += "x-m" + std::to_string(i) + ": &m" + std::to_string(i) + " {<<: *m" +
            std::to_string(i - 1) + "}\n";
  }
  EXPECT_NE(error_of(text + "processes:\n  a:\n    <<: *m20\n    command: x\n")
                .find("merge keys ('<<') nested more than 16 deep"),
            std::string::npos);
  // Five levels are fine.
  EXPECT_EQ(error_of(text + "processes:\n  a:\n    <<: *m5\n    command: x\n"), "no error");
}

}  // namespace
}  // namespace bgo::app
