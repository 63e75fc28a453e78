// Poller: the one interface every readiness backend (epoll, poll, later kqueue) implements.
// The event loop talks only to this; it never names a backend.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace reactor {

// Interest and readiness bits.
enum : std::uint8_t {
  kReadable = 1,
  kWritable = 2,
  kHangup = 4,  // the connection is gone both ways, or failed; delivered even without read
                // interest. A peer's half-close is just kReadable (read() returns 0).
};

struct ReadyEvent {
  int fd;
  std::uint8_t events;
};

class Poller {
 public:
  virtual ~Poller() = default;
  virtual std::string_view name() const = 0;
  // Each returns 0 or an errno value.
  virtual int add(int fd, std::uint8_t interest) = 0;
  virtual int modify(int fd, std::uint8_t interest) = 0;
  virtual int remove(int fd) = 0;
  // Waits up to timeout_ms (-1: forever) and replaces `out` with the ready descriptors.
  // Returns 0 or an errno value (EINTR is reported as 0 with no events).
  virtual int wait(std::vector<ReadyEvent>& out, int timeout_ms) = 0;
};

// The backends compiled into this build, the default first.
std::vector<std::string_view> available_backends();
// nullptr when `backend` is unknown or cannot be created here.
std::unique_ptr<Poller> make_poller(std::string_view backend);

}  // namespace reactor
