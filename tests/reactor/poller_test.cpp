// Poller: one suite run against every backend (epoll, kqueue, poll; kqueue emulated on Linux):
// readiness, interest changes, removal, EOF and half-close, hang-ups, many descriptors.
#include "reactor/poller.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/reactor/backends.h"
#include "tests/reactor/descriptors.h"

using reactor::kHangup;
using reactor::kReadable;
using reactor::kWritable;
using reactor::make_poller;
using reactor::Poller;
using reactor::ReadyEvent;

namespace {

constexpr int kGenerousMs = 5000;  // an upper bound only: readiness here is immediate

struct Fds {
  int fd[2] = {-1, -1};
  ~Fds() { close_all(); }
  void close_end(int i) {
    if (fd[i] >= 0) close(fd[i]);
    fd[i] = -1;
  }
  void close_all() {
    close_end(0);
    close_end(1);
  }
};

bool make_socketpair(Fds& p) { return reactor_test::nonblocking_socketpair(p.fd); }
bool make_pipe(Fds& p) { return reactor_test::nonblocking_pipe(p.fd); }

void put(int fd, const char* text = "x") { ASSERT_GT(write(fd, text, std::strlen(text)), 0); }

std::size_t take_all(int fd) {
  char buf[4096];
  std::size_t total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return total;
    total += static_cast<std::size_t>(n);
  }
}

std::string describe(const std::vector<ReadyEvent>& events) {
  std::string s;
  for (const ReadyEvent& e : events) s += "{fd " + std::to_string(e.fd) + " ev " + std::to_string(e.events) + "} ";
  return s.empty() ? "none" : s;
}

class PollerTest : public testing::TestWithParam<std::string_view> {
 protected:
  void SetUp() override {
    poller_ = reactor_test::make_tested_poller(GetParam());
    ASSERT_NE(poller_, nullptr) << GetParam();
  }
  // Events for fd in one wait, or 0 when fd was not reported.
  std::uint8_t events_for(int fd, int timeout_ms) {
    std::vector<ReadyEvent> out;
    EXPECT_EQ(poller_->wait(out, timeout_ms), 0);
    std::uint8_t ev = 0;
    int seen = 0;
    for (const ReadyEvent& e : out) {
      if (e.fd == fd) {
        ev = e.events;
        ++seen;
      }
    }
    EXPECT_LE(seen, 1) << "fd reported twice in one batch: " << describe(out);
    return ev;
  }
  std::vector<ReadyEvent> wait_now() {
    std::vector<ReadyEvent> out;
    EXPECT_EQ(poller_->wait(out, 0), 0);
    return out;
  }

  std::unique_ptr<Poller> poller_;
};

std::string backend_name(const testing::TestParamInfo<std::string_view>& info) { return std::string(info.param); }

}  // namespace

TEST(PollerFactory, UnknownBackendIsNull) {
  EXPECT_EQ(make_poller("no-such-backend"), nullptr);
  EXPECT_EQ(make_poller(""), nullptr);
  EXPECT_EQ(make_poller("EPOLL"), nullptr);
  EXPECT_EQ(make_poller("poll "), nullptr);
#if CHAT_HAVE_EPOLL
  EXPECT_EQ(make_poller("kqueue"), nullptr);  // Linux: kqueue exists only in the tests' emulation
#endif
}

TEST(PollerFactory, AvailableBackendsAreDistinctAndCreatable) {
  auto names = reactor::available_backends();
  ASSERT_FALSE(names.empty());
  std::set<std::string_view> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  EXPECT_TRUE(unique.count("poll"));
#if CHAT_HAVE_EPOLL
  EXPECT_EQ(names.front(), "epoll");  // the default first
#elif CHAT_HAVE_KQUEUE
  EXPECT_EQ(names.front(), "kqueue");
#else
  EXPECT_EQ(names.front(), "poll");
#endif
  EXPECT_EQ(names.back(), "poll");
}

TEST_P(PollerTest, NameMatches) { EXPECT_EQ(poller_->name(), GetParam()); }

