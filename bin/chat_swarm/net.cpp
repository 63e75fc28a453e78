// Socket helpers for the swarm.
#include "bin/chat_swarm/net.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

namespace swarm {

bool resolve(const std::string& host, std::uint16_t port, Address& out, std::string& error) {
  std::vector<Address> found = reactor::resolve_tcp(host, port, error);
  if (found.empty()) return false;
  out = found.front();
  out.text = reactor::PeerAddress{host, port}.to_string();
  return true;
}

int start_connect(const Address& server, const Address* source, int max_fd) {
  int fd = reactor::start_connect(server, source, max_fd);
  if (fd >= 0) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

void close_with_reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

std::string errno_text(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  std::string text = name ? name : "errno " + std::to_string(err);
#else
  std::string text = "errno " + std::to_string(err);
#endif
  return text + " (" + std::strerror(err) + ")";
}

}  // namespace swarm
