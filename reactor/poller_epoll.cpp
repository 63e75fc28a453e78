// epoll backend (Linux), level-triggered: a handler that leaves bytes unread is called again.
// Compiled only when CMake's CHAT_EPOLL is on.
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>

#include "reactor/poller.h"

namespace reactor {
namespace {

std::uint32_t to_epoll(std::uint8_t interest) {
  std::uint32_t mask = 0;
  if (interest & kReadable) mask |= EPOLLIN | EPOLLRDHUP;
  if (interest & kWritable) mask |= EPOLLOUT;
  return mask;
}

class EpollPoller final : public Poller {
 public:
  EpollPoller() : epfd_(epoll_create1(EPOLL_CLOEXEC)) {}
  ~EpollPoller() override {
    if (epfd_ >= 0) close(epfd_);
  }
  bool ok() const { return epfd_ >= 0; }
  std::string_view name() const override { return "epoll"; }

  int add(int fd, std::uint8_t interest) override { return control(EPOLL_CTL_ADD, fd, interest); }
  int modify(int fd, std::uint8_t interest) override { return control(EPOLL_CTL_MOD, fd, interest); }
  int remove(int fd) override { return control(EPOLL_CTL_DEL, fd, 0); }

  int wait(std::vector<ReadyEvent>& out, int timeout_ms) override {
    out.clear();
    int n = epoll_wait(epfd_, events_.data(), static_cast<int>(events_.size()), timeout_ms);
    if (n < 0) return errno == EINTR ? 0 : errno;
    for (int i = 0; i < n; ++i) {
      std::uint32_t e = events_[i].events;
      std::uint8_t ready = 0;
      // A peer's half-close (RDHUP) is only "readable": read() then returns 0. kHangup means
      // the connection is gone both ways, which is reported even when reading is paused.
      if (e & (EPOLLIN | EPOLLRDHUP)) ready |= kReadable;
      if (e & EPOLLOUT) ready |= kWritable;
      if (e & (EPOLLHUP | EPOLLERR)) ready |= kHangup;
      out.push_back({events_[i].data.fd, ready});
    }
    // A full batch suggests more are ready: take more next time.
    if (n == static_cast<int>(events_.size()) && events_.size() < kMaxBatch) events_.resize(events_.size() * 2);
    return 0;
  }

 private:
  static constexpr std::size_t kMaxBatch = 8192;

  int control(int op, int fd, std::uint8_t interest) {
    epoll_event ev{};
    ev.events = to_epoll(interest);
    ev.data.fd = fd;
    return epoll_ctl(epfd_, op, fd, &ev) == 0 ? 0 : errno;
  }

  int epfd_;
  std::vector<epoll_event> events_ = std::vector<epoll_event>(256);
};

}  // namespace

std::unique_ptr<Poller> make_epoll_poller() {
  auto poller = std::make_unique<EpollPoller>();
  if (!poller->ok()) return nullptr;
  return poller;
}

}  // namespace reactor
