// sd_notify by hand (see systemd_notify.h). Readiness is announced only once the listener
// accepts and signals are handled, so systemd never sends SIGHUP before we can take it.
#include "bin/chat_server/systemd_notify.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>

namespace chat_server::systemd_notify {

std::string ready_message(std::string_view status, pid_t pid) {
  std::string message = "READY=1\n";
  // One line per key: a newline inside STATUS would start a new assignment.
  std::string clean(status);
  for (char& ch : clean)
    if (ch == '\n') ch = ' ';
  if (!clean.empty()) message.append("STATUS=").append(clean).push_back('\n');
  message.append("MAINPID=").append(std::to_string(pid)).push_back('\n');
  return message;
}

std::string reloading_message(std::uint64_t monotonic_usec) {
  return "RELOADING=1\nSTATUS=reloading the configuration\nMONOTONIC_USEC=" + std::to_string(monotonic_usec) + "\n";
}

bool socket_address(std::string_view name, sockaddr_un& address, socklen_t& length) {
  if (name.size() < 2 || (name.front() != '/' && name.front() != '@')) return false;
  if (name.size() > sizeof address.sun_path - (name.front() == '/' ? 1 : 0)) return false;
  address = sockaddr_un{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name.front() == '@') address.sun_path[0] = '\0';  // abstract: no terminator, exact length
  length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name.front() == '/' ? 1 : 0));
  return true;
}

bool send_message(std::string_view message) {
  const char* name = std::getenv("NOTIFY_SOCKET");
  sockaddr_un address;
  socklen_t length;
  if (!name || !socket_address(name, address, length)) return false;
  int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (fd < 0) return false;
  fcntl(fd, F_SETFD, FD_CLOEXEC);
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  ssize_t n;
  do {
    n = sendto(fd, message.data(), message.size(), 0, reinterpret_cast<const sockaddr*>(&address), length);
  } while (n < 0 && errno == EINTR);
  close(fd);
  return n == static_cast<ssize_t>(message.size());
}

void ready(std::string_view status) { send_message(ready_message(status, getpid())); }

void reloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  auto usec = static_cast<std::uint64_t>(now.tv_sec) * 1000000 + static_cast<std::uint64_t>(now.tv_nsec) / 1000;
  send_message(reloading_message(usec));
}

void stopping() { send_message("STOPPING=1\nSTATUS=shutting down\n"); }

}  // namespace chat_server::systemd_notify
