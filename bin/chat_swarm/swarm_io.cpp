// One bot's connection: connecting, logging in, reading and checking every line, writing,
// leaving (politely or not), and counting every failure by its cause.
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "bin/chat_swarm/message.h"
#include "bin/chat_swarm/swarm.h"

namespace swarm {
namespace {

constexpr std::size_t kMaxErrorKinds = 40;
constexpr std::int64_t kRetryPauseNs = 100'000'000;  // before a failed slot tries again

std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out;
}

}  // namespace

void Swarm::count_error(const std::string& kind) {
  ++error_total_;
  auto it = errors_.find(kind);
  if (it != errors_.end()) {
    ++it->second;
  } else if (errors_.size() < kMaxErrorKinds) {
    errors_.emplace(kind, 1);
  } else {
    ++errors_["other errors"];
  }
}

BotId Swarm::bot_named(std::string_view name) const {
  if (name.size() <= prefix_.size() || name.substr(0, prefix_.size()) != prefix_) return kNoBot;
  std::string_view digits = name.substr(prefix_.size());
  BotId id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id >= bots_.size()) return kNoBot;
  return bots_[id]->name == name ? id : kNoBot;
}

void Swarm::count_state(const Bot& bot, BotState s, bool add) {
  auto count = [add](std::uint64_t& n) { n = add ? n + 1 : n - 1; };
  if (s == BotState::Connecting) count(connecting_);
  if (is_open(s)) count(open_);
  if (in_room(s)) count(in_room_);
  if (in_room(s) && bot.role->listens) count(listeners_in_room_);
  if (s == BotState::Syncing || s == BotState::Leaving) count(departing_);
  if (is_open(s) && !bot.role->churns && !plan_.cycles_logins) count(steady_open_);
}

void Swarm::set_state(Bot& bot, BotState next) {
  count_state(bot, bot.state, false);
  bot.state = next;
  count_state(bot, next, true);
}

// ---- connecting ------------------------------------------------------------------------

void Swarm::spawn(std::uint32_t slot) {
  BotId id = ledger_.add_bot();
  bots_.push_back(std::make_unique<Bot>(id, slot, prefix_ + std::to_string(id)));
  Bot& bot = *bots_.back();
  ++spawned_;
  bot.role = &plan_.slots[slot];
  count_state(bot, bot.state, true);  // a new bot starts in Connecting
  bot.initial = id < plan_.slots.size() && !plan_.cycles_logins;
  if (!bot.initial && !plan_.cycles_logins) ++churn_bots_;
  if (bot.role->sends) {
    // Partners (private) exist only in scenarios without churn, where bot ids are slots.
    ledger_.set_audience(id, bot.role->audience, bot.role->peer);
    if (bot.role->audience == Audience::Peer) bot.peer_name = prefix_ + std::to_string(bot.role->peer);
  }
  ++connect_attempts_;
  bot.connect_started_ns = now_ns();
  if (first_connect_ns_ < 0) first_connect_ns_ = bot.connect_started_ns;
  const Address* source = sources_.empty() ? nullptr : &sources_[next_source_++ % sources_.size()];
  int fd = swarm::start_connect(server_, source, max_socket_fd_);  // ADL also finds reactor::start_connect
  if (fd < 0) {
    if (-fd == EMFILE) {
      fail(bot, "connect: EMFILE (out of descriptors; " + std::to_string(kReservedDescriptors) +
                    " kept for the swarm itself)");
    } else {
      fail(bot, "connect: " + errno_text(-fd));
    }
    return;
  }
  if (static_cast<std::size_t>(fd) >= bot_of_fd_.size()) bot_of_fd_.resize(fd + 1, kNoBot);
  bot.stream.attach(fd);
  bot_of_fd_[fd] = id;
  if (int err = loop_->watch(fd, reactor::kWritable, this)) fail(bot, "watch: " + errno_text(err));
}

void Swarm::on_io(int fd, std::uint8_t events) {
  if (fd < 0 || static_cast<std::size_t>(fd) >= bot_of_fd_.size() || bot_of_fd_[fd] == kNoBot) return;
  Bot& bot = *bots_[bot_of_fd_[fd]];
  if (bot.state == BotState::Connecting) {
    if (int err = connect_error(fd)) {
      fail(bot, "connect: " + errno_text(err));
    } else {
      connected(bot);
    }
    return;
  }
  if (events & (reactor::kReadable | reactor::kHangup)) read_ready(bot);
  if (bot.stream.attached() && (events & reactor::kWritable) && !bot.flush_queued) {
    bot.flush_queued = true;
    flush_list_.push_back(bot.id);
  }
}

void Swarm::connected(Bot& bot) {
  ++connected_;
  if (options_.proto == Proto::Redis) {
    redis_connected(bot);
    return;
  }
  set_state(bot, BotState::AwaitPassword);
  loop_->set_interest(bot.stream.fd(), reactor::kReadable);
  if (options_.pipeline) {
    queue_line(bot, options_.password + "\n" + bot.name + "\n");
    if (bot.role->listens) ledger_.join_requested(bot.id, tick());
  }
}

// ---- reading ---------------------------------------------------------------------------

