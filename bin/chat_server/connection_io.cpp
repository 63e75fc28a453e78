// One connection's input and output: reading and pacing lines, flushing coalesced output,
// and the orderly close (flush, shut the write side, linger) or the immediate one (condemn).
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "bin/chat_server/log.h"
#include "bin/chat_server/server.h"

namespace chat_server {
namespace {
constexpr auto kCloseDeadline = std::chrono::seconds(2);
// What formatting adds to a relayed line at most: the timestamp, a name (at most 24 bytes)
// and the longest decoration ("[private to NAME] <NAME> "). A source is charged a line's
// bytes plus this, once per line: that bounds what any one recipient can receive from it.
constexpr std::size_t kRelayAllowance = 64;
}  // namespace

void Server::read_ready(Connection& c) {
  ssize_t n;
  do {
    n = read(c.fd, read_buffer_.data(), read_buffer_.size());
  } while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
  if (n <= 0) {
    input_ended(c, n == 0 ? "EOF" : "reset");
    return;
  }
  stats_.bytes_in += static_cast<std::size_t>(n);
  c.framer.feed(std::string_view(read_buffer_.data(), static_cast<std::size_t>(n)),
                [this, &c](reactor::Frame f, std::string_view line) { return take_frame(c, f, line); });
  if (c.framer.blocked() && !c.resume_timer && c.phase == Phase::Open && !chat::LineDoor::holds_input(c.login)) {
    ++stats_.flood_pauses;
    log_client(LogLevel::Debug, "flood_pause", "flood control pauses", c.login.name, c.peer);
  }
  if (c.framer.blocked()) arm_resume(c);
  update_interest(c);
}

chat::LoginState* Server::login_of(chat::ClientId id) {
  Connection* c = connections_.find(id);
  return c && c->phase == Phase::Open ? &c->login : nullptr;
}

// The lines the client sent behind its name waited in the framer: they go now, in order.
void Server::name_claim_settled(chat::ClientId id, bool accepted) {
  Connection* c = connections_.find(id);
  if (!c || c->phase != Phase::Open) return;
  refresh_stamp();
  handle_outcome(*c, accepted ? chat::Outcome::NameAccepted : chat::Outcome::NameRefused);
  if (c->phase != Phase::Open) return;
  bool drained =
      c->framer.resume([this, c](reactor::Frame f, std::string_view line) { return take_frame(*c, f, line); });
  if (!drained) {
    arm_resume(*c);
  } else if (c->read_ended) {
    finish_input(*c);
  }
  update_interest(*c);
}

bool Server::take_frame(Connection& c, reactor::Frame frame, std::string_view line) {
  if (c.phase != Phase::Open) return false;                // closing: what follows is never read
  if (chat::LineDoor::holds_input(c.login)) return false;  // until name_claim_settled()
  // Flood control, for every line the client sends, over-long and empty ones too: without a
  // token (a line from the connection, bytes from its source) the frame waits in the framer
  // and reading pauses. Discarding an over-long line costs what relaying the longest does.
  reactor::Clock::time_point now = reactor::Clock::now();
  if (!c.source) attach_source(c);
  if (c.source && !c.source->bytes.can_spend(now)) return false;
  if (!c.bucket.try_take(now)) return false;
  chat::ClientId id = c.id;
  if (frame == reactor::Frame::Overlong) {
    if (c.source) c.source->bytes.spend(static_cast<double>(c.framer.max_line() + 1 + kRelayAllowance));
    ++stats_.lines_in;
    handle_outcome(c, line_door_.on_overlong(id, c.login));
    return c.phase == Phase::Open;
  }
  if (c.source) c.source->bytes.spend(static_cast<double>(line.size() + 1 + kRelayAllowance));
  ++stats_.lines_in;
  if (log_enabled(LogLevel::Debug)) {  // the size only: lines may be private
    std::string peer = c.peer.to_string();
    log_event(LogLevel::Debug, "line", "line from " + who(c) + " (" + std::to_string(line.size()) + " bytes)",
              {{"name", c.login.name}, {"peer", peer}, {"bytes", line.size()}});
  }
  if (refuse_locked_guess(c)) return false;  // before the password is compared
  handle_outcome(c, line_door_.on_line(id, c.login, line));
  return c.phase == Phase::Open;
}

// Per-source pacing is on with flood control (--rate above 0): a quarter of --max-queue at
// once, then half of --max-queue per second (512 KiB/s by default), so that no address can
// push a reader who takes more than that per second past --max-queue (docs/PROTOCOL.md).
void Server::attach_source(Connection& c) {
  if (options_.rate <= 0) return;
  double max_queue = static_cast<double>(options_.max_queue);
  c.source = sources_.attach(c.peer.ip, max_queue / 2, max_queue / 4);
}

void Server::arm_resume(Connection& c) {
  // A pending name claim, not flood control, holds the lines: name_claim_settled resumes.
  if (c.resume_timer || c.phase != Phase::Open || chat::LineDoor::holds_input(c.login)) return;
  chat::ClientId id = c.id;
  reactor::Clock::time_point paused_at = reactor::Clock::now();
  reactor::Clock::duration wait = c.bucket.wait_for_token(paused_at);
  if (c.source) wait = std::max(wait, c.source->bytes.wait_for_token(paused_at));
  c.resume_timer = loop_->add_timer(wait, [this, id, paused_at] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->resume_timer = {};
    stats_.flood_paused_seconds += std::chrono::duration<double>(reactor::Clock::now() - paused_at).count();
    refresh_stamp();
    bool drained =
        c->framer.resume([this, c](reactor::Frame f, std::string_view line) { return take_frame(*c, f, line); });
    if (!drained) {
      arm_resume(*c);
    } else if (c->read_ended) {
      finish_input(*c);
    }
    update_interest(*c);
  });
}