TEST_P(PollerTest, NothingReadyGivesNoEvents) {
  Fds p;
  ASSERT_TRUE(make_pipe(p));
  ASSERT_EQ(poller_->add(p.fd[0], kReadable), 0);
  std::vector<ReadyEvent> out = {{123, kReadable}};  // replaced, not appended to
  EXPECT_EQ(poller_->wait(out, 0), 0);
  EXPECT_TRUE(out.empty()) << describe(out);
  EXPECT_EQ(poller_->wait(out, 10), 0);
  EXPECT_TRUE(out.empty()) << describe(out);
}

TEST_P(PollerTest, EmptyPollerWaitsAndReturns) {
  std::vector<ReadyEvent> out;
  EXPECT_EQ(poller_->wait(out, 0), 0);
  EXPECT_TRUE(out.empty());
}

TEST_P(PollerTest, PipeBecomesReadableAndStaysSoUntilRead) {
  Fds p;
  ASSERT_TRUE(make_pipe(p));
  ASSERT_EQ(poller_->add(p.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(p.fd[0], 0), 0);
  put(p.fd[1], "abc");
  EXPECT_EQ(events_for(p.fd[0], kGenerousMs), kReadable);
  // Level-triggered: still reported while unread.
  EXPECT_EQ(events_for(p.fd[0], kGenerousMs), kReadable);
  EXPECT_EQ(take_all(p.fd[0]), 3u);
  EXPECT_EQ(events_for(p.fd[0], 0), 0);
}

TEST_P(PollerTest, SocketpairReadableAndWritable) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable | kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
  put(s.fd[1], "hello");
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable | kWritable);
}

TEST_P(PollerTest, WriteInterestOnAndOff) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
  // Off: a writable socket must not be reported (the classic 100 % CPU bug).
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  for (int i = 0; i < 3; ++i) {
    std::vector<ReadyEvent> out = wait_now();
    EXPECT_TRUE(out.empty()) << describe(out);
  }
  // On again.
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable | kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], 0), 0);
}

TEST_P(PollerTest, NoInterestMeansNoReadOrWriteEvents) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], 0), 0);
  put(s.fd[1], "data");
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
}

TEST_P(PollerTest, WritableAgainAfterPeerDrainsFullBuffer) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  std::string chunk(65536, 'f');
  while (write(s.fd[0], chunk.data(), chunk.size()) > 0) {
  }
  ASSERT_EQ(errno, EAGAIN);
  ASSERT_EQ(poller_->add(s.fd[0], kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], 0), 0);  // full: not writable
  take_all(s.fd[1]);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
}

TEST_P(PollerTest, RemoveStopsEvents) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable | kWritable), 0);
  put(s.fd[1]);
  EXPECT_NE(events_for(s.fd[0], kGenerousMs), 0);
  ASSERT_EQ(poller_->remove(s.fd[0]), 0);
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  EXPECT_EQ(poller_->remove(s.fd[0]), ENOENT);
  // It can be watched again.
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
}

TEST_P(PollerTest, RemoveOneOfSeveralKeepsTheOthers) {
  // Exercises the poll backend's swap-remove: the moved entry must keep its descriptor.
  std::vector<Fds> pairs(5);
  for (Fds& s : pairs) {
    ASSERT_TRUE(make_socketpair(s));
    ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
    put(s.fd[1]);
  }
  auto ready = [&] {
    std::vector<ReadyEvent> out;
    EXPECT_EQ(poller_->wait(out, kGenerousMs), 0);
    std::set<int> got;
    for (const ReadyEvent& e : out) got.insert(e.fd);
    return got;
  };
  const int fd0 = pairs[0].fd[0], fd2 = pairs[2].fd[0], fd3 = pairs[3].fd[0], fd4 = pairs[4].fd[0];
  ASSERT_EQ(poller_->remove(pairs[1].fd[0]), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd0, fd2, fd3, fd4}));
  // The last entry was moved into the hole: changing it must change the right entry.
  ASSERT_EQ(poller_->modify(fd4, 0), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd0, fd2, fd3}));
  ASSERT_EQ(poller_->modify(fd4, kReadable), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd0, fd2, fd3, fd4}));
  ASSERT_EQ(poller_->remove(fd4), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd0, fd2, fd3}));
  ASSERT_EQ(poller_->remove(fd0), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd2, fd3}));
  ASSERT_EQ(poller_->modify(fd3, 0), 0);
  EXPECT_EQ(ready(), (std::set<int>{fd2}));
  EXPECT_EQ(poller_->modify(pairs[1].fd[0], kReadable), ENOENT);
  EXPECT_EQ(poller_->remove(fd4), ENOENT);
}

