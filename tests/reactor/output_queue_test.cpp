// OutputQueue: writev of shared payloads over real sockets, partial writes, backpressure, failure.
#include "reactor/output_queue.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <csignal>
#include <string>
#include <vector>

#include "tests/reactor/descriptors.h"
#include "tests/reactor/ignore_sigpipe.h"

using reactor::FlushResult;
using reactor::OutputQueue;
using reactor::PayloadRef;

namespace {

// Both ends of a non-blocking AF_UNIX socket pair; [0] is written, [1] is read.
struct SocketPair {
  int fd[2] = {-1, -1};
  explicit SocketPair(int type = SOCK_STREAM) {
    if (!reactor_test::nonblocking_socketpair(fd, type)) fd[0] = fd[1] = -1;
  }
  ~SocketPair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  void close_reader() {
    close(fd[1]);
    fd[1] = -1;
  }
  bool ok() const { return fd[0] >= 0; }
};

// Reads everything available now (non-blocking) and appends it to `into`.
std::size_t drain(int fd, std::string& into) {
  std::size_t total = 0;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    into.append(buf, static_cast<std::size_t>(n));
    total += static_cast<std::size_t>(n);
  }
  return total;
}

// Distinct content per index so that reordering or duplication shows.
std::string numbered(std::size_t i, std::size_t size) {
  std::string s(1, '<');
  s.append(std::to_string(i)).push_back('>');
  while (s.size() < size) s += static_cast<char>('a' + (i + s.size()) % 26);
  s.resize(size);
  return s;
}

}  // namespace

TEST(OutputQueue, StartsEmpty) {
  OutputQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  std::string got;
  EXPECT_EQ(drain(sp.fd[1], got), 0u);
}

TEST(OutputQueue, ManyPayloadsFlushedAndReadBackIntact) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  std::string want;
  for (std::size_t i = 0; i < 1000; ++i) {
    std::string line = numbered(i, 5 + i % 40) + "\n";
    want += line;
    q.push(PayloadRef::copy_of(line));
  }
  EXPECT_EQ(q.bytes(), want.size());
  ASSERT_LT(want.size(), 100000u);  // fits a socket buffer in one go
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  std::string got;
  drain(sp.fd[1], got);
  EXPECT_EQ(got, want);
}

TEST(OutputQueue, PayloadsUpToIovMaxGoInOneWritev) {
  // On a SOCK_SEQPACKET pair every writev() is one record, so records count system calls.
  SocketPair sp(SOCK_SEQPACKET);
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  std::string want;
  for (std::size_t i = 0; i < 500; ++i) {
    std::string line = numbered(i, 8) + "\n";
    want += line;
    q.push(PayloadRef::copy_of(line));
  }
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  std::vector<char> buf(1 << 17);
  ssize_t n = recv(sp.fd[1], buf.data(), buf.size(), 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf.data(), static_cast<std::size_t>(n)), want) << "not one record: several writev calls";
  EXPECT_EQ(recv(sp.fd[1], buf.data(), buf.size(), 0), -1);  // no second record
}

