// Terminal modes and every path that restores them (see terminal.h). Signal handlers here use
// only async-signal-safe calls: tcsetattr, sigaction, sigprocmask, raise.
#include "bin/chat_client/terminal.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <iterator>

namespace chat_client::terminal {
namespace {

int g_fd = -1;
termios g_saved{};
termios g_active{};                    // the mode we set, to put back after a stop
volatile sig_atomic_t g_modified = 0;  // the terminal is not in g_saved's mode

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ};
struct sigaction g_previous[std::size(kFatalSignals)];

void restore_now() {
  if (g_modified && g_fd >= 0) {
    tcsetattr(g_fd, TCSANOW, &g_saved);
    g_modified = 0;
  }
}

extern "C" void on_fatal_signal(int signo, siginfo_t* info, void* /*context*/) {
  restore_now();
  // Hand the signal back to whoever had it before (the default action, or a sanitizer's
  // reporter). A fault re-executes the faulting instruction on return; anything else is
  // raised again and delivered once this handler returns.
  for (std::size_t i = 0; i < std::size(kFatalSignals); ++i)
    if (kFatalSignals[i] == signo) sigaction(signo, &g_previous[i], nullptr);
  bool fault = info != nullptr && info->si_code > 0 &&
               (signo == SIGSEGV || signo == SIGBUS || signo == SIGFPE || signo == SIGILL);
  if (!fault) (void)raise(signo);  // nothing more to do in a handler if it fails
}

extern "C" void on_stop_signal(int /*signo*/) {
  int saved_errno = errno;
  bool was_modified = g_modified;
  restore_now();
  struct sigaction dfl {
  }, ours{};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(SIGTSTP, &dfl, &ours);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTSTP);
  sigprocmask(SIG_UNBLOCK, &set, nullptr);
  (void)raise(SIGTSTP);  // stops here until SIGCONT
  // cppcheck-suppress unreachableCode ; raise() returns once the signal is handled
  sigprocmask(SIG_BLOCK, &set, nullptr);
  sigaction(SIGTSTP, &ours, nullptr);
  if (was_modified) {
    tcsetattr(g_fd, TCSANOW, &g_active);
    g_modified = 1;
  }
  errno = saved_errno;
}

void restore_at_exit() { restore(); }

void install_handlers() {
  static bool installed = false;
  if (installed) return;
  installed = true;
  (void)std::atexit(restore_at_exit);  // can fail only past 32 registrations; this is the one
  for (std::size_t i = 0; i < std::size(kFatalSignals); ++i) {
    struct sigaction sa {};
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(kFatalSignals[i], &sa, &g_previous[i]);
  }
  // Job control: only when the shell lets us stop (a SIGTSTP it ignores stays ignored).
  struct sigaction current {};
  sigaction(SIGTSTP, nullptr, &current);
  if (current.sa_handler != SIG_IGN) {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTSTP, &sa, nullptr);
  }
}

bool apply(const termios& mode) {
  g_active = mode;
  g_modified = 1;
  int rc;
  do {
    rc = tcsetattr(g_fd, TCSADRAIN, &mode);
  } while (rc != 0 && errno == EINTR);
  return rc == 0;
}

}  // namespace

bool save(int fd) {
  if (!isatty(fd) || tcgetattr(fd, &g_saved) != 0) return false;
  g_fd = fd;
  install_handlers();
  return true;
}

bool enter_raw() {
  if (g_fd < 0) return false;
  termios raw = g_saved;
  raw.c_iflag &= ~static_cast<tcflag_t>(BRKINT | ICRNL | INLCR | IGNCR | INPCK | ISTRIP | IXON);
  raw.c_cflag |= CS8;
  raw.c_lflag &= ~static_cast<tcflag_t>(ECHO | ICANON | IEXTEN | ISIG);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  return apply(raw);
}

bool set_echo(bool on) {
  if (g_fd < 0) return false;
  if (on) {
    restore();
    return true;
  }
  termios quiet = g_saved;
  quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  quiet.c_lflag |= ECHONL;  // Enter still moves to the next line
  return apply(quiet);
}

void restore() {
  if (g_modified && g_fd >= 0) {
    tcsetattr(g_fd, TCSADRAIN, &g_saved);
    g_modified = 0;
  }
}

void suspend() { (void)raise(SIGTSTP); }

int columns(int fd) {
  winsize ws{};
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

}  // namespace chat_client::terminal
