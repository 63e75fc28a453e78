// Swarm, sending: each sender's open-loop schedule or the closed loop, churners' lifetimes,
// --hold, and the ends of a sending phase counted by messages or logins.
#include <algorithm>
#include <cstdio>

#include "bin/chat_swarm/message.h"
#include "bin/chat_swarm/swarm.h"

namespace swarm {
namespace {

reactor::Clock::duration ns(std::int64_t v) { return std::chrono::nanoseconds(v < 0 ? 0 : v); }

}  // namespace

// ---- sending ---------------------------------------------------------------------------

void Swarm::start_sending() {
  if (phase_ != Phase::Connecting) return;
  loop_->cancel_timer(ready_timer_);
  if (options_.hold_s > 0 && !held_before_) {
    held_before_ = true;
    hold("in the room", [this] { start_sending(); });
    return;
  }
  phase_ = Phase::Sending;
  send_start_ns_ = now_ns();
  end_ns_ = send_start_ns_ + static_cast<std::int64_t>(options_.duration_s * 1e9);
  if (during_) {
    during_at_ns_ = send_start_ns_ + static_cast<std::int64_t>(options_.during_at_s * 1e9);
    during_timer_ = loop_->add_timer(ns(during_at_ns_ - now_ns()), [this] { start_during(); });
  }
  if (in_room_ == 0) {  // nobody to send or to listen: nothing to measure
    stop_sending();
    return;
  }
  for (const auto& b : bots_)
    if (b->state == BotState::Chatting) start_bot(*b);
  if (!plan_.by_count) {
    end_timer_ = loop_->add_timer(ns(end_ns_ - now_ns()), [this] {
      end_timer_ = {};
      stop_sending();
    });
  } else if (senders_active_ == 0) {
    stop_sending();
  }
}

void Swarm::start_bot(Bot& bot) {
  const SlotRole& role = *bot.role;
  if (role.sends && (!plan_.by_count || role.quota > 0)) {
    bot.sending = true;
    ++senders_active_;
    // Everyone present at the start shares one clock; a replacement starts when it arrives.
    bot.send_start_ns = bot.id < plan_.slots.size() ? send_start_ns_ : now_ns();
    if (plan_.closed_loop) {
      closed_loop_next(bot);
    } else {
      schedule_send(bot);
    }
  }
  if (role.churns) {
    bot.departure = dice_.departure();
    BotId id = bot.id;
    bot.life_timer = loop_->add_timer(ns(dice_.lifetime_ns()), [this, id] { life_over(id); });
  }
}

void Swarm::schedule_send(const Bot& bot) {
  std::int64_t intended = bot.send_start_ns + plan_.intended_offset_ns(*bot.role, bot.sent);
  pacer_->schedule(bot.id, bot.send_generation, intended);
}

void Swarm::send_due(BotId id, std::uint32_t generation) {
  Bot& bot = *bots_[id];
  if (generation != bot.send_generation || !bot.sending || bot.state != BotState::Chatting) return;
  std::int64_t now = now_ns();
  // Open loop: everything whose time has come goes out now, however late the swarm is.
  for (;;) {
    if (plan_.by_count && bot.sent >= bot.role->quota) {
      bot.sending = false;
      sender_finished();
      return;
    }
    std::int64_t intended = bot.send_start_ns + plan_.intended_offset_ns(*bot.role, bot.sent);
    if (!plan_.by_count && intended >= end_ns_) {
      bot.sending = false;  // the end timer stops the phase
      return;
    }
    if (intended > now) break;
    send_message(bot, intended);
  }
  schedule_send(bot);
}

void Swarm::send_message(Bot& bot, std::int64_t intended_ns) {
  std::int64_t now = now_ns();
  Seq seq = ledger_.record_send(bot.id, tick(), now);
  scratch_.clear();
  if (bot.proto == Proto::Redis) {
    append_message(scratch_, MessageHeader{bot.id, seq, intended_ns}, options_.size);
    queue_publish(bot, scratch_);
  } else if (bot.proto == Proto::Irc) {
    append_message(scratch_, MessageHeader{bot.id, seq, intended_ns}, options_.size);
    queue_irc_message(bot, scratch_);
  } else {
    if (bot.role->audience == Audience::Peer) scratch_ += "@privado:" + bot.peer_name + " ";
    append_message(scratch_, MessageHeader{bot.id, seq, intended_ns}, options_.size);
    scratch_ += '\n';
    queue_line(bot, scratch_);
  }
  ++bot.sent;
  ++sent_;
  send_lag_.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, now - intended_ns)));
}

// ---- closed loop -----------------------------------------------------------------------
// A sender has one message out at a time: the next goes as soon as every listener in the
// room has read the last, so the rate is whatever the server (and the swarm) can carry.

std::uint64_t Swarm::listeners_owed(const Bot& sender) const {
  std::uint64_t self = sender.role->listens && in_room(sender.state) ? 1 : 0;
  return listeners_in_room_ - self;
}

void Swarm::closed_loop_next(Bot& bot) {
  if (phase_ != Phase::Sending || !bot.sending || bot.state != BotState::Chatting) return;
  if (plan_.by_count && bot.sent >= bot.role->quota) {
    bot.sending = false;
    sender_finished();
    return;
  }
  std::int64_t now = now_ns();
  if (!plan_.by_count && now >= end_ns_) {
    bot.sending = false;  // the end timer stops the phase
    return;
  }
  bot.acks = 0;
  send_message(bot, now);
}

void Swarm::closed_loop_ack(BotId sender, Seq seq) {
  Bot& s = *bots_[sender];
  if (!s.sending || seq + 1 != s.sent) return;
  if (++s.acks >= listeners_owed(s)) closed_loop_next(s);
}

// A listener left unasked: nobody waits for it any more.
void Swarm::closed_loop_recheck() {
  if (!plan_.closed_loop || phase_ != Phase::Sending) return;
  for (const auto& b : bots_)
    if (b->sending && b->sent > 0 && b->acks >= listeners_owed(*b)) closed_loop_next(*b);
}

// --hold: idle with every connection open, saying so on stderr, so that a script can read
// the server's memory and CPU time at known points.
void Swarm::hold(const char* what, std::function<void()> then) {
  (void)std::fprintf(stderr, "chat-swarm: holding (%s) for %.1f s\n", what, options_.hold_s);
  (void)std::fflush(stderr);
  hold_timer_ = loop_->add_timer(ns(static_cast<std::int64_t>(options_.hold_s * 1e9)), [this, then = std::move(then)] {
    hold_timer_ = {};
    then();
  });
}

void Swarm::sender_finished() {
  if (senders_active_ > 0) --senders_active_;
  if (plan_.by_count && senders_active_ == 0 && phase_ == Phase::Sending) stop_sending();
}

void Swarm::life_over(BotId id) {
  Bot& bot = *bots_[id];
  bot.life_timer = {};
  if (phase_ == Phase::Sending && bot.state == BotState::Chatting) leave(bot, bot.departure);
}

// A login storm with --logins ends once the last of them has logged out again.
void Swarm::storm_check_done() {
  if (!plan_.cycles_logins || !options_.logins || phase_ != Phase::Sending) return;
  if (spawned_ >= *options_.logins && connect_queue_.empty() && open_ == 0) stop_sending();
}

}  // namespace swarm
