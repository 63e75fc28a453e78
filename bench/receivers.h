// ReceiverProcess: the receiving ends of a fan-out benchmark, held by a forked child that
// connects N TCP clients to a loopback port, reads them and counts lines.
//
// Why a child: the descriptor limit is per process (20 000 here), so 10 000 connections
// with both ends in one process do not fit; and the reading then costs the measured
// process nothing, as the readers of a real server live elsewhere. Parent and child talk
// over two pipes in fixed-size records (one write each, so each is atomic).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bench {

enum class Op : std::uint32_t {
  Connect,    // parent: connect every client to port `a`
  Connected,  // child: all connected (and each logged in, when a password was given)
  Drain,      // parent: read until every connection's stream ends with `text`
  Draining,   // child: counters reset; the parent may now send the marker
  Drained,    // child: every connection has read the marker
  Expect,     // parent: reset the counters; report every `a` lines received in total
  Expecting,  // child: counters reset
  Batch,      // child: `a` lines received in total since Expect
  Tally,      // parent: how many lines did each connection get? child: min `a`, max `b`, CPU ns `c`
  Failed,     // child: gave up; `text` says why
};

struct Message {
  explicit Message(Op op_ = Op::Failed, std::uint64_t a_ = 0, std::uint64_t b_ = 0, std::uint64_t c_ = 0)
      : op(op_), a(a_), b(b_), c(c_) {}

  Op op;
  std::uint64_t a;
  std::uint64_t b;
  std::uint64_t c;
  char text[64] = {};

  void set_text(std::string_view s);
};

struct ReceiverPlan {
  std::size_t count = 0;
  std::string password;  // set: each client logs in as <name_prefix><index>
  std::string name_prefix = "r";
};

class ReceiverProcess {
 public:
  ReceiverProcess() = default;
  ~ReceiverProcess() { stop(); }
  ReceiverProcess(const ReceiverProcess&) = delete;
  ReceiverProcess& operator=(const ReceiverProcess&) = delete;

  // Forks the child; it waits for Op::Connect. False with `error` set on failure.
  bool start(const ReceiverPlan& plan, std::string& error);
  // Closes the command pipe: the child resets its connections (no TIME_WAIT left behind)
  // and exits. Waits for it.
  void stop();

  bool send(const Message& m);
  // Readable when the child has replied; non-blocking.
  int reply_fd() const { return reply_fd_; }
  // Takes one reply if one is waiting.
  bool try_take(Message& out);
  // Waits up to timeout_ms for one reply (for callers without an event loop).
  bool wait(Message& out, int timeout_ms);

 private:
  pid_t pid_ = -1;
  int command_fd_ = -1;
  int reply_fd_ = -1;
};

}  // namespace bench