void Server::handle_outcome(Connection& c, chat::Outcome outcome) {
  switch (outcome) {
    case chat::Outcome::None: return;
    case chat::Outcome::PasswordAccepted:
      log_client(LogLevel::Info, "auth_ok", "auth ok", c.login.name, c.peer);
      return;
    case chat::Outcome::PasswordRejected:
      ++stats_.failed_logins;
      log_client(LogLevel::Warn, "auth_failed", "auth failed", c.login.name, c.peer);
      if (throttle_.record_failure(c.peer.ip, reactor::Clock::now()))
        log_event(LogLevel::Warn, "lockout", "locking out " + c.peer.ip + " after repeated wrong passwords",
                  {{"ip", c.peer.ip}});
      close_after_flush(c, "wrong password");
      return;
    case chat::Outcome::NameAccepted:
      loop_->cancel_timer(c.auth_timer);
      logging_in_.remove(c.fd);
      ++stats_.logins;
      log_client(LogLevel::Info, "login", "name", c.login.name, c.peer);
      return;
    case chat::Outcome::NamePending:
      log_client(LogLevel::Debug, "name_pending", "name claim pending", c.login.name, c.peer);
      return;
    case chat::Outcome::NameRefused:
      log_client(LogLevel::Info, "name_refused", "name refused", c.login.name, c.peer);
      return;
    case chat::Outcome::Quit: close_after_flush(c, "quit"); return;
    case chat::Outcome::TooLongBeforeChat: close_after_flush(c, "line too long"); return;
  }
}

void Server::input_ended(Connection& c, std::string_view reason) {
  c.read_ended = true;
  c.close_reason = std::string(reason);
  if (c.framer.blocked()) {
    update_interest(c);  // paced lines still wait in the framer; the resume timer finishes
    return;
  }
  finish_input(c);
}

void Server::finish_input(Connection& c) {
  if (c.phase != Phase::Open) return;
  // Every line the peer sent has been processed: now the others may hear it is gone.
  line_door_.on_disconnect(c.id, c.login, chat::Departure::Lost);
  std::string reason = c.close_reason;
  close_after_flush(c, reason);
}

void Server::peer_vanished(Connection& c) {
  // Hang-up while we are not reading: both directions are gone. Nothing can be written any
  // more, and level-triggered hang-ups would fire forever, so stop watching; lines still
  // waiting for flood control are processed by the resume timer.
  c.output_broken = true;
  discard_output(c);
  if (c.phase == Phase::Open && c.framer.blocked()) {
    c.read_ended = true;
    if (c.close_reason.empty()) c.close_reason = "reset";
    loop_->unwatch(c.fd);
    c.watched = false;
    return;
  }
  condemn(c, c.close_reason.empty() ? "reset" : c.close_reason,
          c.phase == Phase::Open ? chat::Departure::Lost : chat::Departure::Silent);
}

void Server::deliver_one(chat::ClientId to, const reactor::PayloadRef& line) {
  Connection* c = connections_.find(to);
  if (!c || c->phase != Phase::Open || c->output_broken) {
    unreserve_output(line.size());
    return;
  }
  c->out.push(line);
  ++stats_.deliveries_out;
  if (c->out.bytes() > options_.max_queue) {
    // The limit is on what the kernel has not accepted: offer it the queue before judging.
    flush(*c);
    if (c->phase != Phase::Open) return;
    if (c->out.bytes() > options_.max_queue) {
      ++stats_.dropped_slow;
      condemn(*c, "too slow", chat::Departure::TooSlow);
      return;
    }
  }
  if (!c->flush_scheduled) schedule_flush(*c);
}

