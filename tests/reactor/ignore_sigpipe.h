// IgnoreSigpipe: SIGPIPE ignored for a test's duration (a server does so through SignalPipe),
// so that a write to a closed peer is an EPIPE where MSG_NOSIGNAL does not exist (the
// no-epoll build) instead of the end of the test process. Restores the old disposition.
#pragma once

#include <csignal>

struct IgnoreSigpipe {
  struct sigaction old {};
  IgnoreSigpipe() {
    struct sigaction ign {};
    ign.sa_handler = SIG_IGN;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGPIPE, &ign, &old);
  }
  ~IgnoreSigpipe() { sigaction(SIGPIPE, &old, nullptr); }
  IgnoreSigpipe(const IgnoreSigpipe&) = delete;
  IgnoreSigpipe& operator=(const IgnoreSigpipe&) = delete;
};
