// SignalPipe implementation: the handler only write()s, which is async-signal-safe.
#include "reactor/signal_pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace reactor {
namespace {

int g_write_fd = -1;

extern "C" void on_signal(int signo) {
  int saved = errno;
  unsigned char byte = static_cast<unsigned char>(signo);
  if (g_write_fd >= 0) {
    ssize_t ignored = write(g_write_fd, &byte, 1);  // pipe full: a signal is pending anyway
    (void)ignored;
  }
  errno = saved;
}

bool make_nonblocking_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

}  // namespace

SignalPipe::SignalPipe(std::initializer_list<int> signals) : signals_(signals) {
  std::signal(SIGPIPE, SIG_IGN);
  int fds[2];
  if (pipe(fds) != 0) return;
  if (!make_nonblocking_cloexec(fds[0]) || !make_nonblocking_cloexec(fds[1])) {
    close(fds[0]);
    close(fds[1]);
    return;
  }
  read_fd_ = fds[0];
  g_write_fd = fds[1];
  for (int sig : signals_) {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(sig, &sa, nullptr);
  }
}

SignalPipe::~SignalPipe() {
  for (int sig : signals_) std::signal(sig, SIG_DFL);
  if (g_write_fd >= 0) close(g_write_fd);
  g_write_fd = -1;
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
