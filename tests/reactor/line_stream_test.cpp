// LineStream over real sockets: framing at every split, EOF and resets as values, partial
// writes with backpressure, and pausing from the frame callback.
#include "reactor/line_stream.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>
#include <vector>

#include "tests/reactor/descriptors.h"
#include "tests/reactor/ignore_sigpipe.h"

using reactor::FlushResult;
using reactor::Frame;
using reactor::LineStream;
using reactor::ReadStatus;

namespace {

struct Pair {
  int fd[2] = {-1, -1};  // [0] is the stream's end, [1] the peer's
  Pair() { EXPECT_TRUE(reactor_test::nonblocking_socketpair(fd)); }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) close(f);
  }
  void peer_write(std::string_view s) const { ASSERT_EQ(write(fd[1], s.data(), s.size()), ssize_t(s.size())); }
  void close_peer() {
    close(fd[1]);
    fd[1] = -1;
  }
  std::string peer_read_all() const {
    std::string got;
    char buf[4096];
    for (;;) {
      ssize_t n = read(fd[1], buf, sizeof buf);
      if (n <= 0) return got;
      got.append(buf, static_cast<std::size_t>(n));
    }
  }
};

// What the callback saw: lines as text, over-long frames as "<overlong>".
struct Collector {
  std::vector<std::string> frames;
  auto take() {
    return [this](Frame f, std::string_view line) {
      frames.push_back(f == Frame::Line ? std::string(line) : std::string("<overlong>"));
      return true;
    };
  }
};

std::array<char, 65536> buffer;

TEST(LineStreamTest, LinesSplitAtEveryBytePositionArriveWhole) {
  const std::string text = "hello there\r\nsecond line\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    Pair p;
    LineStream s(100);
    s.attach(p.fd[0]);
    Collector c;
    p.peer_write(text.substr(0, cut));
    EXPECT_EQ(s.read_available(buffer, c.take()).status, ReadStatus::Open);
    p.peer_write(text.substr(cut));
    EXPECT_EQ(s.read_available(buffer, c.take()).status, ReadStatus::Open);
    EXPECT_EQ(c.frames, (std::vector<std::string>{"hello there", "second line"})) << "cut at " << cut;
    EXPECT_EQ(s.input_bytes(), 0U);
  }
}

TEST(LineStreamTest, PipelinedLinesComeOutInOrderFromOneRead) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  Collector c;
  p.peer_write("a\nbb\n\nccc\n");
  reactor::ReadResult r = s.read_available(buffer, c.take());
  EXPECT_EQ(r.status, ReadStatus::Open);
  EXPECT_EQ(r.bytes, 10U);
  EXPECT_EQ(c.frames, (std::vector<std::string>{"a", "bb", "", "ccc"}));
}

TEST(LineStreamTest, NothingThereIsOpenWithNoBytes) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  Collector c;
  reactor::ReadResult r = s.read_available(buffer, c.take());
  EXPECT_EQ(r.status, ReadStatus::Open);
  EXPECT_EQ(r.bytes, 0U);
  EXPECT_FALSE(s.read_ended());
}

TEST(LineStreamTest, OverlongLineIsOneFrameAndTheNextLineSurvives) {
  Pair p;
  LineStream s(8);
  s.attach(p.fd[0]);
  Collector c;
  p.peer_write("short\n" + std::string(20, 'x'));
  s.read_available(buffer, c.take());
  p.peer_write(std::string(30, 'y') + "\nafter\n");
  s.read_available(buffer, c.take());
  EXPECT_EQ(c.frames, (std::vector<std::string>{"short", "<overlong>", "after"}));
}

TEST(LineStreamTest, ReadsMoreThanOnceOnlyWhenTheBufferFilled) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  Collector c;
  p.peer_write("one\ntwo\nthree\n");
  std::array<char, 4> small{};
  // One read by default: 4 bytes, "one" framed, the rest waits in the kernel.
  EXPECT_EQ(s.read_available(small, c.take()).bytes, 4U);
  EXPECT_EQ(c.frames.size(), 1U);
  // Up to 10 reads: everything that is there, then a short read ends it.
  EXPECT_EQ(s.read_available(small, c.take(), 10).bytes, 10U);
  EXPECT_EQ(c.frames, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(LineStreamTest, EofAfterAPartialLineIsEndedAndTheLineCanBeFinished) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  Collector c;
  p.peer_write("whole\npartial");
  p.close_peer();
  // A short read ends the call: the end is the next readiness's news, as poll reports it.
  reactor::ReadResult r = s.read_available(buffer, c.take(), 4);
  EXPECT_EQ(r.status, ReadStatus::Open);
  EXPECT_EQ(r.bytes, 13U);
  EXPECT_FALSE(s.read_ended());
  r = s.read_available(buffer, c.take(), 4);
  EXPECT_EQ(r.status, ReadStatus::Ended);
  EXPECT_EQ(r.bytes, 0U);
  EXPECT_TRUE(s.read_ended());
  EXPECT_EQ(c.frames, (std::vector<std::string>{"whole"}));
  EXPECT_EQ(s.input_bytes(), 7U);
  // Asked again, the end is reported again without a read.
  EXPECT_EQ(s.read_available(buffer, c.take()).status, ReadStatus::Ended);
  EXPECT_TRUE(s.finish_partial_line(c.take()));
  EXPECT_EQ(c.frames, (std::vector<std::string>{"whole", "partial"}));
}

// Closes a descriptor when the test ends, however it ends.
struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0) close(fd);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

