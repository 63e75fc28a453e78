// One connection's output and end: queueing a delivery (the slow-consumer rule), the
// per-iteration flush pass, the orderly close (flush, shut the write side, linger) or the
// immediate one (condemn), and the cull that frees closed connections between batches.
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "net/connection_layer.h"
#include "net/log.h"

namespace net {
namespace {
constexpr auto kCloseDeadline = std::chrono::seconds(2);
// Input is polled every this many writes of a flush pass: about 0.05 ms of writes on
// loopback, against one epoll_wait that returns at once. Often enough that a cluster
// node's lines, back from Redis a round trip after they were read, still join most of the
// pass's writes (docs/PERFORMANCE.md, "Polling every 32 writes").
constexpr std::size_t kFlushesBetweenPolls = 32;
// ...as long as the pass's queues averaged at most this much (16 lines of 64 bytes).
constexpr std::uint64_t kMidPassMaxQueuedBytes = 1024;
}  // namespace

void ConnectionLayer::deliver_one(chat::ClientId to, const reactor::PayloadRef& payload) {
  Connection* c = connections_.find(to);
  if (!c || c->phase != Phase::Open || c->output_broken) {
    unreserve_output(payload.size());
    return;
  }
  c->stream.output().push(payload);
  ++stats_.deliveries_out;
  if (c->stream.output_bytes() > limits_.max_queue) {
    // The limit is on what the kernel has not accepted: offer it the queue before judging.
    flush(*c);
    if (c->phase != Phase::Open) return;
    if (c->stream.output_bytes() > limits_.max_queue) {
      ++stats_.dropped_slow;
      condemn(*c, "too slow", Departure::TooSlow);
      return;
    }
  }
  if (!c->flush_scheduled) schedule_flush(*c);
}

void ConnectionLayer::schedule_flush(Connection& c) {
  if (c.flush_scheduled || c.phase == Phase::Dead) return;
  c.flush_scheduled = true;
  flush_list_.push_back(&c);
}

void ConnectionLayer::flush(Connection& c) {
  if (c.output_broken) {
    if (c.phase != Phase::Open) condemn(c, c.close_reason, Departure::Silent);
    return;
  }
  bool was_blocked = c.stream.write_blocked();
  std::size_t queued = c.stream.output_bytes();
  reactor::FlushResult result = c.stream.flush();
  switch (result) {
    case reactor::FlushResult::Drained:
      output_room_ += static_cast<std::int64_t>(queued);  // bytes_out follows (stats())
      if (c.phase == Phase::Closing) {
        begin_linger(c);
        return;
      }
      break;
    case reactor::FlushResult::Pending:
      output_room_ += static_cast<std::int64_t>(queued - c.stream.output_bytes());
      break;
    case reactor::FlushResult::Failed:
      // The stream dropped its queue: all of it counts as discarded (what the kernel took in
      // this last call goes to a reset peer; it never arrives).
      output_room_ += static_cast<std::int64_t>(queued);
      output_discarded_ += queued;
      c.output_broken = true;
      // While Open, every line the peer sent still counts: those paced in the framer, and
      // those still in the kernel (Linux keeps a reset connection's received bytes readable,
      // then reports the error). Reading on ends the input, which reports the departure.
      if (c.phase == Phase::Open) break;
      condemn(c, c.close_reason, Departure::Silent);
      return;
  }
  if (!c.watched && c.stream.write_blocked()) {
    discard_output(c);
    c.output_broken = true;
  }
  // Only the write side's state can have changed; a drained flush that found it unblocked
  // (nearly every flush) leaves the interest as it was.
  if (c.stream.write_blocked() != was_blocked || c.output_broken) update_interest(c);
}

void ConnectionLayer::flush_pass() {
  // One pass over the connections with output, in the order they got it. A long pass (a
  // fan-out to thousands) stops every kFlushesBetweenPolls writes to take the input that
  // arrived meanwhile: its lines join the queues of everyone not yet written in this pass,
  // so each write carries more lines, and a new line waits for part of a pass, not for the
  // rest of this one and then the next. Connections already written get the line in the
  // next pass; they are back on flush_list_, not on the list being walked.
  flushing_.swap(flush_list_);
  std::uint64_t queued_in_pass = 0;
  for (std::size_t i = 0; i < flushing_.size(); ++i) {
    Connection* c = flushing_[i];
    c->flush_scheduled = false;
    if (c->phase != Phase::Dead) {
      queued_in_pass += c->stream.output_bytes();
      flush(*c);
    }
    if ((i + 1) % kFlushesBetweenPolls != 0 || i + 1 == flushing_.size()) continue;
    // Deep queues mean the pass is bound by output (or by readers that cannot keep up), and
    // input taken now would only wait in our queues (memory) instead of the kernel's
    // (backpressure). A login storm is such a pass: each login queues a notice for everyone.
    if (queued_in_pass / (i + 1) <= kMidPassMaxQueuedBytes) (void)loop_.dispatch_ready();
  }
  flushing_.clear();
}

void ConnectionLayer::end_iteration() {
  resume_held();  // before the pass: what the held lines cause goes out in it
  flush_pass();
  cull();  // telling the others about departures may queue more output
  // Output queued since its connection's turn goes out in the next iteration, which does
  // not wait; so does held input resumed meanwhile.
  if (!flush_list_.empty() || !resume_list_.empty()) loop_.skip_next_sleep();
}

void ConnectionLayer::close_after_flush(Connection& c, std::string_view reason) {
  if (c.phase != Phase::Open) return;
  c.phase = Phase::Closing;
  c.close_reason = std::string(reason);
  logging_in_.remove(c.fd());  // leaving: no longer holds a place among the logins
  loop_.cancel_timer(c.auth_timer);
  loop_.cancel_timer(c.resume_timer);
  chat::ClientId id = c.id;
  c.close_timer = loop_.add_timer(kCloseDeadline, [this, id] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->close_timer = {};
    condemn(*c, c->close_reason, Departure::Silent);
  });
  schedule_flush(c);
  update_interest(c);
}