TEST(OutputQueue, MoreThanIovMaxPayloadsGoInBatchesOfIovMax) {
  SocketPair sp(SOCK_SEQPACKET);
  ASSERT_TRUE(sp.ok());
  int sndbuf = 1 << 20;
  setsockopt(sp.fd[0], SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
  OutputQueue q;
  constexpr std::size_t count = 2500;
  std::vector<std::string> lines;
  for (std::size_t i = 0; i < count; ++i) {
    lines.push_back(numbered(i, 7) + "\n");
    q.push(PayloadRef::copy_of(lines.back()));
  }
  ASSERT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  const std::size_t per_call = std::min<std::size_t>(IOV_MAX, 1024);
  std::vector<char> buf(1 << 17);
  std::size_t next = 0, records = 0;
  for (;;) {
    ssize_t n = recv(sp.fd[1], buf.data(), buf.size(), 0);
    if (n <= 0) break;
    ++records;
    std::string want;
    for (std::size_t i = next; i < count && i < next + per_call; ++i) want += lines[i];
    EXPECT_EQ(std::string(buf.data(), static_cast<std::size_t>(n)), want) << "record " << records;
    next += per_call;
  }
  EXPECT_EQ(records, (count + per_call - 1) / per_call);
}

TEST(OutputQueue, SharedPayloadIsNotCopied) {
  PayloadRef shared = PayloadRef::copy_of("broadcast line\n");
  const char* bytes = shared.data();
  constexpr int kQueues = 5;
  std::vector<OutputQueue> queues(kQueues);
  for (OutputQueue& q : queues) q.push(shared);
  EXPECT_EQ(shared.use_count(), 1u + kQueues);
  // cppcheck-suppress knownConditionTrueFalse ; the point: pushing must not copy the bytes
  EXPECT_EQ(shared.data(), bytes);
  for (int i = 0; i < kQueues; ++i) {
    SocketPair sp;
    ASSERT_TRUE(sp.ok());
    EXPECT_EQ(queues[i].flush_to(sp.fd[0]), FlushResult::Drained);
    // A written payload is let go at once.
    EXPECT_EQ(shared.use_count(), static_cast<std::uint32_t>(kQueues - i));
    std::string got;
    drain(sp.fd[1], got);
    EXPECT_EQ(got, "broadcast line\n");
  }
  EXPECT_EQ(shared.use_count(), 1u);
}

TEST(OutputQueue, ClearReleasesPayloads) {
  PayloadRef p = PayloadRef::copy_of("x");
  OutputQueue q;
  q.push(p);
  q.push(p);
  EXPECT_EQ(p.use_count(), 3u);
  EXPECT_EQ(q.bytes(), 2u);
  q.clear();
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(p.use_count(), 1u);
}

TEST(OutputQueue, FullSocketBufferGivesPendingThenDrainsInOrder) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  int small = 4096;
  setsockopt(sp.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  OutputQueue q;
  std::string want;
  std::size_t pushed = 0;
  auto push = [&](std::size_t count) {
    for (std::size_t end = pushed + count; pushed < end; ++pushed) {
      // Sizes from 1 byte to 3000: payload boundaries never line up with the kernel's.
      std::string s = numbered(pushed, 1 + (pushed * 7919) % 3000);
      want += s;
      q.push(PayloadRef::copy_of(s));
    }
  };
  push(2000);
  std::string got;
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Pending);
  // Everything written so far is readable now; the queue counts exactly the rest.
  drain(sp.fd[1], got);
  EXPECT_GT(got.size(), 0u);
  EXPECT_LT(got.size(), want.size());
  EXPECT_EQ(q.bytes(), want.size() - got.size());
  EXPECT_FALSE(q.empty());
  int rounds = 0;
  for (FlushResult r = FlushResult::Pending; r == FlushResult::Pending; ++rounds) {
    ASSERT_LT(rounds, 100000);
    if (rounds == 3) push(500);  // more arrives while the queue is pending
    r = q.flush_to(sp.fd[0]);
    ASSERT_NE(r, FlushResult::Failed);
    drain(sp.fd[1], got);
    ASSERT_EQ(q.bytes(), want.size() - got.size()) << "round " << rounds;
  }
  drain(sp.fd[1], got);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(got.size(), want.size());
  EXPECT_TRUE(got == want) << "bytes arrived out of order or damaged";
}

TEST(OutputQueue, OnePayloadLargerThanTheSocketBufferGoesOutInPieces) {
  // Several partial writes inside the same payload: the offset must accumulate.
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  std::string big;
  for (std::size_t i = 0; big.size() < (3u << 20); ++i) big += numbered(i, 97);
  OutputQueue q;
  q.push(PayloadRef::copy_of("head|"));
  q.push(PayloadRef::copy_of(big));
  q.push(PayloadRef::copy_of("|tail"));
  std::string got;
  int partial = 0;
  for (int round = 0; round < 100000; ++round) {
    FlushResult r = q.flush_to(sp.fd[0]);
    ASSERT_NE(r, FlushResult::Failed);
    drain(sp.fd[1], got);
    if (r == FlushResult::Drained) break;
    ++partial;
  }
  EXPECT_GE(partial, 3);  // the payload really went out in pieces
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(got.size(), big.size() + 10);
  EXPECT_TRUE(got == "head|" + big + "|tail") << "bytes lost, repeated or reordered";
}

TEST(OutputQueue, PendingKeepsSharedPayloadAlive) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  PayloadRef big = PayloadRef::copy_of(std::string(8 << 20, 'z'));
  q.push(big);
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Pending);
  EXPECT_EQ(big.use_count(), 2u);  // still referenced, not copied
  std::string got;
  drain(sp.fd[1], got);
  EXPECT_EQ(q.bytes(), big.size() - got.size());
}

