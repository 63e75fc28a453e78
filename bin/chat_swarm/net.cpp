// Socket helpers for the swarm.
#include "bin/chat_swarm/net.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace swarm {

bool resolve(const std::string& host, std::uint16_t port, Address& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (int rc = getaddrinfo(host.c_str(), service.c_str(), &hints, &found)) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  out.text = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + service;
  freeaddrinfo(found);
  return true;
}

bool resolve_source(const std::string& ip, Address& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(ip.c_str(), nullptr, &hints, &found)) {
    error = "bad source address " + ip + ": " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&out.storage, found->ai_addr, found->ai_addrlen);
  out.length = found->ai_addrlen;
  out.text = ip;
  freeaddrinfo(found);
  return true;
}

int start_connect(const Address& server, const Address* source, int max_fd) {
  int fd = socket(server.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
  if (fd >= max_fd) {
    close(fd);
    return -EMFILE;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (source) {
#ifdef IP_BIND_ADDRESS_NO_PORT
    // Let connect() pick the port for the full 4-tuple, so many sources share the range.
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (bind(fd, reinterpret_cast<const sockaddr*>(&source->storage), source->length) != 0) {
      int err = errno;
      close(fd);
      return -err;
    }
  }
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<const sockaddr*>(&server.storage), server.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) {
    int err = errno;
    close(fd);
    return -err;
  }
  return fd;
}

int connect_error(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

void close_with_reset(int fd) {
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close(fd);
}

std::string errno_text(int err) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
#else
  const char* name = nullptr;
#endif
  std::string text = name ? name : "errno " + std::to_string(err);
  return text + " (" + std::strerror(err) + ")";
}

}  // namespace swarm
