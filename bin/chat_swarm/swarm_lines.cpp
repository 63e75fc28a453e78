// Swarm, what the server's lines mean: the login steps, then every line in the room checked
// against the ledger (who sent it, in what order, how late), and notices of departures.
#include <algorithm>

#include "bin/chat_swarm/message.h"
#include "bin/chat_swarm/swarm.h"

namespace swarm {
namespace {

std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out;
}

}  // namespace

void Swarm::handle_line(Bot& bot, std::string_view raw) {
  if (bot.proto == Proto::Irc) {
    irc_line(bot, raw);
    return;
  }
  Tick t = tick();
  ServerLine line = parse_server_line(raw);
  if (in_room(bot.state)) {
    chat_line(bot, line, raw, t);
    return;
  }
  LoginStep step = login_step(bot.state, line, options_.pipeline, bot.name);
  switch (step.action) {
    case LoginAction::Wait: break;
    case LoginAction::SendPassword: queue_line(bot, options_.password + "\n"); break;
    case LoginAction::SendName:
      queue_line(bot, bot.name + "\n");
      bot.name_sent_ns = read_ns_;
      if (bot.role->listens) ledger_.join_requested(bot.id, tick());
      break;
    case LoginAction::Ready:
      bot.state = BotState::AwaitWelcome;  // login_step moved it; set_state keeps the counts
      set_state(bot, BotState::Chatting);
      became_ready(bot, t);
      break;
    case LoginAction::Fail:
      bot.state = BotState::AwaitWelcome;  // any login state: the counts are the same
      fail(bot, step.reason);
      break;
  }
}

void Swarm::became_ready(Bot& bot, Tick t) {
  if (bot.role->listens) ledger_.welcomed(bot.id, t);  // a dedicated sender is owed nothing
  ++logins_;
  login_latency_.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - bot.connect_started_ns)));
  auto claim_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - bot.name_sent_ns));
  claim_latency_.record(claim_ns);
  TargetCounts& target = per_target_[bot.target];
  ++target.logins;
  target.claim_latency.record(claim_ns);
  if (plan_.cycles_logins) {
    leave(bot, Departure::Quit);  // a login storm logs in and out again
    return;
  }
  if (bot.initial) {
    ++initial_ready_;
    last_initial_ready_ns_ = read_ns_;
    initial_settled(bot);  // may start sending, which starts this bot too
  } else if (phase_ == Phase::Sending) {
    start_bot(bot);
  }
}

// ---- lines in the room -----------------------------------------------------------------

void Swarm::chat_line(Bot& bot, const ServerLine& line, std::string_view raw, Tick t) {
  switch (line.kind) {
    case LineKind::Public:
      // pubsub in chat mode: the server also copies each sender's lines to the other
      // senders; they are read (the server must be able to write them) but owed to nobody,
      // so that deliveries mean the same with --proto redis.
      if (!bot.role->listens) return;
      receive_message(bot, line, Channel::Public, t);
      return;
    case LineKind::Private:
    case LineKind::Echo:
      if (line.text == kBarrierText && line.from == bot.name) {
        // A bot leaving abruptly waits for its own barrier: everything the server processed
        // before it has been read, and only then does the bot vanish.
        if (line.kind == LineKind::Echo && bot.state == BotState::Syncing) vanish_on_purpose(bot);
        return;
      }
      receive_message(bot, line, line.kind == LineKind::Private ? Channel::Private : Channel::Echo, t);
      return;
    case LineKind::Notice: {
      Notice n = parse_notice(line.text);
      switch (n.kind) {
        case NoticeKind::Left:
        case NoticeKind::Disconnected:
        case NoticeKind::TooSlow: {
          BotId who = bot_named(n.name);
          if (who == kNoBot) return;
          ledger_.departure_seen(who, t);
          if (n.kind == NoticeKind::TooSlow && !bots_[who]->reported_slow) {
            bots_[who]->reported_slow = true;
            count_error("server dropped a bot as too slow");
          }
          return;
        }
        case NoticeKind::Bye:
          if (n.name != bot.name) {
            count_error("'* Bye' for someone else");
            return;
          }
          bot.saw_bye = true;
          ledger_.departure_seen(bot.id, t);
          if (bot.state != BotState::Leaving) count_error("'* Bye' without @sair");
          return;
        case NoticeKind::ShuttingDown: count_error("server is shutting down"); return;
        case NoticeKind::Welcome: count_error("a second '* Welcome'"); return;
        case NoticeKind::Joined:
        case NoticeKind::Other: return;
      }
      return;
    }
    case LineKind::Error: count_error("server error: " + excerpt(line.text)); return;
    default: count_error("unexpected line in the room: " + excerpt(raw)); return;
  }
}

void Swarm::receive_message(Bot& bot, const ServerLine& line, Channel channel, Tick t) {
  BotId from = bot_named(line.from);
  if (from == kNoBot) {
    ++foreign_;
    return;
  }
  if (channel == Channel::Echo && line.to != bots_[from]->peer_name) {
    ++corrupted_;
    return;
  }
  accept_message(bot, line.text, from, channel, t);
}

// `from` is the author the server named, or kNoBot where the protocol names none (Redis
// pub/sub): then the message's own sender field is all there is.
void Swarm::accept_message(Bot& bot, std::string_view text, BotId from, Channel channel, Tick t) {
  MessageHeader h;
  MessageCheck check = parse_message(text, options_.size, h);
  if (check == MessageCheck::NotSwarm && from == kNoBot) {
    ++foreign_;
    return;
  }
  if (check != MessageCheck::Ok || (from != kNoBot && h.sender != from)) {
    ++corrupted_;
    return;
  }
  Receipt r = ledger_.record_receipt(bot.id, h.sender, h.seq, channel, t);
  if (r != Receipt::Fresh && r != Receipt::Late) return;
  ++delivered_;
  if (channel == Channel::Public) order_.observe(bot.id, ledger_.run_order(h.sender, h.seq));
  if (plan_.closed_loop && channel == Channel::Public) closed_loop_ack(h.sender, h.seq);
  if (channel == Channel::Echo) return;  // latency is measured where the message is meant to go
  auto latency_ns = static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - h.intended_ns));
  latency_.record(latency_ns);
  per_target_[bot.target].latency.record(latency_ns);
  if (during_) phase_latency_[phase_of(ledger_.queued_ns(h.sender, h.seq))].record(latency_ns);
  latency_write_.record(
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - ledger_.queued_ns(h.sender, h.seq))));
}

}  // namespace swarm
