// The kqueue behaviour reactor/poller_kqueue.cpp relies on, checked at the kevent() level.
// On Linux this runs against the test emulation (tests/reactor/kqueue_emulation); on macOS
// and the BSDs the same tests run against the real kernel, which is what would show the
// emulation to be wrong there.
#if CHAT_KQUEUE_EMULATED || CHAT_HAVE_KQUEUE
// Older BSDs need <sys/types.h> before <sys/event.h>.
// clang-format off
#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>
// clang-format on
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "tests/reactor/descriptors.h"

namespace {

struct Kqueue {
  int fd = kqueue();
  ~Kqueue() {
    if (fd >= 0) close(fd);
  }
  // Applies one change; 0 or the errno it failed with.
  int change(int ident, int filter, unsigned flags) const {
    struct kevent c, result;
    EV_SET(&c, ident, filter, flags | EV_RECEIPT, 0, 0, 0);
    int n = kevent(fd, &c, 1, &result, 1, nullptr);
    if (n < 0) return errno;
    return (n == 1 && (result.flags & EV_ERROR)) ? static_cast<int>(result.data) : -1;
  }
  std::vector<struct kevent> wait(int timeout_ms) const {
    std::vector<struct kevent> out(16);
    timespec ts{timeout_ms / 1000, static_cast<long>(timeout_ms % 1000) * 1'000'000L};
    int n = kevent(fd, nullptr, 0, out.data(), static_cast<int>(out.size()), &ts);
    out.resize(n < 0 ? 0 : n);
    return out;
  }
};

struct Pair {
  int fd[2] = {-1, -1};
  Pair() { reactor_test::nonblocking_socketpair(fd); }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  // Closes one end now; the destructor then leaves it alone.
  void close_end(int i) {
    close(fd[i]);
    fd[i] = -1;
  }
};

constexpr int kGenerousMs = 5000;

}  // namespace

TEST(KqueueInterface, ReadFilterReportsBytesThenEofOnHalfClose) {
  Kqueue kq;
  Pair p;
  ASSERT_GE(kq.fd, 0);
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_READ, EV_ADD), 0);
  EXPECT_TRUE(kq.wait(0).empty());
  ASSERT_EQ(write(p.fd[1], "abc", 3), 3);
  auto got = kq.wait(kGenerousMs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].ident, static_cast<std::uintptr_t>(p.fd[0]));
  EXPECT_EQ(got[0].filter, EVFILT_READ);
  EXPECT_EQ(got[0].data, 3);
  EXPECT_FALSE(got[0].flags & EV_EOF);
  ASSERT_EQ(shutdown(p.fd[1], SHUT_WR), 0);
  got = kq.wait(kGenerousMs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].flags & EV_EOF);
}

TEST(KqueueInterface, WriteFilterEofOnlyWhenThePeerIsGone) {
  Kqueue kq;
  Pair p;
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_WRITE, EV_ADD), 0);
  ASSERT_EQ(shutdown(p.fd[1], SHUT_WR), 0);  // the peer still reads
  auto got = kq.wait(kGenerousMs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].filter, EVFILT_WRITE);
  EXPECT_FALSE(got[0].flags & EV_EOF);
  p.close_end(1);
  got = kq.wait(kGenerousMs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].flags & EV_EOF);
}

TEST(KqueueInterface, DisabledFilterIsSilentUntilEnabled) {
  Kqueue kq;
  Pair p;
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_WRITE, EV_ADD | EV_DISABLE), 0);
  EXPECT_TRUE(kq.wait(0).empty());
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_WRITE, EV_ENABLE), 0);
  EXPECT_EQ(kq.wait(kGenerousMs).size(), 1u);
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_WRITE, EV_DISABLE), 0);
  EXPECT_TRUE(kq.wait(0).empty());
}

TEST(KqueueInterface, ClearReadFilterReportsChangesNotLevels) {
  Kqueue kq;
  Pair p;
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_READ, EV_ADD | EV_CLEAR), 0);
  ASSERT_EQ(write(p.fd[1], "x", 1), 1);
  EXPECT_EQ(kq.wait(kGenerousMs).size(), 1u);
  EXPECT_TRUE(kq.wait(0).empty()) << "unread input reported again";
  p.close_end(1);
  auto got = kq.wait(kGenerousMs);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_TRUE(got[0].flags & EV_EOF);
}

TEST(KqueueInterface, RefusedChangeComesBackAloneBeforeAnyWaiting) {
  Kqueue kq;
  Pair ready, gone;
  ASSERT_EQ(kq.change(ready.fd[0], EVFILT_READ, EV_ADD), 0);
  ASSERT_EQ(write(ready.fd[1], "x", 1), 1);
  const int closed = gone.fd[0];
  gone.close_end(0);
  struct kevent c;
  EV_SET(&c, closed, EVFILT_READ, EV_ADD, 0, 0, 0);
  std::vector<struct kevent> out(4);
  int n = kevent(kq.fd, &c, 1, out.data(), 4, nullptr);
  ASSERT_EQ(n, 1) << "the refused change, and not the ready descriptor";
  EXPECT_TRUE(out[0].flags & EV_ERROR);
  EXPECT_EQ(out[0].data, EBADF);
  // Without room for it, the whole call fails.
  EXPECT_EQ(kevent(kq.fd, &c, 1, nullptr, 0, nullptr), -1);
  EXPECT_EQ(errno, EBADF);
  EXPECT_EQ(kq.wait(kGenerousMs).size(), 1u);  // the ready one, now
}

TEST(KqueueInterface, ClosingADescriptorRemovesItsFilters) {
  Kqueue kq;
  Pair p, q;
  ASSERT_EQ(kq.change(p.fd[0], EVFILT_READ, EV_ADD), 0);
  const int number = p.fd[0];
  p.close_end(0);
  EXPECT_EQ(kq.change(number, EVFILT_READ, EV_DELETE), EBADF);
  // The number reused by another socket carries nothing over.
  ASSERT_EQ(dup2(q.fd[0], number), number);
  EXPECT_EQ(kq.change(number, EVFILT_READ, EV_DELETE), ENOENT);
  ASSERT_EQ(write(q.fd[1], "x", 1), 1);
  EXPECT_TRUE(kq.wait(0).empty());
  close(number);
}

#endif