TEST_P(PollerTest, ErrorsAreErrnoValues) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  EXPECT_EQ(poller_->modify(s.fd[0], kReadable), ENOENT);
  EXPECT_EQ(poller_->remove(s.fd[0]), ENOENT);
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  EXPECT_EQ(poller_->add(s.fd[0], kWritable), EEXIST);
  EXPECT_EQ(poller_->add(-1, kReadable), EBADF);
  EXPECT_NE(poller_->modify(-1, kReadable), 0);
}

TEST_P(PollerTest, PipeWriterClosedIsHangup) {
  Fds p;
  ASSERT_TRUE(make_pipe(p));
  ASSERT_EQ(poller_->add(p.fd[0], kReadable), 0);
  p.close_end(1);
  std::uint8_t ev = events_for(p.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kHangup) << int(ev);
  char c;
  EXPECT_EQ(read(p.fd[0], &c, 1), 0);  // EOF
}

TEST_P(PollerTest, PipeWriterClosedWithDataLeftIsReadable) {
  Fds p;
  ASSERT_TRUE(make_pipe(p));
  ASSERT_EQ(poller_->add(p.fd[0], kReadable), 0);
  put(p.fd[1], "last words");
  p.close_end(1);
  std::uint8_t ev = events_for(p.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kReadable) << int(ev);
  EXPECT_EQ(take_all(p.fd[0]), 10u);
}

TEST_P(PollerTest, PeerClosedSocketIsHangupAndEof) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  s.close_end(1);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kHangup) << int(ev);
  EXPECT_TRUE(ev & kReadable) << int(ev);
  char c;
  EXPECT_EQ(read(s.fd[0], &c, 1), 0);
}

TEST_P(PollerTest, PeerClosedIsReportedEvenWithoutInterest) {
  // A server that paused reading a client must still learn the client is gone.
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], 0), 0);
  s.close_end(1);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kHangup) << int(ev);
  EXPECT_FALSE(ev & kWritable) << int(ev);
}

TEST_P(PollerTest, PeerClosedWhileWatchingWriteOnly) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kWritable), 0);
  s.close_end(1);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kHangup) << int(ev);
}

TEST_P(PollerTest, PeerShutdownWriteIsEofForTheReader) {
  // Half-close: the peer sends no more but still reads. The reader must be woken and read EOF.
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  ASSERT_EQ(shutdown(s.fd[1], SHUT_WR), 0);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kReadable) << int(ev);
  // Not a hang-up: the peer still reads, so output owed to it must not be thrown away.
  EXPECT_FALSE(ev & kHangup) << int(ev);
  char c;
  EXPECT_EQ(read(s.fd[0], &c, 1), 0);
}

TEST_P(PollerTest, PeerShutdownWriteIsSilentWhileReadingIsPaused) {
  // A server that stopped reading (flood control, or flushing a goodbye) must not be told
  // about a half-close as if the peer were gone: it still has output to deliver.
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kWritable), 0);
  ASSERT_EQ(shutdown(s.fd[1], SHUT_WR), 0);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_TRUE(ev & kWritable) << int(ev);
  EXPECT_FALSE(ev & kHangup) << int(ev);
}

