// Socket helpers. Calls not on every platform (accept4, SOCK_NONBLOCK, TCP_KEEPIDLE,
// IP_BIND_ADDRESS_NO_PORT) sit behind the CHAT_HAVE_* macros CMake detects, each with a
// portable path; the no-epoll CI build switches them all off.
#include "reactor/socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
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

SocketAddress to_socket_address(const addrinfo& ai) {
  SocketAddress address;
  std::memcpy(&address.storage, ai.ai_addr, ai.ai_addrlen);
  address.length = ai.ai_addrlen;
  address.text = to_peer(address.storage).to_string();
  return address;
}

// Closes fd after a failed call and returns that call's -errno.
int close_returning_errno(int fd) {
  int err = errno;
  close(fd);
  return -err;
}

}  // namespace

std::string PeerAddress::to_string() const {
  if (ip.find(':') != std::string::npos) return "[" + ip + "]:" + std::to_string(port);
  return ip + ":" + std::to_string(port);
}

int listen_tcp(const std::string& host, std::uint16_t port, int backlog, std::string& error, bool reuse_port) {
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
#ifdef SO_REUSEPORT
    if (reuse_port && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
      last_errno = errno;
      close(fd);
      continue;
    }
#else
    if (reuse_port) {
      last_errno = ENOPROTOOPT;
      close(fd);
      continue;
    }
#endif
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

std::vector<SocketAddress> resolve_tcp(const std::string& host, std::uint16_t port, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::vector<SocketAddress> addresses;
  if (int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found)) {
    error = "cannot resolve " + host + ": " + gai_strerror(rc);
    return addresses;
  }
  for (addrinfo* ai = found; ai; ai = ai->ai_next) addresses.push_back(to_socket_address(*ai));
  freeaddrinfo(found);
  if (addresses.empty()) error = "cannot resolve " + host + ": no address";
  return addresses;
}

bool resolve_numeric(const std::string& ip, SocketAddress& out, std::string& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(ip.c_str(), nullptr, &hints, &found)) {
    error = "bad source address " + ip + ": " + gai_strerror(rc);
    return false;
  }
  out = to_socket_address(*found);
  freeaddrinfo(found);
  return true;
}

int start_connect(const SocketAddress& to, const SocketAddress* from, int max_fd) {
#if CHAT_HAVE_SOCK_NONBLOCK
  int fd = socket(to.storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -errno;
#else
  int fd = socket(to.storage.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return -errno;
  if (!set_nonblocking_cloexec(fd)) return close_returning_errno(fd);
#endif
  if (fd >= max_fd) {
    close(fd);
    return -EMFILE;
  }
  if (from) {
#if CHAT_HAVE_IP_BIND_ADDRESS_NO_PORT
    // Let connect() pick the port for the full 4-tuple, so many sources share the range.
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (bind(fd, reinterpret_cast<const sockaddr*>(&from->storage), from->length) != 0)
      return close_returning_errno(fd);
  }
  int rc;
  do {
    rc = connect(fd, reinterpret_cast<const sockaddr*>(&to.storage), to.length);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno != EINPROGRESS) return close_returning_errno(fd);
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
#if CHAT_HAVE_ACCEPT4
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
#if CHAT_HAVE_TCP_KEEPIDLE
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive.idle_seconds, sizeof(int));
#elif CHAT_HAVE_TCP_KEEPALIVE
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPALIVE, &keepalive.idle_seconds, sizeof(int));  // macOS's name
#endif
#if defined(TCP_KEEPINTVL)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &keepalive.interval_seconds, sizeof(int));
#endif
#if defined(TCP_KEEPCNT)
  setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &keepalive.probes, sizeof(int));
#endif
#if CHAT_HAVE_TCP_USER_TIMEOUT
  // Keepalive never probes while data is unacknowledged, so a peer that vanished with output
  // in flight would last the whole retransmission timeout (~15 min). Give up on
  // unacknowledged data after as long as keepalive takes to give up on silence.
  unsigned timeout_ms = user_timeout_ms(keepalive);
  setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &timeout_ms, sizeof timeout_ms);
#endif
}

unsigned user_timeout_ms(const KeepaliveSettings& keepalive) {
  long long seconds = static_cast<long long>(keepalive.idle_seconds) +
                      static_cast<long long>(keepalive.probes) * keepalive.interval_seconds;
  return static_cast<unsigned>(std::clamp<long long>(seconds * 1000, 1000, 1LL << 31));
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