void ConnectionLayer::begin_linger(Connection& c) {
  shutdown(c.fd(), SHUT_WR);
  c.phase = Phase::Lingering;
  if (shutting_down_) {
    // No time to wait for the peer: drop what it sent so close() still ends with FIN.
    while (read(c.fd(), read_buffer_.data(), read_buffer_.size()) > 0) {
    }
    condemn(c, c.close_reason, Departure::Silent);
    return;
  }
  if (c.stream.read_ended() || !c.watched) {
    condemn(c, c.close_reason, Departure::Silent);
    return;
  }
  update_interest(c);
}

void ConnectionLayer::condemn(Connection& c, std::string_view reason, Departure departure) {
  if (c.phase == Phase::Dead) return;
  c.phase = Phase::Dead;
  c.close_reason = std::string(reason);
  logging_in_.remove(c.fd());
  discard_output(c);
  dead_list_.emplace_back(&c, departure);
}

void ConnectionLayer::discard_output(Connection& c) {
  std::size_t bytes = c.stream.output_bytes();
  output_room_ += static_cast<std::int64_t>(bytes);
  output_discarded_ += bytes;
  c.stream.output().clear();
}

void ConnectionLayer::update_interest(Connection& c) {
  if (c.phase == Phase::Dead || !c.watched) return;
  std::uint8_t want = 0;
  bool reading = (c.phase == Phase::Open && !c.stream.read_ended() && !input_paused(c)) || c.phase == Phase::Lingering;
  if (reading) want |= reactor::kReadable;
  if (c.stream.write_blocked() && !c.output_broken) want |= reactor::kWritable;
  loop_.set_interest(c.fd(), want);
}

void ConnectionLayer::cull() {
  if (dead_list_.empty()) return;
  // First let the doors tell the others (which may condemn more connections)...
  // By index: a condemned connection is appended to dead_list_ (which may reallocate) while
  // we walk it.
  for (std::size_t i = 0; i < dead_list_.size(); ++i) {  // NOLINT(modernize-loop-convert)
    auto [c, departure] = dead_list_[i];
    c->handler->on_closed(*c, departure);
  }
  // ...then free them, now that nothing refers to them.
  for (auto [c, departure] : dead_list_) {
    log_client(departure == Departure::TooSlow ? LogLevel::Warn : LogLevel::Info, "disconnect", "disconnect", c->name,
               c->peer, c->close_reason);
    loop_.cancel_timer(c->auth_timer);
    loop_.cancel_timer(c->resume_timer);
    loop_.cancel_timer(c->close_timer);
    if (c->flush_scheduled) std::erase(flush_list_, c);
    if (c->watched) loop_.unwatch(c->fd());
    int fd = c->fd();
    forget_address(c->peer.ip);
    if (c->source) sources_.detach(c->peer.ip);
    connections_.erase(c->id);
    close(fd);
    --open_count_;
  }
  dead_list_.clear();
}

}  // namespace net
