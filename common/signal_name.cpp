// SPDX-License-Identifier: MIT
// parse_signal / signal_name: a fixed table built from <csignal>'s numbers, so the names do
// not depend on the C library's (sigabbrev_np knows no aliases and no realtime names).
#include "common/signal_name.hpp"

#include <array>
#include <csignal>
#include <optional>

namespace bgo {

namespace {

struct Named {
  std::string_view name;  // without "SIG"
  int number;
};

// Canonical names first: signal_name() takes the first entry of a number.
constexpr std::array k_signals = {
    Named{"HUP", SIGHUP},
    Named{"INT", SIGINT},
    Named{"QUIT", SIGQUIT},
    Named{"ILL", SIGILL},
    Named{"TRAP", SIGTRAP},
    Named{"ABRT", SIGABRT},
    Named{"BUS", SIGBUS},
    Named{"FPE", SIGFPE},
    Named{"KILL", SIGKILL},
    Named{"USR1", SIGUSR1},
    Named{"SEGV", SIGSEGV},
    Named{"USR2", SIGUSR2},
    Named{"PIPE", SIGPIPE},
    Named{"ALRM", SIGALRM},
    Named{"TERM", SIGTERM},
#ifdef SIGSTKFLT
    Named{"STKFLT", SIGSTKFLT},
#endif
    Named{"CHLD", SIGCHLD},
    Named{"CONT", SIGCONT},
    Named{"STOP", SIGSTOP},
    Named{"TSTP", SIGTSTP},
    Named{"TTIN", SIGTTIN},
    Named{"TTOU", SIGTTOU},
    Named{"URG", SIGURG},
    Named{"XCPU", SIGXCPU},
    Named{"XFSZ", SIGXFSZ},
    Named{"VTALRM", SIGVTALRM},
    Named{"PROF", SIGPROF},
    Named{"WINCH", SIGWINCH},
    Named{"IO", SIGIO},
#ifdef SIGPWR
    Named{"PWR", SIGPWR},
#endif
    Named{"SYS", SIGSYS},
    // Aliases: accepted, never printed.
    Named{"IOT", SIGIOT},
    Named{"POLL", SIGPOLL},
    Named{"CLD", SIGCHLD},
};

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The largest signal number: SIGRTMAX (64 on Linux). A call, not a constant, in glibc.
int max_signal() { return SIGRTMAX; }

// "35" -> 35; nullopt for anything but 1 to 3 digits.
std::optional<int> number(std::string_view digits) {
  if (digits.empty() || digits.size() > 3) return std::nullopt;
  int n = 0;
  for (const char c : digits) {
    if (!is_digit(c)) return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

// RTMIN, RTMIN+n, RTMAX, RTMAX-n (n a number) within the realtime range.
std::optional<int> realtime(std::string_view name) {
  const int min = SIGRTMIN, max = SIGRTMAX;
  int base = 0, sign = 0;
  if (name.starts_with("RTMIN")) {
    base = min;
    sign = 1;
  } else if (name.starts_with("RTMAX")) {
    base = max;
    sign = -1;
  } else {
    return std::nullopt;
  }
  name.remove_prefix(5);
  if (name.empty()) return base;
  if (name.front() != (sign > 0 ? '+' : '-')) return std::nullopt;
  const auto n = number(name.substr(1));
  if (!n) return std::nullopt;
  const int sig = base + sign * *n;
  if (sig < min || sig > max) return std::nullopt;
  return sig;
}

}  // namespace

Result<int> parse_signal(std::string_view text) {
  const auto unknown = [&] {
    return make_error(Errc::invalid_params, "unknown signal '" + std::string(text) + "'");
  };
  std::string name;
  name.reserve(text.size());
  for (const char c : text) name += upper(c);
  if (const auto n = number(name)) {
    if (*n < 1 || *n > max_signal()) return unknown();
    return *n;
  }
  std::string_view bare(name);
  if (bare.starts_with("SIG")) bare.remove_prefix(3);
  for (const Named& s : k_signals) {
    if (s.name == bare) return s.number;
  }
  if (const auto rt = realtime(bare)) return *rt;
  // "SIG35", what signal_name() prints for a number without a name.
  if (bare.size() < name.size()) {
    if (const auto n = number(bare); n && *n >= 1 && *n <= max_signal()) return *n;
  }
  return unknown();
}

std::string signal_name(int sig) {
  for (const Named& s : k_signals) {
    if (s.number == sig) return "SIG" + std::string(s.name);
  }
  return "SIG" + std::to_string(sig);
}

}  // namespace bgo