TEST_P(PollerTest, InterestChangedSeveralTimesBetweenWaitsEndsAsLastSet) {
  // kqueue queues changes for the next wait: only their net effect may show.
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  put(s.fd[1]);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable | kWritable), 0);
  ASSERT_EQ(poller_->modify(s.fd[0], 0), 0);
  ASSERT_EQ(poller_->modify(s.fd[0], kWritable), 0);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable | kWritable), 0);
  ASSERT_EQ(poller_->modify(s.fd[0], kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
  ASSERT_EQ(poller_->modify(s.fd[0], 0), 0);
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
}

TEST_P(PollerTest, RemovedBeforeAnyWaitIsNeverReported) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  put(s.fd[1]);
  ASSERT_EQ(poller_->add(s.fd[0], kReadable | kWritable), 0);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  ASSERT_EQ(poller_->remove(s.fd[0]), 0);
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
}

TEST_P(PollerTest, RemoveThenCloseThenReuseTheNumber) {
  // The server's way: remove, close, and accept() hands out the same number again.
  Fds a, b;
  ASSERT_TRUE(make_socketpair(a));
  ASSERT_EQ(poller_->add(a.fd[0], kReadable), 0);
  put(a.fd[1]);
  EXPECT_EQ(events_for(a.fd[0], kGenerousMs), kReadable);
  const int number = a.fd[0];
  ASSERT_EQ(poller_->remove(number), 0);
  a.close_end(0);
  ASSERT_TRUE(make_socketpair(b));
  if (b.fd[0] != number) {
    ASSERT_EQ(dup2(b.fd[0], number), number);
    close(b.fd[0]);
    b.fd[0] = number;
  }
  ASSERT_EQ(poller_->add(number, kReadable), 0);
  EXPECT_EQ(events_for(number, 0), 0) << "the old socket's input reported for the new one";
  put(b.fd[1]);
  EXPECT_EQ(events_for(number, kGenerousMs), kReadable);
}

TEST_P(PollerTest, ClosedWithoutRemoveLeavesTheOthersWorking) {
  // A caller bug, but it must not break the poller: epoll forgets a closed descriptor, kqueue
  // drops its filters (and refuses changes still queued for it), poll reports it invalid.
  Fds a, b;
  ASSERT_TRUE(make_socketpair(a));
  ASSERT_TRUE(make_socketpair(b));
  ASSERT_EQ(poller_->add(a.fd[0], kReadable), 0);
  ASSERT_EQ(poller_->add(b.fd[0], kReadable), 0);
  ASSERT_EQ(poller_->modify(a.fd[0], kReadable | kWritable), 0);
  const int gone = a.fd[0];
  a.close_end(0);
  put(b.fd[1]);
  // In one wait: kqueue hands back the refused changes first, and must then wait for real.
  EXPECT_EQ(events_for(b.fd[0], kGenerousMs), kReadable);
  poller_->remove(gone);  // result differs by backend (0, ENOENT or EBADF); must not crash
}

TEST_P(PollerTest, PeerShutdownWriteWithBothInterestsIsReadableAndWritable) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable | kWritable), 0);
  ASSERT_EQ(shutdown(s.fd[1], SHUT_WR), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable | kWritable);
}

TEST_P(PollerTest, PeerClosedWithBothInterestsIsOneHangupEntry) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable | kWritable), 0);
  s.close_end(1);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);  // also checks: one entry per descriptor
  EXPECT_TRUE(ev & kHangup) << int(ev);
  EXPECT_TRUE(ev & kReadable) << int(ev);
}

TEST_P(PollerTest, PeerClosedAfterUnreadInputIsReportedWhilePaused) {
  // Reading paused with input waiting (flood control): the input stays silent, the peer's
  // departure does not.
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], kReadable), 0);
  put(s.fd[1], "queued");
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
  ASSERT_EQ(poller_->modify(s.fd[0], 0), 0);
  for (int i = 0; i < 3; ++i) {
    std::vector<ReadyEvent> out = wait_now();
    EXPECT_TRUE(out.empty()) << describe(out);
  }
  put(s.fd[1], "more");
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  s.close_end(1);
  std::uint8_t ev = events_for(s.fd[0], kGenerousMs);
  EXPECT_EQ(ev, kHangup);
  // Resuming reads what was left, then EOF.
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  EXPECT_TRUE(events_for(s.fd[0], kGenerousMs) & kReadable);
  EXPECT_EQ(take_all(s.fd[0]), 10u);
}