void Server::schedule_flush(Connection& c) {
  if (c.flush_scheduled || c.phase == Phase::Dead) return;
  c.flush_scheduled = true;
  flush_list_.push_back(&c);
}

void Server::flush(Connection& c) {
  if (c.output_broken) {
    if (c.phase != Phase::Open) condemn(c, c.close_reason, chat::Departure::Silent);
    return;
  }
  bool was_blocked = c.write_blocked;
  std::size_t queued = c.out.bytes();
  reactor::FlushResult result = c.out.flush_to(c.fd);
  output_room_ += static_cast<std::int64_t>(queued - c.out.bytes());  // bytes_out follows (stats())
  switch (result) {
    case reactor::FlushResult::Drained:
      c.write_blocked = false;
      if (c.phase == Phase::Closing) {
        begin_linger(c);
        return;
      }
      break;
    case reactor::FlushResult::Pending: c.write_blocked = true; break;
    case reactor::FlushResult::Failed:
      discard_output(c);
      c.output_broken = true;
      c.write_blocked = false;
      // While Open, every line the peer sent still counts: those paced in the framer, and
      // those still in the kernel (Linux keeps a reset connection's received bytes readable,
      // then reports the error). Reading on ends the input, which reports the departure.
      if (c.phase == Phase::Open) break;
      condemn(c, c.close_reason, chat::Departure::Silent);
      return;
  }
  if (!c.watched && c.write_blocked) {
    discard_output(c);
    c.output_broken = true;
  }
  // Only the write side's state can have changed; a drained flush that found it unblocked
  // (nearly every flush) leaves the interest as it was.
  if (c.write_blocked != was_blocked || c.output_broken) update_interest(c);
}

void Server::close_after_flush(Connection& c, std::string_view reason) {
  if (c.phase != Phase::Open) return;
  c.phase = Phase::Closing;
  c.close_reason = std::string(reason);
  logging_in_.remove(c.fd);  // leaving: no longer holds a place among the logins
  loop_->cancel_timer(c.auth_timer);
  loop_->cancel_timer(c.resume_timer);
  chat::ClientId id = c.id;
  c.close_timer = loop_->add_timer(kCloseDeadline, [this, id] {
    Connection* c = connections_.find(id);
    if (!c) return;
    c->close_timer = {};
    condemn(*c, c->close_reason, chat::Departure::Silent);
  });
  schedule_flush(c);
  update_interest(c);
}

void Server::begin_linger(Connection& c) {
  shutdown(c.fd, SHUT_WR);
  c.phase = Phase::Lingering;
  if (shutting_down_) {
    // No time to wait for the peer: drop what it sent so close() still ends with FIN.
    while (read(c.fd, read_buffer_.data(), read_buffer_.size()) > 0) {
    }
    condemn(c, c.close_reason, chat::Departure::Silent);
    return;
  }
  if (c.read_ended || !c.watched) {
    condemn(c, c.close_reason, chat::Departure::Silent);
    return;
  }
  update_interest(c);
}

void Server::linger_read(Connection& c) {
  ssize_t n;
  do {
    n = read(c.fd, read_buffer_.data(), read_buffer_.size());
  } while (n < 0 && errno == EINTR);
  if (n > 0) stats_.bytes_in += static_cast<std::size_t>(n);
  if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))) return;
  condemn(c, c.close_reason, chat::Departure::Silent);
}

void Server::condemn(Connection& c, std::string_view reason, chat::Departure departure) {
  if (c.phase == Phase::Dead) return;
  c.phase = Phase::Dead;
  c.close_reason = std::string(reason);
  logging_in_.remove(c.fd);
  discard_output(c);
  dead_list_.emplace_back(&c, departure);
}

void Server::discard_output(Connection& c) {
  output_room_ += static_cast<std::int64_t>(c.out.bytes());
  output_discarded_ += c.out.bytes();
  c.out.clear();
}

void Server::update_interest(Connection& c) {
  if (c.phase == Phase::Dead || !c.watched) return;
  std::uint8_t want = 0;
  bool reading = (c.phase == Phase::Open && !c.read_ended && !c.framer.blocked()) || c.phase == Phase::Lingering;
  if (reading) want |= reactor::kReadable;
  if (c.write_blocked && !c.output_broken) want |= reactor::kWritable;
  loop_->set_interest(c.fd, want);
}

}  // namespace chat_server
