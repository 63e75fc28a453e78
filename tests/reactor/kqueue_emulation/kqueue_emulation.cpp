// kqueue()/kevent() emulated on poll(2) for the Linux unit tests (see sys/event.h here).
// Modelled: EVFILT_READ/EVFILT_WRITE knotes keyed by (descriptor, filter); EV_ADD, EV_DELETE,
// EV_ENABLE, EV_DISABLE, EV_RECEIPT; EV_CLEAR on the read filter; EV_EOF; failed changes
// returned as EV_ERROR entries before any waiting (as FreeBSD and macOS do), or -1 when there
// is no room; and knotes vanishing when their descriptor is closed.
// Not modelled: fflags (socket errors), NOTE_* flags, EV_ONESHOT, other filters, kernel timing.
#include <fcntl.h>
#include <poll.h>
#include <sys/event.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <map>
#include <utility>
#include <vector>

namespace {

using Key = std::pair<std::uintptr_t, std::int16_t>;  // (descriptor, filter)

struct Knote {
  dev_t dev = 0;  // the open file the descriptor named when registered:
  ino_t ino = 0;  // closing it (even if the number is reused) removes the knote
  bool enabled = true;
  bool edge = false;  // EV_CLEAR: report changes, not levels
  bool eof_seen = false;
  int bytes_seen = 0;
};

struct Queue {
  std::map<Key, Knote> knotes;
};

std::map<int, Queue> g_queues;  // by kqueue descriptor

bool same_file(int fd, dev_t& dev, ino_t& ino) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  dev = st.st_dev;
  ino = st.st_ino;
  return true;
}

// Real kqueue drops a descriptor's knotes in close(); here they go at the next kevent().
void forget_closed(Queue& q) {
  for (auto it = q.knotes.begin(); it != q.knotes.end();) {
    dev_t dev;
    ino_t ino;
    bool open =
        same_file(static_cast<int>(it->first.first), dev, ino) && dev == it->second.dev && ino == it->second.ino;
    it = open ? std::next(it) : q.knotes.erase(it);
  }
}

int apply(Queue& q, const struct kevent& c) {
  const unsigned known = EV_ADD | EV_DELETE | EV_ENABLE | EV_DISABLE | EV_CLEAR | EV_RECEIPT;
  if ((c.filter != EVFILT_READ && c.filter != EVFILT_WRITE) || (c.flags & ~known) || c.fflags != 0) return EINVAL;
  if ((c.flags & EV_CLEAR) && c.filter != EVFILT_READ) return EINVAL;
  dev_t dev;
  ino_t ino;
  if (c.ident > static_cast<std::uintptr_t>(INT32_MAX) || !same_file(static_cast<int>(c.ident), dev, ino)) return EBADF;
  auto it = q.knotes.find({c.ident, c.filter});
  if (c.flags & EV_DELETE) {
    if (it == q.knotes.end()) return ENOENT;
    q.knotes.erase(it);
    return 0;
  }
  if (it == q.knotes.end()) {
    if (!(c.flags & EV_ADD)) return ENOENT;
    Knote k;
    k.dev = dev;
    k.ino = ino;
    k.edge = (c.flags & EV_CLEAR) != 0;  // fixed at creation, as in the kernel
    it = q.knotes.emplace(Key{c.ident, c.filter}, k).first;
  }
  if (c.flags & EV_DISABLE) it->second.enabled = false;
  if (c.flags & EV_ENABLE) it->second.enabled = true;
  return 0;
}

int bytes_readable(int fd) {
  int n = 0;
  return ioctl(fd, FIONREAD, &n) == 0 ? n : 0;
}

// One non-blocking look at every enabled knote; fills events, returns how many.
int collect(Queue& q, struct kevent* events, int nevents) {
  std::vector<pollfd> fds;
  std::vector<std::pair<const Key*, Knote*>> knotes;
  for (auto& [key, k] : q.knotes) {
    if (!k.enabled) continue;
    short want = key.second == EVFILT_READ ? POLLIN | POLLRDHUP : POLLOUT;
    fds.push_back({static_cast<int>(key.first), want, 0});
    knotes.emplace_back(&key, &k);
  }
  if (fds.empty() || poll(fds.data(), fds.size(), 0) < 0) return 0;
  int out = 0;
  for (std::size_t i = 0; i < fds.size() && out < nevents; ++i) {
    const short r = fds[i].revents;
    struct kevent ev;
    EV_SET(&ev, knotes[i].first->first, knotes[i].first->second, 0, 0, 0, nullptr);
    bool fire;
    if (ev.filter == EVFILT_READ) {
      Knote& k = *knotes[i].second;
      const bool eof = r & (POLLRDHUP | POLLHUP);
      const int bytes = bytes_readable(fds[i].fd);
      fire = (r & (POLLIN | POLLRDHUP | POLLHUP | POLLERR)) != 0;
      if (k.edge) fire = (eof && !k.eof_seen) || bytes > k.bytes_seen;
      k.eof_seen = eof;
      k.bytes_seen = bytes;
      if (eof) ev.flags |= EV_EOF;
      ev.data = bytes;
    } else {
      fire = (r & (POLLOUT | POLLHUP | POLLERR)) != 0;
      if (r & (POLLHUP | POLLERR)) ev.flags |= EV_EOF;
    }
    if (fire) events[out++] = ev;
  }
  return out;
}

// Sleeps until some knote may have something to report, or the time is up.
void sleep_until_change(Queue& q, int timeout_ms) {
  std::vector<pollfd> fds;
  for (auto& [key, k] : q.knotes) {
    if (!k.enabled) continue;
    short want = key.second == EVFILT_READ ? POLLIN | POLLRDHUP : POLLOUT;
    if (k.edge && k.eof_seen) continue;  // nothing more can happen that it would report
    // poll cannot see "more input" on a descriptor already readable: only EOF still wakes it.
    if (k.edge && k.bytes_seen > 0) want = POLLRDHUP;
    fds.push_back({static_cast<int>(key.first), want, 0});
  }
  poll(fds.data(), fds.size(), timeout_ms);
}

}  // namespace

int kqueue() {
  // A real descriptor, so the caller can close() it like a kqueue; its number keys the state.
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) g_queues[fd] = Queue{};
  return fd;
}

int kevent(int kq, const struct kevent* changelist, int nchanges, struct kevent* eventlist, int nevents,
           const struct timespec* timeout) {
  auto found = g_queues.find(kq);
  if (found == g_queues.end() || fcntl(kq, F_GETFD) < 0) {
    errno = EBADF;
    return -1;
  }
  Queue& q = found->second;
  forget_closed(q);
  int out = 0;
  for (int i = 0; i < nchanges; ++i) {
    int err = apply(q, changelist[i]);
    if (err == 0 && !(changelist[i].flags & EV_RECEIPT)) continue;
    if (out == nevents) {
      errno = err;
      return -1;
    }
    eventlist[out] = changelist[i];
    eventlist[out].flags = EV_ERROR;
    eventlist[out].data = err;
    ++out;
  }
  if (out > 0 || nevents <= 0) return out;

  using Clock = std::chrono::steady_clock;
  const bool forever = timeout == nullptr;
  const auto deadline =
      forever ? Clock::time_point::max()
              : Clock::now() + std::chrono::seconds(timeout->tv_sec) + std::chrono::nanoseconds(timeout->tv_nsec);
  for (;;) {
    if (int n = collect(q, eventlist, nevents)) return n;
    int left_ms = -1;
    if (!forever) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return 0;
      left_ms = static_cast<int>(left);
    }
    sleep_until_change(q, left_ms);
  }
}
