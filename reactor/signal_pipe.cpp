// SignalPipe implementation: the handler only write()s, which is async-signal-safe.
#include "reactor/signal_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace reactor {
namespace {

// The write end for each signal number; read by the handler, so only plain ints.
constexpr int kMaxSignal = 65;
volatile sig_atomic_t g_write_fd[kMaxSignal] = {};
bool g_table_ready = false;

extern "C" void on_signal(int signo) {
  int saved = errno;
  int fd = (signo > 0 && signo < kMaxSignal) ? g_write_fd[signo] : -1;
  if (fd > 0) {
    unsigned char byte = static_cast<unsigned char>(signo);
    ssize_t ignored = write(fd, &byte, 1);  // pipe full: a signal is pending anyway
    (void)ignored;
  }
  errno = saved;
}

bool make_nonblocking_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

}  // namespace

SignalPipe::SignalPipe(std::initializer_list<int> signals) {
  if (!g_table_ready) {
    for (auto& fd : g_write_fd) fd = -1;
    g_table_ready = true;
  }
  (void)std::signal(SIGPIPE, SIG_IGN);  // fails only for an invalid signal number
  int fds[2];
  if (pipe(fds) != 0) return;
  if (!make_nonblocking_cloexec(fds[0]) || !make_nonblocking_cloexec(fds[1])) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  for (int sig : signals) {
    if (sig <= 0 || sig >= kMaxSignal) continue;
    g_write_fd[sig] = write_fd_;
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    Replaced r{sig, {}};
    if (sigaction(sig, &sa, &r.previous) == 0) replaced_.push_back(r);
  }
}

SignalPipe::~SignalPipe() {
  // Undo in reverse order, and only where this pipe is still the one registered.
  for (std::size_t i = replaced_.size(); i-- > 0;) {
    const Replaced& r = replaced_[i];
    if (g_write_fd[r.signo] != write_fd_) continue;
    sigaction(r.signo, &r.previous, nullptr);
    g_write_fd[r.signo] = -1;
  }
  if (write_fd_ >= 0) close(write_fd_);
  if (read_fd_ >= 0) close(read_fd_);
}

std::vector<int> SignalPipe::take() {
  std::vector<int> got;
  unsigned char buf[64];
  for (;;) {
    ssize_t n = read(read_fd_, buf, sizeof buf);
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) got.push_back(buf[i]);
  }
  return got;
}

}  // namespace reactor
