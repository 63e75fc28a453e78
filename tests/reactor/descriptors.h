// Non-blocking, close-on-exec socket pairs and pipes for the reactor tests, made the portable
// way (fcntl), since SOCK_NONBLOCK and pipe2 are not on every platform the tests build on.
#pragma once

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace reactor_test {

inline bool make_nonblocking_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

// Both ends non-blocking; false (and nothing left open) on failure.
inline bool finish_pair(int rc, int fd[2]) {
  if (rc != 0) return false;
  if (make_nonblocking_cloexec(fd[0]) && make_nonblocking_cloexec(fd[1])) return true;
  close(fd[0]);
  close(fd[1]);
  fd[0] = fd[1] = -1;
  return false;
}

inline bool nonblocking_socketpair(int fd[2], int type = SOCK_STREAM) {
  return finish_pair(socketpair(AF_UNIX, type, 0, fd), fd);
}

inline bool nonblocking_pipe(int fd[2]) { return finish_pair(pipe(fd), fd); }

}  // namespace reactor_test