// One read() per readiness into the shared buffer; a failed bot (detached inside a callback)
// reads no further.
void Swarm::read_ready(Bot& bot) {
  reactor::ReadResult r;
  if (options_.proto == Proto::Redis) {
    r = bot.stream.read_bytes(read_buffer_, [this, &bot](std::string_view bytes) {
      read_ns_ = now_ns();
      bool ok = bot.resp_parser.feed(bytes, [this, &bot](const resp::RespReply& reply) {
        redis_reply(bot, reply);
        return bot.stream.attached();
      });
      if (!ok && bot.stream.attached()) fail(bot, "not RESP: " + bot.resp_parser.error());
      if (!bot.stream.attached()) bot.resp_parser.reset();
      return bot.stream.attached();
    });
  } else {
    bool stamped = false;  // read_ns_ is taken once per read, at its first line
    r = bot.stream.read_available(read_buffer_, [this, &bot, &stamped](reactor::Frame frame, std::string_view line) {
      if (!stamped) {
        read_ns_ = now_ns();
        stamped = true;
      }
      if (frame == reactor::Frame::Overlong) {
        count_error("line from the server longer than 16384 bytes");
      } else {
        handle_line(bot, line);
      }
      return bot.stream.attached();
    });
  }
  if (r.status != reactor::ReadStatus::Open && bot.stream.attached()) ended(bot, r.error);
}

// The server closed the connection (err 0) or reset it.
void Swarm::ended(Bot& bot, int err) {
  std::string how = err ? "reset (" + errno_text(err) + ")" : "closed by the server";
  switch (bot.state) {
    case BotState::Leaving:
      if (!bot.saw_bye) count_error("connection ended after @sair without '* Bye'");
      ledger_.departure_seen(bot.id, tick());
      close_socket(bot, false);
      departed(bot);
      return;
    case BotState::Chatting:
    case BotState::Syncing: fail(bot, "connection " + how + " while chatting"); return;
    default: fail(bot, "connection " + how + " while logging in"); return;
  }
}

void Swarm::handle_line(Bot& bot, std::string_view raw) {
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
  if (plan_.closed_loop && channel == Channel::Public) closed_loop_ack(h.sender, h.seq);
  if (channel == Channel::Echo) return;  // latency is measured where the message is meant to go
  latency_.record(static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - h.intended_ns)));
  latency_write_.record(
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, read_ns_ - ledger_.queued_ns(h.sender, h.seq))));
}

// ---- leaving ---------------------------------------------------------------------------

void Swarm::leave(Bot& bot, Departure how) {
  ++bot.send_generation;
  loop_->cancel_timer(bot.life_timer);
  if (bot.sending) {
    bot.sending = false;
    sender_finished();
  }
  bot.departure = how;
  if (how == Departure::Quit) {
    queue_line(bot, "@sair\n");
    ledger_.leave_initiated(bot.id, tick());
    set_state(bot, BotState::Leaving);
  } else {
    queue_line(bot, "@privado:" + bot.name + " " + std::string(kBarrierText) + "\n");
    ledger_.leave_initiated(bot.id, tick());
    set_state(bot, BotState::Syncing);
  }
}

void Swarm::vanish_on_purpose(Bot& bot) {
  ledger_.departure_seen(bot.id, tick());  // it reads nothing more
  close_socket(bot, bot.departure == Departure::Reset);
  departed(bot);
}

// A planned departure is complete: the slot may send in its next bot.
void Swarm::departed(Bot& bot) {
  ++departures_[std::string(to_string(bot.departure))];
  set_state(bot, BotState::Closed);
  if (phase_ == Phase::Sending && (bot.role->churns || plan_.cycles_logins))
    queue_connect(bot.slot, plan_.cycles_logins ? 0 : dice_.pause_ns());
  storm_check_done();
}

void Swarm::fail(Bot& bot, const std::string& reason) {
  count_error(reason);
  ++failed_;
  bool was_listening = in_room(bot.state) && bot.role->listens;
  if (in_room(bot.state)) ledger_.vanished(bot.id);
  if (bot.sending) {
    bot.sending = false;
    sender_finished();
  }
  ++bot.send_generation;
  loop_->cancel_timer(bot.life_timer);
  close_socket(bot, false);
  set_state(bot, BotState::Failed);
  initial_settled(bot);
  if (phase_ == Phase::Sending && (bot.role->churns || plan_.cycles_logins)) queue_connect(bot.slot, kRetryPauseNs);
  storm_check_done();
  // Every steady bot is gone (the server died?): nothing is left to measure.
  if (phase_ == Phase::Sending && !plan_.cycles_logins && steady_open_ == 0) stop_sending();
  if (was_listening) closed_loop_recheck();
}

void Swarm::close_socket(Bot& bot, bool reset) {
  if (!bot.stream.attached()) return;
  int fd = bot.stream.fd();
  loop_->unwatch(fd);
  bot_of_fd_[fd] = kNoBot;
  if (reset) {
    close_with_reset(fd);
  } else {
    ::close(fd);
  }
  bot.stream.detach();
}

// ---- writing ---------------------------------------------------------------------------

void Swarm::queue_line(Bot& bot, std::string_view line) {
  if (!bot.stream.attached()) return;
  bot.stream.push_copy(line);
  if (!bot.flush_queued) {
    bot.flush_queued = true;
    flush_list_.push_back(bot.id);
  }
}

// Once per loop pass: each bot with output writes it all in one writev().
void Swarm::flush_all() {
  // By index: a failed flush ends a bot, which can queue lines for others (and so grow the list).
  for (std::size_t i = 0; i < flush_list_.size(); ++i) {  // NOLINT(modernize-loop-convert)
    Bot& bot = *bots_[flush_list_[i]];
    bot.flush_queued = false;
    if (!bot.stream.attached() || bot.state == BotState::Connecting) continue;
    switch (bot.stream.flush()) {
      case reactor::FlushResult::Drained: loop_->set_interest(bot.stream.fd(), reactor::kReadable); break;
      case reactor::FlushResult::Pending:
        loop_->set_interest(bot.stream.fd(), reactor::kReadable | reactor::kWritable);
        break;
      case reactor::FlushResult::Failed: ended(bot, bot.stream.write_error()); break;
    }
  }
  flush_list_.clear();
}

}  // namespace swarm
