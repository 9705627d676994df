// SPDX-License-Identifier: MIT
// CursesScreen on ncursesw.
#include "client/monit/curses_screen.hpp"

#include <array>
#include <csignal>
#include <cstring>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "client/render/text.hpp"

// Without its pseudo-function macros (move, clear, erase, timeout, ...), which would rewrite
// std::move and friends in any header read after it; stdscr's functions are called by name.
#define NCURSES_NOMACROS
#include <curses.h>  // NOLINT(llvm-include-order): after every other header, see above

namespace bgo::client::monit {

namespace {

// The crash handler's whole state, prepared before it can run: the terminal modes from before
// ncurses, and the bytes endwin() would send (attributes off, cursor on, keypad off, the
// normal screen back).
termios g_saved_modes{};
bool g_have_modes = false;
std::array<char, 256> g_restore{};
std::size_t g_restore_size = 0;
constexpr std::array k_crash_signals = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
std::array<struct sigaction, k_crash_signals.size()> g_old_actions{};

// Only async-signal-safe calls: write(2) and tcsetattr(3), not endwin(), which may allocate or
// flush stdio halfway through what crashed. SA_RESETHAND has put the default action back, so
// the signal, raised again, ends the process as it would have (core dump included).
extern "C" void on_crash(int signo) {
  if (g_restore_size > 0) (void)::write(STDOUT_FILENO, g_restore.data(), g_restore_size);
  if (g_have_modes) (void)::tcsetattr(STDIN_FILENO, TCSANOW, &g_saved_modes);
  (void)::raise(signo);
}

void append_capability(const char* name) {
  // tigetstr: nullptr when absent, (char*)-1 when not a string capability.
  const char* value = ::tigetstr(const_cast<char*>(name));
  if (value == nullptr || value == reinterpret_cast<const char*>(-1)) return;  // NOLINT
  const std::size_t size = std::strlen(value);
  if (g_restore_size + size > g_restore.size()) return;
  std::memcpy(g_restore.data() + g_restore_size, value, size);
  g_restore_size += size;
}

void install_crash_handler() {
  g_restore_size = 0;
  for (const char* capability : {"sgr0", "cnorm", "rmkx", "rmcup"}) append_capability(capability);
  struct sigaction action {};
  action.sa_handler = on_crash;
  action.sa_flags = SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < k_crash_signals.size(); ++i) {
    (void)::sigaction(k_crash_signals[i], &action, &g_old_actions[i]);  // valid signals
  }
}

void remove_crash_handler() {
  for (std::size_t i = 0; i < k_crash_signals.size(); ++i) {
    (void)::sigaction(k_crash_signals[i], &g_old_actions[i], nullptr);
  }
}

enum Pair : short { k_green = 1, k_yellow, k_red, k_cyan, k_alert };

attr_t attributes(const Span& span, bool color) {
  const auto pair = [&](Pair p) -> attr_t {
    return color ? static_cast<attr_t>(COLOR_PAIR(p)) : static_cast<attr_t>(A_NORMAL);
  };
  attr_t a = A_NORMAL;
  switch (span.paint) {
    case Paint::text:
      break;
    case Paint::dim:
      a = A_DIM;
      break;
    case Paint::bold:
    case Paint::header:
      a = A_BOLD;
      break;
    case Paint::title:
      a = A_REVERSE | A_BOLD;
      break;
    case Paint::alert:
      a = A_REVERSE | A_BOLD | pair(k_alert);
      break;
    case Paint::green:
      a = pair(k_green);
      break;
    case Paint::yellow:
      a = pair(k_yellow);
      break;
    case Paint::red:
      a = pair(k_red);
      break;
    case Paint::cyan:
      a = pair(k_cyan);
      break;
    case Paint::question:
      a = A_BOLD | pair(k_yellow);
      break;
  }
  if (span.reverse) a |= A_REVERSE;
  return a;
}

}  // namespace

