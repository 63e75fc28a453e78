// SignalPipe: turns asynchronous signals into readable bytes (the self-pipe trick), so the
// event loop handles them like any other input. Portable to every POSIX backend.
// Several pipes may live at once; each signal goes to the pipe that registered it last, and
// destroying a pipe restores the dispositions it replaced.
#pragma once

#include <csignal>
#include <initializer_list>
#include <vector>

namespace reactor {

class SignalPipe {
 public:
  // Installs handlers for `signals`; also ignores SIGPIPE (a dead peer is an EPIPE, not a death).
  explicit SignalPipe(std::initializer_list<int> signals);
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  int read_fd() const { return read_fd_; }
  bool ok() const { return read_fd_ >= 0; }
  // Drains the pipe and returns the signals received since the last call, in order.
  std::vector<int> take();

 private:
  struct Replaced {
    int signo;
    struct sigaction previous;
  };
  int read_fd_ = -1;
  int write_fd_ = -1;
  std::vector<Replaced> replaced_;
};

}  // namespace reactor
