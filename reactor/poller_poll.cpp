// poll(2) backend: portable and simple; O(descriptors) per wait, so for tests and small servers.
#include <poll.h>

#include <cerrno>

#include "reactor/poller.h"

namespace reactor {
namespace {

#if CHAT_HAVE_POLLRDHUP
constexpr short kPollReadable = POLLIN | POLLRDHUP;  // a half-close, as epoll reports it (Linux)
#else
constexpr short kPollReadable = POLLIN;
#endif

short to_poll(std::uint8_t interest) {
  short mask = 0;
  if (interest & kReadable) mask |= kPollReadable;
  if (interest & kWritable) mask |= POLLOUT;
  return mask;
}

class PollPoller final : public Poller {
 public:
  std::string_view name() const override { return "poll"; }

  int add(int fd, std::uint8_t interest) override {
    if (fd < 0) return EBADF;
    if (static_cast<std::size_t>(fd) >= slot_of_fd_.size()) slot_of_fd_.resize(fd + 1, -1);
    if (slot_of_fd_[fd] >= 0) return EEXIST;
    slot_of_fd_[fd] = static_cast<int>(fds_.size());
    fds_.push_back({fd, to_poll(interest), 0});
    return 0;
  }

  int modify(int fd, std::uint8_t interest) override {
    int slot = slot_for(fd);
    if (slot < 0) return ENOENT;
    fds_[slot].events = to_poll(interest);
    return 0;
  }

  int remove(int fd) override {
    int slot = slot_for(fd);
    if (slot < 0) return ENOENT;
    // Swap-remove keeps the array dense.
    fds_[slot] = fds_.back();
    slot_of_fd_[fds_[slot].fd] = slot;
    fds_.pop_back();
    slot_of_fd_[fd] = -1;
    return 0;
  }

  int wait(std::vector<ReadyEvent>& out, int timeout_ms) override {
    out.clear();
    int n = poll(fds_.data(), fds_.size(), timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : errno;
    for (const pollfd& p : fds_) {
      if (n == 0) break;
      if (p.revents == 0) continue;
      --n;
      std::uint8_t ready = 0;
      if (p.revents & POLLIN) ready |= kReadable;
      if (p.revents & POLLOUT) ready |= kWritable;
      if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) ready |= kHangup;
#if CHAT_HAVE_POLLRDHUP
      if (p.revents & POLLRDHUP) ready |= kReadable;  // half-close: read() returns 0 (see epoll)
#endif
      out.push_back({p.fd, ready});
    }
    return 0;
  }

 private:
  int slot_for(int fd) const {
    if (fd < 0 || static_cast<std::size_t>(fd) >= slot_of_fd_.size()) return -1;
    return slot_of_fd_[fd];
  }

  std::vector<pollfd> fds_;
  std::vector<int> slot_of_fd_;
};

}  // namespace

std::unique_ptr<Poller> make_poll_poller() { return std::make_unique<PollPoller>(); }

}  // namespace reactor