TEST(OutputQueue, ClosedPeerGivesFailed) {
  IgnoreSigpipe ignore;
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  sp.close_reader();
  OutputQueue q;
  q.push(PayloadRef::copy_of("nobody listens\n"));
  errno = 0;
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Failed);
  EXPECT_EQ(errno, EPIPE);
}

TEST(OutputQueue, PeerClosedWhilePendingGivesFailed) {
  IgnoreSigpipe ignore;
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  q.push(PayloadRef::copy_of(std::string(4 << 20, 'q')));
  ASSERT_EQ(q.flush_to(sp.fd[0]), FlushResult::Pending);
  sp.close_reader();
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Failed);
}

// Not a socket: send() says ENOTSOCK and the queue falls back to writev().
TEST(OutputQueue, PipeIsWrittenToo) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  ASSERT_EQ(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
  OutputQueue q;
  q.push(PayloadRef::copy_of("one\n"));
  EXPECT_EQ(q.flush_to(fds[1]), FlushResult::Drained);
  q.push(PayloadRef::copy_of("two\n"));
  q.push(PayloadRef::copy_of("three\n"));
  EXPECT_EQ(q.flush_to(fds[1]), FlushResult::Drained);
  std::string got;
  drain(fds[0], got);
  EXPECT_EQ(got, "one\ntwo\nthree\n");
  close(fds[0]);
  close(fds[1]);
}

#if CHAT_HAVE_MSG_NOSIGNAL
// Where the socket calls can say so, a vanished peer is an EPIPE even for a program that has
// not ignored SIGPIPE (an embedder, a test).
volatile std::sig_atomic_t sigpipes = 0;
TEST(OutputQueue, ClosedPeerRaisesNoSigpipe) {
  struct sigaction count {};
  count.sa_handler = [](int) { sigpipes = sigpipes + 1; };
  sigemptyset(&count.sa_mask);
  struct sigaction old {};
  ASSERT_EQ(sigaction(SIGPIPE, &count, &old), 0);
  sigpipes = 0;
  for (std::size_t items : {1u, 3u}) {  // send() and sendmsg()
    SocketPair sp;
    ASSERT_TRUE(sp.ok());
    sp.close_reader();
    OutputQueue q;
    for (std::size_t i = 0; i < items; ++i) q.push(PayloadRef::copy_of("nobody listens\n"));
    errno = 0;
    EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Failed);
    EXPECT_EQ(errno, EPIPE);
  }
  sigaction(SIGPIPE, &old, nullptr);
  EXPECT_EQ(sigpipes, 0);
}
#endif

TEST(OutputQueue, ReleasingSpareCapacityKeepsWhatIsQueued) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  q.release_spare_capacity();  // empty: nothing to lose
  EXPECT_TRUE(q.empty());
  q.push(PayloadRef::copy_of("kept\n"));
  q.release_spare_capacity();  // not empty: a no-op
  EXPECT_EQ(q.bytes(), 5u);
  ASSERT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  q.release_spare_capacity();
  q.push(PayloadRef::copy_of("again\n"));  // usable afterwards
  ASSERT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  std::string got;
  drain(sp.fd[1], got);
  EXPECT_EQ(got, "kept\nagain\n");
}

TEST(OutputQueue, EmptyPayloadsIgnored) {
  OutputQueue q;
  PayloadRef empty = PayloadRef::copy_of("");
  q.push(PayloadRef());
  q.push(empty);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.bytes(), 0u);
  EXPECT_EQ(empty.use_count(), 1u);  // not even held
  q.push(PayloadRef::copy_of("a"));
  q.push(PayloadRef::copy_of(""));
  q.push(PayloadRef());
  q.push(PayloadRef::copy_of("b"));
  EXPECT_EQ(q.bytes(), 2u);
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
  std::string got;
  drain(sp.fd[1], got);
  EXPECT_EQ(got, "ab");
}

TEST(OutputQueue, ReusableAfterDrainAndAfterBurst) {
  SocketPair sp;
  ASSERT_TRUE(sp.ok());
  OutputQueue q;
  std::string got, want;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 200; ++i) {
      std::string s = numbered(static_cast<std::size_t>(round) * 1000 + static_cast<std::size_t>(i), 10);
      want += s;
      q.push(PayloadRef::copy_of(s));
    }
    EXPECT_EQ(q.flush_to(sp.fd[0]), FlushResult::Drained);
    EXPECT_TRUE(q.empty());
    drain(sp.fd[1], got);
  }
  EXPECT_EQ(got, want);
}
