// Poller: the one interface every readiness backend (epoll, kqueue, poll) implements.
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
  // Each returns 0 or an errno value. kqueue hands add() and modify() to the kernel only at
  // the next wait(), so it cannot report what the kernel would refuse; remove() before
  // closing a descriptor.
  virtual int add(int fd, std::uint8_t interest) = 0;
  virtual int modify(int fd, std::uint8_t interest) = 0;
  virtual int remove(int fd) = 0;
  // Waits up to timeout_ms (-1: forever) and replaces `out` with the ready descriptors.
  // Returns 0 or an errno value (EINTR is reported as 0 with no events).
  virtual int wait(std::vector<ReadyEvent>& out, int timeout_ms) = 0;
};

// The backends compiled into this build, the default first: epoll on Linux, kqueue on macOS
// and the BSDs, then poll everywhere.
std::vector<std::string_view> available_backends();
// nullptr when `backend` is unknown or cannot be created here.
std::unique_ptr<Poller> make_poller(std::string_view backend);

// Each backend's own factory (nullptr when the kernel refuses); defined only where that
// backend is compiled (CHAT_HAVE_EPOLL, CHAT_HAVE_KQUEUE). Tests use them to reach a backend
// that make_poller does not offer, such as kqueue built over the test emulation on Linux.
std::unique_ptr<Poller> make_epoll_poller();
std::unique_ptr<Poller> make_kqueue_poller();
std::unique_ptr<Poller> make_poll_poller();

}  // namespace reactor
