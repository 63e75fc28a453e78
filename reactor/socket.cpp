// Socket helpers. Linux-only calls (accept4, TCP_KEEPIDLE) are guarded for other platforms.
#include "reactor/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace reactor {
namespace {

bool set_nonblocking_cloexec(int fd) {
  int fl = fcntl(fd, F_GETFL);
  return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) == 0;
}

PeerAddress to_peer(const sockaddr_storage& ss) {
  PeerAddress peer;
  char text[INET6_ADDRSTRLEN] = {0};
  if (ss.ss_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    peer.port = ntohs(in->sin_port);
  } else if (ss.ss_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
    if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr)) {
      inet_ntop(AF_INET, in6->sin6_addr.s6_addr + 12, text, sizeof text);
    } else {
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
    }
    peer.port = ntohs(in6->sin6_port);
  } else {
    std::strcpy(text, "unknown");
  }
  peer.ip = text;
  return peer;
}

}  // namespace

std::string PeerAddress::to_string() const {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

int listen_tcp(const std::string& host, std::uint16_t port, int backlog, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + service;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found)) {
    error = "cannot resolve " + where + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  int last_errno = 0;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    int one = 1, zero = 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (set_nonblocking_cloexec(fd) && bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0) break;
    last_errno = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) error = "cannot listen on " + where + ": " + std::strerror(last_errno);
  return fd;
}

int connect_tcp(const std::string& host, std::uint16_t port, const std::string& source_ip, std::string& error) {
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
  int last_errno = 0;
  for (addrinfo* ai = found; ai; ai = ai->ai_next) {
    fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) {
      last_errno = errno;
      continue;
    }
    bool ok = set_nonblocking_cloexec(fd);
    if (ok && !source_ip.empty()) {
      addrinfo* src = nullptr;
      addrinfo src_hints{};
      src_hints.ai_family = ai->ai_family;
      src_hints.ai_socktype = SOCK_STREAM;
      src_hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
      ok = getaddrinfo(source_ip.c_str(), nullptr, &src_hints, &src) == 0;
      if (ok) {
        ok = bind(fd, src->ai_addr, src->ai_addrlen) == 0;
        freeaddrinfo(src);
      } else {
        errno = EADDRNOTAVAIL;
      }
    }
    if (ok) {
      int rc;
      do {
        rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
      } while (rc != 0 && errno == EINTR);
      if (rc == 0 || errno == EINPROGRESS) break;
    }
    last_errno = errno;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  if (fd < 0) error = "cannot connect to " + host + ":" + service + ": " + std::strerror(last_errno);
  return fd;
}

int connect_result(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

std::uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  return to_peer(ss).port;
}

int accept_connection(int listen_fd, PeerAddress& peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  int fd;
  do {
#ifdef __linux__
    fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
    fd = accept(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len);
    if (fd >= 0 && !set_nonblocking_cloexec(fd)) {
      int saved = errno;
      close(fd);
      errno = saved;
      fd = -1;
    }
#endif
  } while (fd < 0 && errno == EINTR);
  if (fd >= 0) peer = to_peer(ss);
  return fd;
}

void tune_connection(int fd, const KeepaliveSettings& keepalive) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
#if defined(TCP_KEEPIDLE)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive.idle_seconds, sizeof(int));
#elif defined(TCP_KEEPALIVE)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &keepalive.idle_seconds, sizeof(int));
#endif
#if defined(TCP_KEEPINTVL)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive.interval_seconds, sizeof(int));
#endif
#if defined(TCP_KEEPCNT)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &keepalive.probes, sizeof(int));
#endif
}

std::uint64_t raise_descriptor_limit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return 1024;
  if (lim.rlim_cur < lim.rlim_max) {
    rlimit want = lim;
    want.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) lim = want;
  }
  return lim.rlim_cur == RLIM_INFINITY ? 1u << 20 : static_cast<std::uint64_t>(lim.rlim_cur);
}

long write_some(int fd, const void* data, std::size_t size) {
  ssize_t n;
  do {
    n = ::write(fd, data, size);
  } while (n < 0 && errno == EINTR);
  return n;
}

}  // namespace reactor
