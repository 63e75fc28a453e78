// connect_to_server: reactor::resolve_tcp, then reactor::start_connect on each address (see connect.h).
#include "bin/chat_client/connect.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

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
  std::vector<reactor::SocketAddress> addresses = reactor::resolve_tcp(host, port, error);
  if (addresses.empty()) return -1;
  int fd = -1;
  std::string last_error;
  for (const reactor::SocketAddress& address : addresses) {
    fd = reactor::start_connect(address);
    if (fd < 0) {
      last_error = std::strerror(-fd);
      continue;
    }
    if (int err = wait_connected(fd, per_address)) {
      last_error = std::strerror(err);
      close(fd);
      fd = -1;
      continue;
    }
    break;
  }
  if (fd < 0) {
    error = "cannot connect to " + reactor::PeerAddress{host, port}.to_string() + ": " + last_error;
    return -1;
  }
  reactor::tune_connection(fd, reactor::KeepaliveSettings{});
  return fd;
}

}  // namespace chat_client
