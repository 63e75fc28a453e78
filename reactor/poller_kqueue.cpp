// kqueue backend (macOS, the BSDs), level-triggered like the epoll one. Interest changes are
// queued and handed to the kernel in the next wait's kevent() call, so arming and disarming
// write interest costs no syscall of its own. Removal goes to the kernel at once: the caller
// closes the descriptor right after, and a queued EV_DELETE on a closed descriptor would fail.
// Compiled only when CMake's CHAT_KQUEUE is on; on Linux the unit tests build it a second time
// over tests/reactor/kqueue_emulation (docs/PLATFORMS.md says what that proves and what not).
// Older BSDs need <sys/types.h> before <sys/event.h>.
// clang-format off
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
// clang-format on
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>

#include "reactor/poller.h"

namespace reactor {
namespace {

// kqueue reports the two directions on separate filters. EOF on the read filter alone is a
// peer's half-close (it may still read what we owe it); a hang-up means our side cannot send
// either. poll() with POLLOUT says exactly that (POLLHUP/POLLERR) on Linux, macOS and the
// BSDs; asked only at EOF, so once or twice per connection.
bool write_side_gone(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

class KqueuePoller final : public Poller {
 public:
  KqueuePoller() : kq_(kqueue()) {
    if (kq_ >= 0) fcntl(kq_, F_SETFD, FD_CLOEXEC);
  }
  ~KqueuePoller() override {
    if (kq_ >= 0) close(kq_);
  }
  bool ok() const { return kq_ >= 0; }
  std::string_view name() const override { return "kqueue"; }

  // Both filters exist for as long as the descriptor is watched. Without read interest the
  // read filter is edge-triggered (EV_CLEAR): unread input does not keep waking us (new input
  // wakes a wait once, unreported), yet the peer going away does, so a paused descriptor's
  // hang-up is noticed as with epoll.
  int add(int fd, std::uint8_t interest) override {
    if (fd < 0) return EBADF;
    if (static_cast<std::size_t>(fd) >= fds_.size()) fds_.resize(fd + 1);
    Watched& w = fds_[fd];
    if (w.watched) return EEXIST;
    w = Watched{};
    w.watched = true;
    w.interest = interest;
    queue_read_filter(fd, interest);
    queue(fd, EVFILT_WRITE, EV_ADD | ((interest & kWritable) ? EV_ENABLE : EV_DISABLE));
    return 0;
  }

  int modify(int fd, std::uint8_t interest) override {
    Watched* w = find(fd);
    if (!w) return ENOENT;
    std::uint8_t changed = w->interest ^ interest;
    if (changed & kReadable) {
      // A filter cannot switch between level and edge in place: replace it.
      queue(fd, EVFILT_READ, EV_DELETE);
      queue_read_filter(fd, interest);
    }
    if (changed & kWritable) queue(fd, EVFILT_WRITE, (interest & kWritable) ? EV_ENABLE : EV_DISABLE);
    w->interest = interest;
    return 0;
  }

  int remove(int fd) override {
    Watched* w = find(fd);
    if (!w) return ENOENT;
    changes_.erase(std::remove_if(changes_.begin(), changes_.end(),
                                  [fd](const struct kevent& c) { return c.ident == static_cast<std::uintptr_t>(fd); }),
                   changes_.end());
    if (w->in_kernel) {
      struct kevent del[2];
      EV_SET(&del[0], fd, EVFILT_READ, EV_DELETE, 0, 0, 0);
      EV_SET(&del[1], fd, EVFILT_WRITE, EV_DELETE, 0, 0, 0);
      // Fails only when fd was closed first, and closing removed both filters already.
      kevent(kq_, del, 2, nullptr, 0, nullptr);
    }
    *w = Watched{};
    return 0;
  }

  int wait(std::vector<ReadyEvent>& out, int timeout_ms) override {
    out.clear();
    timespec ts{};
    const timespec* limit = nullptr;
    if (timeout_ms >= 0) {
      ts.tv_sec = timeout_ms / 1000;
      ts.tv_nsec = static_cast<long>(timeout_ms % 1000) * 1'000'000L;
      limit = &ts;
    }
    // Room for every change to come back as an error; otherwise the kernel would stop
    // applying changes at the first failure that finds no room.
    if (events_.size() < changes_.size()) events_.resize(changes_.size());
    for (const struct kevent& c : changes_) fds_[c.ident].in_kernel = true;
    const bool had_changes = !changes_.empty();
    int n = kevent(kq_, changes_.data(), static_cast<int>(changes_.size()), events_.data(),
                   static_cast<int>(events_.size()), limit);
    changes_.clear();  // applied, or failed for a descriptor that was closed
    if (n < 0) return errno == EINTR ? 0 : errno;
    if (collect(n, out) == n && n > 0 && had_changes) {
      // Failed changes come back alone, before the kernel waits (a descriptor closed without
      // remove(): nothing to undo). Wait now.
      n = kevent(kq_, nullptr, 0, events_.data(), static_cast<int>(events_.size()), limit);
      if (n < 0) return errno == EINTR ? 0 : errno;
      collect(n, out);
    }
    // A full batch suggests more are ready: take more next time.
    if (n == static_cast<int>(events_.size()) && events_.size() < kMaxBatch) events_.resize(events_.size() * 2);
    return 0;
  }

 private:
  static constexpr std::size_t kMaxBatch = 8192;

  struct Watched {
    bool watched = false;
    bool in_kernel = false;  // its filters went to the kernel (a wait ran since add)
    std::uint8_t interest = 0;
    int slot = -1;  // its entry in the batch being built
  };

  Watched* find(int fd) {
    if (fd < 0 || static_cast<std::size_t>(fd) >= fds_.size() || !fds_[fd].watched) return nullptr;
    return &fds_[fd];
  }

  void queue(int fd, int filter, unsigned flags) {
    struct kevent c;
    EV_SET(&c, fd, filter, flags, 0, 0, 0);
    changes_.push_back(c);
  }
  void queue_read_filter(int fd, std::uint8_t interest) {
    queue(fd, EVFILT_READ, EV_ADD | ((interest & kReadable) ? 0 : EV_CLEAR));
  }

  // Appends the events among the first n, one entry per descriptor (kqueue reports each
  // filter apart); returns how many were failed changes.
  int collect(int n, std::vector<ReadyEvent>& out) {
    int errors = 0;
    for (int i = 0; i < n; ++i) {
      const struct kevent& ev = events_[i];
      if (ev.flags & EV_ERROR) {
        ++errors;
        continue;
      }
      int fd = static_cast<int>(ev.ident);
      Watched* w = find(fd);
      if (!w) continue;
      std::uint8_t ready = 0;
      if (ev.filter == EVFILT_READ) {
        // Input, or a half-close (read() returns 0); a paused reader is woken only by EOF.
        if (w->interest & kReadable) ready |= kReadable;
        if ((ev.flags & EV_EOF) && (ev.fflags != 0 || write_side_gone(fd))) ready |= kHangup;
      } else if (ev.filter == EVFILT_WRITE) {
        // EOF here: the peer cannot take more bytes, the connection is gone.
        ready |= (ev.flags & EV_EOF) ? kHangup : kWritable;
      }
      if (!ready) continue;
      if (w->slot < 0) {
        w->slot = static_cast<int>(out.size());
        out.push_back({fd, 0});
      }
      out[w->slot].events |= ready;
    }
    for (const ReadyEvent& e : out) fds_[e.fd].slot = -1;
    return errors;
  }

  int kq_;
  std::vector<Watched> fds_;
  std::vector<struct kevent> changes_;
  std::vector<struct kevent> events_ = std::vector<struct kevent>(256);
};

}  // namespace

std::unique_ptr<Poller> make_kqueue_poller() {
  auto poller = std::make_unique<KqueuePoller>();
  if (!poller->ok()) return nullptr;
  return poller;
}

}  // namespace reactor
