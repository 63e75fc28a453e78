// The fixtures of the fan-out benchmarks: N loopback TCP clients, held by a ReceiverProcess,
// and something in this process that writes lines to all of them.
//
//   FloorWorld: this process accepted the N connections and send()s each line itself: the
//               kernel's cost of one-line-per-call fan-out, the floor.
//   ChatWorld:  the real chat_server::Server, with N receivers logged in and one sender
//               here; each line goes read() -> LineFramer -> LineDoor -> ChatCore -> Room ->
//               OutputQueue -> send()/sendmsg() exactly as in production.
//
// A round sends `burst` lines (one write of them all) and returns once every client has
// read every line. Building a world costs seconds at large N (10 000 logins, each announced
// to everyone already in), so the current world is kept across the runs Google Benchmark
// makes of one benchmark and across benchmarks of the same N.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bench/receivers.h"

namespace bench {

// Every delivered line is this long, the floor's lines and the chat's alike.
inline constexpr std::size_t kLineBytes = 64;

struct RoundTime {
  std::uint64_t wall_ns = 0;     // from the first byte sent to the last client's read
  std::uint64_t sending_ns = 0;  // the sending side alone: the send() loop, or the server's
                                 // dispatch (read, protocol, enqueue) and flush (send)
};

struct Tally {
  std::uint64_t min_lines = 0;  // per client, since expect()
  std::uint64_t max_lines = 0;
  std::uint64_t reader_cpu_ns = 0;
};

class FanoutWorld {
 public:
  virtual ~FanoutWorld() = default;
  std::size_t clients() const { return clients_; }
  const std::string& error() const { return error_; }

  // Resets the receivers' counters; they report every `burst * clients()` lines.
  bool expect(std::size_t burst);
  // One round; false with error() set on failure.
  virtual bool round(std::size_t burst, RoundTime& time) = 0;
  bool tally(Tally& out);
  // Figures measured while building (memory per client, build time), as counter names and
  // values for the report.
  virtual std::vector<std::pair<std::string, double>> facts() const { return {}; }

 protected:
  explicit FanoutWorld(std::size_t clients) : clients_(clients) {}
  // Waits for the child's next reply, which must be `want`; keeps whatever this world must
  // keep doing meanwhile (the chat world runs its server loop).
  virtual bool await(Op want, Message& reply, int timeout_ms) = 0;
  bool await(Op want) {
    Message ignored;
    return await(want, ignored, kSetupTimeoutMs);
  }
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }
  // False (error set) when `extra` descriptors beyond clients() do not fit this process.
  bool check_descriptors(std::size_t extra);

  static constexpr int kSetupTimeoutMs = 300000;
  static constexpr int kRoundTimeoutMs = 30000;

  std::size_t clients_;
  std::string error_;
  ReceiverProcess receivers_;
};

// The current world if it is a `kind` of `clients`, else a new one (the old one is freed
// first: two large worlds do not fit the descriptor limit). nullptr with `error` set.
enum class WorldKind { Floor, Chat };
FanoutWorld* acquire_world(WorldKind kind, std::size_t clients, std::string& error);
// Frees the current world (after a failure, or at exit).
void release_world();

std::unique_ptr<FanoutWorld> make_floor_world(std::size_t clients, std::string& error);
std::unique_ptr<FanoutWorld> make_chat_world(std::size_t clients, std::string& error);

}  // namespace bench