TEST(LineStreamTest, PeerResetIsFailedWithItsErrno) {
  IgnoreSigpipe no_sigpipe;  // the write after the reset, without MSG_NOSIGNAL (no-epoll build)
  Fd listener(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_GE(listener.fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener.fd, 1), 0);
  ASSERT_EQ(getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  Fd client(socket(AF_INET, SOCK_STREAM, 0));
  ASSERT_EQ(connect(client.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  {
    Fd server(accept(listener.fd, nullptr, nullptr));
    ASSERT_GE(server.fd, 0);
    linger hard{1, 0};
    ASSERT_EQ(setsockopt(server.fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard), 0);
    ASSERT_EQ(write(server.fd, "line\n", 5), 5);
  }  // closed: an RST after the line
  ASSERT_TRUE(reactor_test::make_nonblocking_cloexec(client.fd));

  LineStream s(100);
  s.attach(client.fd);
  Collector c;
  reactor::ReadResult r;
  for (int i = 0; i < 1000 && r.status == ReadStatus::Open; ++i) r = s.read_available(buffer, c.take());
  EXPECT_EQ(r.status, ReadStatus::Failed);
  EXPECT_EQ(r.error, ECONNRESET);
  EXPECT_EQ(s.read_error(), ECONNRESET);
  // The kernel may drop the unread line with the reset; nothing else may appear.
  EXPECT_LE(c.frames.size(), 1U);
  s.push_copy("too late\n");
  EXPECT_EQ(s.flush(), FlushResult::Failed);
  EXPECT_TRUE(s.write_failed());
  EXPECT_EQ(s.output_bytes(), 0U);
}

TEST(LineStreamTest, PartialWritesArePendingThenDrained) {
  Pair p;
  int small = 4096;
  ASSERT_EQ(setsockopt(p.fd[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small), 0);
  LineStream s(100);
  s.attach(p.fd[0]);
  std::string sent;
  for (int i = 0; i < 2000; ++i) {
    std::string line = "line " + std::to_string(i) + " " + std::string(50, 'z') + "\n";
    sent += line;
    s.push_copy(line);
  }
  EXPECT_EQ(s.flush(), FlushResult::Pending);
  EXPECT_TRUE(s.write_blocked());
  EXPECT_GT(s.output_bytes(), 0U);
  std::string got;
  for (int i = 0; i < 10000 && !s.output_empty(); ++i) {
    got += p.peer_read_all();
    s.flush();
  }
  got += p.peer_read_all();
  EXPECT_EQ(s.flush(), FlushResult::Drained);
  EXPECT_FALSE(s.write_blocked());
  EXPECT_EQ(got, sent);
}

TEST(LineStreamTest, WritingToAClosedPeerFailsWithItsErrno) {
  IgnoreSigpipe no_sigpipe;  // without MSG_NOSIGNAL (the no-epoll build) the write raises it
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  p.close_peer();
  s.push_copy("hello\n");
  EXPECT_EQ(s.flush(), FlushResult::Failed);
  EXPECT_EQ(s.write_error(), EPIPE);
}

TEST(LineStreamTest, RefusingAFramePausesReadingUntilResumed) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  std::vector<std::string> got;
  bool open = false;
  auto gate = [&](Frame, std::string_view line) {
    if (!open) return false;
    got.emplace_back(line);
    return true;
  };
  p.peer_write("first\nsecond\n");
  s.read_available(buffer, gate);
  EXPECT_TRUE(s.paused());
  EXPECT_TRUE(got.empty());
  // Paused: more input stays in the kernel, not in the stream.
  p.peer_write("third\n");
  EXPECT_EQ(s.read_available(buffer, gate).bytes, 0U);
  EXPECT_EQ(s.input_bytes(), 13U);
  open = true;
  EXPECT_TRUE(s.resume(gate));
  EXPECT_FALSE(s.paused());
  EXPECT_EQ(got, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(s.read_available(buffer, gate).bytes, 6U);
  EXPECT_EQ(got, (std::vector<std::string>{"first", "second", "third"}));
}

TEST(LineStreamTest, DetachFromInsideTheCallbackStopsAtThatLine) {
  Pair p;
  LineStream s(100);
  s.attach(p.fd[0]);
  std::vector<std::string> got;
  auto take = [&](Frame, std::string_view line) {
    got.emplace_back(line);
    if (line == "bye") s.detach();
    return s.attached();
  };
  p.peer_write("hi\nbye\nnever\n");
  s.read_available(buffer, take, 4);
  EXPECT_EQ(got, (std::vector<std::string>{"hi", "bye"}));
  EXPECT_FALSE(s.attached());
  EXPECT_EQ(s.input_bytes(), 0U);  // released once the read returned
  EXPECT_FALSE(s.paused());
}

// The view handed to the callback stays valid after a detach from inside it, also when the
// line was completed from the stream's own buffer (a line split across reads).
TEST(LineStreamTest, DetachInsideTheCallbackKeepsTheLineValid) {
  Pair p;
  LineStream s(200);
  s.attach(p.fd[0]);
  const std::string first = "a line split across two reads, long enough for the heap";
  std::vector<std::string> got;
  auto take = [&](Frame, std::string_view line) {
    s.detach();
    got.emplace_back(line);  // read after the detach
    return false;
  };
  p.peer_write(first);
  s.read_available(buffer, take);
  p.peer_write(" and its end\nnever\n");
  s.read_available(buffer, take);
  EXPECT_EQ(got, (std::vector<std::string>{first + " and its end"}));
  EXPECT_EQ(s.input_bytes(), 0U);
}

}  // namespace
