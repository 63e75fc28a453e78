// One connection's input: reading and framing, flood control (a token bucket per connection,
// a byte budget per source) before a door sees a frame, frames a door holds until
// resume_input(), and the end of input (EOF, reset, a hang-up while paused, lingering).
#include <algorithm>
#include <string>

#include "net/connection_layer.h"
#include "net/log.h"

namespace net {
namespace {
// What formatting adds to a relayed line at most: the timestamp, a name (at most 24 bytes)
// and the longest decoration ("[private to NAME] <NAME> "). A source is charged a line's
// bytes plus this, once per line: that bounds what any one recipient can receive from it.
constexpr std::size_t kRelayAllowance = 64;

std::string who(const Connection& c) {
  if (c.name.empty()) return c.peer.to_string();
  return c.name + " " + c.peer.to_string();
}
}  // namespace

void ConnectionLayer::read_ready(Connection& c) {
  if (c.raw) {
    read_raw(c);
    return;
  }
  reactor::ReadResult r;
  if (c.stream.paused()) {
    // Only a hang-up gets here while paused (no read interest): take what is left, so that
    // the end is seen and the paced or held lines are still processed.
    r = c.stream.read_into_backlog(read_buffer_);
  } else {
    r = c.stream.read_available(read_buffer_,
                                [this, &c](reactor::Frame f, std::string_view line) { return take_frame(c, f, line); });
  }
  stats_.bytes_in += r.bytes;
  if (r.status != reactor::ReadStatus::Open) {
    input_ended(c, r.status == reactor::ReadStatus::Ended ? "EOF" : "reset");
    return;
  }
  if (c.stream.paused() && !c.held && c.phase == Phase::Open) {
    if (!c.resume_timer) {
      ++stats_.flood_pauses;
      log_client(LogLevel::Debug, "flood_pause", "flood control pauses", c.name, c.peer);
    }
    arm_resume(c);
  }
  update_interest(c);
}

bool ConnectionLayer::take_frame(Connection& c, reactor::Frame frame, std::string_view line) {
  if (c.phase != Phase::Open) return false;  // closing: what follows is never read
  // Flood control, for every line the client sends, over-long and empty ones too: without a
  // token (a line from the connection, bytes from its source) the frame waits in the framer
  // and reading pauses. Discarding an over-long line costs what relaying the longest does.
  // A frame the door held was charged when it was first offered.
  if (!c.frame_paid) {
    reactor::Clock::time_point now = reactor::Clock::now();
    if (!c.source) attach_source(c);
    if (c.source && !c.source->bytes.can_spend(now)) return false;
    if (!c.bucket.try_take(now)) return false;
    std::size_t size = frame == reactor::Frame::Overlong ? c.stream.max_line() : line.size();
    if (c.source) c.source->bytes.spend(static_cast<double>(size + 1 + kRelayAllowance));
  }
  c.frame_paid = false;
  if (frame == reactor::Frame::Line && log_enabled(LogLevel::Debug)) {  // the size only: lines may be private
    std::string peer = c.peer.to_string();
    log_event(LogLevel::Debug, "line", "line from " + who(c) + " (" + std::to_string(line.size()) + " bytes)",
              {{"name", c.name}, {"peer", peer}, {"bytes", line.size()}});
  }
  if (c.handler->on_frame(c, frame, line) == FrameVerdict::Hold) {
    c.held = true;
    c.frame_paid = true;
    return false;
  }
  ++stats_.lines_in;
  return c.phase == Phase::Open;
}

// Offers what the framer kept (paced by flood control, or held by the door) again; what is
// still refused waits for the next resume timer or resume_input().
void ConnectionLayer::offer_buffered(Connection& c) {
  if (c.raw) {
    offer_raw(c);
    return;
  }
  bool drained =
      c.stream.resume([this, &c](reactor::Frame f, std::string_view line) { return take_frame(c, f, line); });
  if (!drained) {
    if (!c.held) arm_resume(c);
  } else if (c.stream.read_ended()) {
    finish_input(c);
  }
  update_interest(c);
}

void ConnectionLayer::resume_input(chat::ClientId id) {
  Connection* c = connections_.find(id);
  if (!c || c->resume_requested) return;
  c->resume_requested = true;
  resume_list_.push_back(id);
}

// Deferred to the end of the iteration, so that a door may call resume_input() from inside
// on_frame (a claim that completes at once) without re-entering the framer.
void ConnectionLayer::resume_held() {
  std::vector<chat::ClientId> due;
  due.swap(resume_list_);
  for (chat::ClientId id : due) {
    Connection* c = connections_.find(id);
    if (!c || !c->resume_requested) continue;
    c->resume_requested = false;
    if (!c->held || c->phase != Phase::Open) continue;
    c->held = false;
    offer_buffered(*c);
  }
  if (resume_list_.empty()) {  // keep the capacity for the next ones
    due.clear();
    std::swap(due, resume_list_);
  }
}

// Per-source pacing is on with flood control (--rate above 0): a quarter of --max-queue at
// once, then half of --max-queue per second (512 KiB/s by default), so that no address can
// push a reader who takes more than that per second past --max-queue (docs/PROTOCOL.md).
void ConnectionLayer::attach_source(Connection& c) {
  if (limits_.rate <= 0) return;
  double max_queue = static_cast<double>(limits_.max_queue);
  c.source = sources_.attach(c.peer.ip, max_queue / 2, max_queue / 4);
}

void ConnectionLayer::arm_resume(Connection& c) {
  if (c.resume_timer || c.phase != Phase::Open) return;
  chat::ClientId id = c.id;
  reactor::Clock::time_point paused_at = reactor::Clock::now();
  reactor::Clock::duration wait = c.bucket.wait_for_token(paused_at);
  if (c.source) wait = std::max(wait, c.source->bytes.wait_for_token(paused_at));
  c.resume_timer = loop_.add_timer(wait, [this, id, paused_at] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->resume_timer = {};
    stats_.flood_paused_seconds += std::chrono::duration<double>(reactor::Clock::now() - paused_at).count();
    offer_buffered(*c);
  });
}

void ConnectionLayer::input_ended(Connection& c, std::string_view reason) {
  c.close_reason = std::string(reason);
  if (input_paused(c)) {
    update_interest(c);  // paced or held lines still wait; offer_buffered finishes
    return;
  }
  finish_input(c);
}

void ConnectionLayer::finish_input(Connection& c) {
  if (c.phase != Phase::Open) return;
  // Every line the peer sent has been processed: now the door may tell the others.
  c.handler->on_input_ended(c);
  std::string reason = c.close_reason;
  close_after_flush(c, reason);
}

void ConnectionLayer::peer_vanished(Connection& c) {
  // Hang-up once input has ended: both directions are gone. Nothing can be written any
  // more, and level-triggered hang-ups would fire forever, so stop watching; lines still
  // waiting (flood control, a door's hold) are processed by offer_buffered.
  c.output_broken = true;
  discard_output(c);
  if (c.phase == Phase::Open && input_paused(c)) {
    if (c.close_reason.empty()) c.close_reason = "reset";
    loop_.unwatch(c.fd());
    c.watched = false;
    return;
  }
  condemn(c, c.close_reason.empty() ? "reset" : c.close_reason,
          c.phase == Phase::Open ? Departure::Lost : Departure::Silent);
}

void ConnectionLayer::linger_read(Connection& c) {
  reactor::ReadResult r = reactor::read_once(c.fd(), read_buffer_);
  stats_.bytes_in += r.bytes;
  if (r.status == reactor::ReadStatus::Open) return;
  condemn(c, c.close_reason, Departure::Silent);
}

}  // namespace net
