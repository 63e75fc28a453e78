// Many raw connections driven from a single poll loop, for tests that open hundreds at once.
#pragma once

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness.h"

namespace harness {

// One of many connections (tests derive their own state from it): its socket, input not yet
// split into lines, and whether the server ended it (EOF or error).
struct Connection {
  int fd = -1;
  std::string buffer;
  bool closed = false;
};

// One poll loop over all connections: reads what is ready on every one that is neither closed
// nor done, hands each complete line to on_line(conn, line), until done(conn) holds or the
// connection is closed for every one, or the deadline passes. Returns how many are not done.
template <class Conn, class OnLine, class Done>
std::size_t pump(std::vector<Conn>& conns, Duration deadline, OnLine on_line, Done done) {
  auto until = std::chrono::steady_clock::now() + deadline;
  std::vector<pollfd> fds;
  std::vector<Conn*> owners;
  for (;;) {
    fds.clear();
    owners.clear();
    for (auto& c : conns) {
      if (c.closed || done(c)) continue;
      fds.push_back({c.fd, POLLIN, 0});
      owners.push_back(&c);
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()).count();
    if (fds.empty() || left <= 0) break;
    if (poll(fds.data(), fds.size(), static_cast<int>(left)) <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      Conn& c = *owners[i];
      char chunk[65536];
      ssize_t n = recv(c.fd, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c.closed = true;
        continue;
      }
      if (n < 0) continue;
      c.buffer.append(chunk, static_cast<std::size_t>(n));
      std::size_t start = 0;
      for (auto nl = c.buffer.find('\n'); nl != std::string::npos; nl = c.buffer.find('\n', start)) {
        on_line(c, std::string_view(c.buffer).substr(start, nl - start));
        start = nl + 1;
      }
      c.buffer.erase(0, start);
    }
  }
  std::size_t waiting = 0;
  for (auto& c : conns) waiting += !done(c);
  return waiting;
}

template <class Conn>
void close_all(std::vector<Conn>& conns) {
  for (auto& c : conns) {
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
  }
}

}  // namespace harness
