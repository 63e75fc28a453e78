// Sockets for the swarm: addresses resolved once (not once per connection, as
// reactor::connect_tcp does), and connect() results as errno values so every failure can be
// counted by its cause.
#pragma once

#include <sys/socket.h>

#include <string>

namespace swarm {

struct Address {
  sockaddr_storage storage{};
  socklen_t length = 0;
  std::string text;
};

// Resolves host:port (numeric or by name); false with `error` set on failure.
bool resolve(const std::string& host, std::uint16_t port, Address& out, std::string& error);
// A numeric local address to bind before connecting (port 0: the kernel picks one).
bool resolve_source(const std::string& ip, Address& out, std::string& error);

// Starts a non-blocking connection, optionally from `source`. Returns the descriptor, or
// -errno. A descriptor may still be connecting: wait for writability, then connect_error().
// A socket numbered `max_fd` or above is closed before connecting and reported as EMFILE,
// so the process always keeps the descriptors above it for itself.
int start_connect(const Address& server, const Address* source, int max_fd);
// 0 once a non-blocking connect succeeded, else its errno.
int connect_error(int fd);

// Closes with SO_LINGER 0, so the peer sees a TCP reset instead of an orderly end.
void close_with_reset(int fd);

// "ECONNREFUSED (Connection refused)".
std::string errno_text(int err);

}  // namespace swarm
