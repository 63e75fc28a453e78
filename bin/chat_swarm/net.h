// Sockets for the swarm: the server's address resolved once (reactor::resolve_tcp, first
// address only), and connect() results as errno values so every failure can be counted by
// its cause.
#pragma once

#include <cstdint>
#include <string>

#include "reactor/socket.h"

namespace swarm {

using Address = reactor::SocketAddress;

// Resolves host:port (numeric or by name) to its first address, whose text is host:port as
// given; false with `error` set on failure.
bool resolve(const std::string& host, std::uint16_t port, Address& out, std::string& error);
// A numeric local address to bind before connecting (port 0: the kernel picks one).
inline bool resolve_source(const std::string& ip, Address& out, std::string& error) {
  return reactor::resolve_numeric(ip, out, error);
}

// Starts a non-blocking connection with TCP_NODELAY, optionally from `source`. Returns the
// descriptor, or -errno. A descriptor may still be connecting: wait for writability, then
// connect_error(). A socket numbered `max_fd` or above is closed before connecting and
// reported as EMFILE, so the process always keeps the descriptors above it for itself.
int start_connect(const Address& server, const Address* source, int max_fd);
// 0 once a non-blocking connect succeeded, else its errno.
inline int connect_error(int fd) { return reactor::connect_result(fd); }

// Closes with SO_LINGER 0, so the peer sees a TCP reset instead of an orderly end.
void close_with_reset(int fd);

// "ECONNREFUSED (Connection refused)".
std::string errno_text(int err);

}  // namespace swarm
