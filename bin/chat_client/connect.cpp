// connect_to_server: resolve, then reactor::connect_tcp on each numeric address (see connect.h).
#include "bin/chat_client/connect.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "reactor/socket.h"

namespace chat_client {
namespace {

// 0 when the connect on fd finished successfully, else an errno value (ETIMEDOUT at the deadline).
int wait_connected(int fd, std::chrono::milliseconds limit) {
  auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return ETIMEDOUT;
    pollfd p{fd, POLLOUT, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return ETIMEDOUT;
    return reactor::connect_result(fd);
  }
}

}  // namespace

int connect_to_server(const std::string& host, std::uint16_t port, std::chrono::milliseconds per_address,
                      std::string& error) {
  std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found)) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  std::string last_error = "no address";
  for (addrinfo* ai = found; ai && fd < 0; ai = ai->ai_next) {
    char numeric[NI_MAXHOST];
    if (getnameinfo(ai->ai_addr, ai->ai_addrlen, numeric, sizeof numeric, nullptr, 0, NI_NUMERICHOST) != 0) continue;
    std::string why;
    fd = reactor::connect_tcp(numeric, port, "", why);
    if (fd < 0) {
      last_error = why.substr(why.rfind(": ") + 2);
      continue;
    }
    if (int err = wait_connected(fd, per_address)) {
      last_error = std::strerror(err);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    error = "cannot connect to " + where + ": " + last_error;
    return -1;
  }
  reactor::tune_connection(fd, reactor::KeepaliveSettings{});
  return fd;
}

}  // namespace chat_client
