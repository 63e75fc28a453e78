// Input of raw connections (Connection::raw: HTTP, then WebSocket): bytes go to the door,
// which frames them and pays flood control per message; without a token it pauses reading
// until one is due, so flood control delays a browser's messages as it does lines.
#include <algorithm>
#include <string>

#include "net/connection_layer.h"
#include "net/log.h"

namespace net {
namespace {
// As a relayed line (input.cpp): what formatting and framing add at most, per message.
constexpr std::size_t kRelayAllowance = 64;
}  // namespace

void ConnectionLayer::read_raw(Connection& c) {
  // While paused only a hang-up gets here: what is left is read (bounded by what the peer
  // sent before closing) and kept by the door, so its last messages are still processed.
  reactor::ReadResult r = c.stream.read_bytes(read_buffer_, [&c](std::string_view bytes) {
    c.handler->on_bytes(c, bytes);
    return c.phase == Phase::Open && !c.raw_paused;
  });
  stats_.bytes_in += r.bytes;
  if (r.status != reactor::ReadStatus::Open && c.phase == Phase::Open) {
    input_ended(c, r.status == reactor::ReadStatus::Ended ? "EOF" : "reset");
    return;
  }
  update_interest(c);
}

bool ConnectionLayer::take_token(Connection& c, std::size_t bytes) {
  reactor::Clock::time_point now = reactor::Clock::now();
  if (!c.source) attach_source(c);
  if (c.source && !c.source->bytes.can_spend(now)) return false;
  if (!c.bucket.try_take(now)) return false;
  if (c.source) c.source->bytes.spend(static_cast<double>(bytes + 1 + kRelayAllowance));
  ++stats_.lines_in;
  return true;
}

void ConnectionLayer::pause_input(Connection& c, bool until_resume) {
  if (c.phase != Phase::Open) return;
  c.raw_paused = true;
  if (until_resume) {
    c.held = true;
  } else {
    if (!c.resume_timer) {
      ++stats_.flood_pauses;
      log_client(LogLevel::Debug, "flood_pause", "flood control pauses", c.name, c.peer);
    }
    arm_resume(c);
  }
  update_interest(c);
}

// The resume timer or resume_input(): the door processes what it kept, and may pause again.
void ConnectionLayer::offer_raw(Connection& c) {
  if (c.phase != Phase::Open) return;
  c.raw_paused = false;
  c.handler->on_bytes(c, {});
  if (c.phase == Phase::Open && !c.raw_paused && c.stream.read_ended()) finish_input(c);
  update_interest(c);
}

}  // namespace net