TEST_P(PollerTest, ResumingReadWithInputPendingIsReadableAtOnce) {
  Fds s;
  ASSERT_TRUE(make_socketpair(s));
  ASSERT_EQ(poller_->add(s.fd[0], 0), 0);
  put(s.fd[1]);
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  ASSERT_EQ(poller_->modify(s.fd[0], kWritable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kWritable);
  ASSERT_EQ(poller_->modify(s.fd[0], kReadable), 0);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);
  EXPECT_EQ(events_for(s.fd[0], kGenerousMs), kReadable);  // level-triggered again
}

TEST_P(PollerTest, ListeningSocketIsReadableWhenAConnectionWaits) {
  Fds owned;  // closed even when an assertion returns early
  owned.fd[0] = socket(AF_INET, SOCK_STREAM, 0);
  owned.fd[1] = socket(AF_INET, SOCK_STREAM, 0);
  const int listener = owned.fd[0];
  const int client = owned.fd[1];
  ASSERT_GE(listener, 0);
  ASSERT_GE(client, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(poller_->add(listener, kReadable), 0);
  EXPECT_EQ(events_for(listener, 0), 0);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_EQ(events_for(listener, kGenerousMs), kReadable);
  ASSERT_EQ(poller_->remove(listener), 0);
}

TEST_P(PollerTest, ManyDescriptors) {
  constexpr int kPairs = 1000;  // 2000 descriptors: more than one batch, and past FD_SETSIZE
  std::vector<Fds> pairs(kPairs);
  std::map<int, int> index_of;
  for (int i = 0; i < kPairs; ++i) {
    ASSERT_TRUE(make_socketpair(pairs[i])) << "pair " << i << ": " << std::strerror(errno);
    ASSERT_EQ(poller_->add(pairs[i].fd[0], kReadable), 0);
    index_of[pairs[i].fd[0]] = i;
  }
  std::vector<ReadyEvent> out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  // Every odd one becomes readable.
  for (int i = 1; i < kPairs; i += 2) put(pairs[i].fd[1]);
  std::set<int> seen;
  for (int round = 0; round < 50 && seen.size() < kPairs / 2; ++round) {
    ASSERT_EQ(poller_->wait(out, kGenerousMs), 0);
    std::set<int> batch;
    for (const ReadyEvent& e : out) {
      ASSERT_TRUE(index_of.count(e.fd)) << "unknown fd " << e.fd;
      EXPECT_EQ(index_of[e.fd] % 2, 1) << "idle descriptor reported: pair " << index_of[e.fd];
      EXPECT_EQ(e.events, kReadable);
      EXPECT_TRUE(batch.insert(e.fd).second) << "fd " << e.fd << " twice in one batch";
      take_all(e.fd);  // so it is not reported again
      seen.insert(e.fd);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kPairs / 2));
  // All quiet again; then the last one alone.
  out = wait_now();
  EXPECT_TRUE(out.empty()) << describe(out);
  put(pairs[kPairs - 1].fd[1]);
  ASSERT_EQ(poller_->wait(out, kGenerousMs), 0);
  ASSERT_EQ(out.size(), 1u) << describe(out);
  EXPECT_EQ(out[0].fd, pairs[kPairs - 1].fd[0]);
  // Every one ready at once, more than one batch of the epoll backend's initial 256.
  for (Fds& s : pairs) put(s.fd[1]);
  seen.clear();
  for (int round = 0; round < 50 && seen.size() < kPairs; ++round) {
    ASSERT_EQ(poller_->wait(out, kGenerousMs), 0);
    for (const ReadyEvent& e : out) {
      take_all(e.fd);
      seen.insert(e.fd);
    }
  }
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(kPairs));
  for (Fds& s : pairs) ASSERT_EQ(poller_->remove(s.fd[0]), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PollerTest, testing::ValuesIn(reactor_test::tested_backends()), backend_name);