Result<std::unique_ptr<CursesScreen>> CursesScreen::open(bool color) {
  g_have_modes = ::tcgetattr(STDIN_FILENO, &g_saved_modes) == 0;
  // The size comes from the terminal (and SIGWINCH), never from a stale $LINES or $COLUMNS.
  ::use_env(FALSE);
  ::use_tioctl(TRUE);
  ::screen* screen = ::newterm(nullptr, stdout, stdin);
  if (screen == nullptr) {
    const char* term = std::getenv("TERM");  // NOLINT(concurrency-mt-unsafe): one thread
    return make_error(Errc::invalid_state,
                      std::string("bgo monit cannot drive this terminal (TERM=") +
                          (term != nullptr ? term : "") + ")");
  }
  const char* move = ::tigetstr(const_cast<char*>("cup"));
  if (move == nullptr || move == reinterpret_cast<const char*>(-1)) {  // NOLINT
    ::endwin();
    ::delscreen(screen);
    return make_error(Errc::invalid_state,
                      "bgo monit needs a terminal that can move its cursor; use bgo status -w");
  }
  ::cbreak();
  ::noecho();
  ::nonl();
  ::keypad(stdscr, TRUE);
  ::nodelay(stdscr, TRUE);
  ::set_escdelay(25);  // a lone Esc is a key of its own after 25 ms, not the start of one
  ::curs_set(0);
  const bool colors = color && ::has_colors();
  if (colors) {
    ::start_color();
    ::use_default_colors();
    ::init_pair(k_green, COLOR_GREEN, -1);
    ::init_pair(k_yellow, COLOR_YELLOW, -1);
    ::init_pair(k_red, COLOR_RED, -1);
    ::init_pair(k_cyan, COLOR_CYAN, -1);
    ::init_pair(k_alert, COLOR_RED, -1);
  }
  install_crash_handler();
  return std::unique_ptr<CursesScreen>(new CursesScreen(screen, colors));
}

CursesScreen::~CursesScreen() {
  ::endwin();
  remove_crash_handler();
  ::delscreen(screen_);
}

int CursesScreen::columns() const { return COLS; }
int CursesScreen::rows() const { return LINES; }

void CursesScreen::resize() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_row > 0 && size.ws_col > 0) {
    ::resizeterm(size.ws_row, size.ws_col);
  }
  // Every cell is sent again: nothing of the old layout can stay on the screen.
  ::clearok(curscr, TRUE);
}

void CursesScreen::draw(const Frame& frame) {
  const int rows = std::min(frame.rows, LINES);
  for (int y = 0; y < rows; ++y) {
    ::wmove(stdscr, y, 0);
    std::size_t used = 0;
    for (const Span& span : frame.lines[static_cast<std::size_t>(y)]) {
      ::wattrset(stdscr, static_cast<int>(attributes(span, color_)));
      ::waddnstr(stdscr, span.text.data(), static_cast<int>(span.text.size()));
      used += visible_width(span.text);
    }
    ::wattrset(stdscr, A_NORMAL);
    if (used < static_cast<std::size_t>(COLS)) ::wclrtoeol(stdscr);
  }
  if (frame.cursor) {
    ::wmove(stdscr, frame.cursor->first, frame.cursor->second);
    ::curs_set(1);
  } else {
    ::curs_set(0);
  }
  ::wnoutrefresh(stdscr);
  ::doupdate();
}

std::optional<Key> CursesScreen::read_key() {
  wint_t ch = 0;
  const int rc = ::wget_wch(stdscr, &ch);
  if (rc == ERR) return std::nullopt;
  if (rc == KEY_CODE_YES) {
    switch (ch) {
      case KEY_UP:
        return k_key_up;
      case KEY_DOWN:
        return k_key_down;
      case KEY_LEFT:
        return k_key_left;
      case KEY_RIGHT:
        return k_key_right;
      case KEY_PPAGE:
        return k_key_page_up;
      case KEY_NPAGE:
        return k_key_page_down;
      case KEY_HOME:
        return k_key_home;
      case KEY_END:
        return k_key_end;
      case KEY_BACKSPACE:
        return k_key_backspace;
      case KEY_ENTER:
        return k_key_enter;
      default:
        return Key{0};  // a key without a meaning here (F1, KEY_RESIZE, ...)
    }
  }
  if (ch == '\r') return k_key_enter;
  if (ch == 0x7f || ch == 0x08) return k_key_backspace;
  return static_cast<Key>(ch);
}

}  // namespace bgo::client::monit
