// One bot's connection: connecting, reading and writing through its LineStream, leaving
// (politely or not), and counting every failure by its cause. swarm_lines.cpp checks the lines.
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "bin/chat_swarm/message.h"
#include "bin/chat_swarm/swarm.h"

namespace swarm {
namespace {

constexpr std::size_t kMaxErrorKinds = 40;
constexpr std::int64_t kRetryPauseNs = 100'000'000;  // before a failed slot tries again

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
  bot.target = target_of_slot_[slot];
  ledger_.set_node(id, static_cast<std::uint16_t>(bot.target));
  bot.proto = options_.targets[bot.target].proto.value_or(options_.proto);
  if (bot.proto == Proto::Irc) ledger_.set_private_echo(id, false);  // IRC echoes no PRIVMSG
  count_state(bot, bot.state, true);                                 // a new bot starts in Connecting
  bot.initial = id < plan_.slots.size() && !plan_.cycles_logins;
  if (!bot.initial && !plan_.cycles_logins) ++churn_bots_;
  if (bot.role->sends) {
    // Partners (private) exist only in scenarios without churn, where bot ids are slots.
    ledger_.set_audience(id, bot.role->audience, bot.role->peer);
    if (bot.role->audience == Audience::Peer) bot.peer_name = prefix_ + std::to_string(bot.role->peer);
  }
  ++connect_attempts_;
  bot.connect_started_ns = now_ns();
  bot.name_sent_ns = bot.connect_started_ns;  // until a name goes out (redis: none does)
  if (first_connect_ns_ < 0) first_connect_ns_ = bot.connect_started_ns;
  const Address* source = sources_.empty() ? nullptr : &sources_[next_source_++ % sources_.size()];
  int fd = swarm::start_connect(servers_[bot.target], source, max_socket_fd_);  // ADL also finds reactor::start_connect
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
  ++per_target_[bot.target].connected;
  if (bot.proto == Proto::Redis) {
    redis_connected(bot);
    return;
  }
  if (bot.proto == Proto::Irc) {
    irc_connected(bot);
    return;
  }
  if (bot.proto == Proto::Ws) {
    ws_connected(bot);
    return;
  }
  set_state(bot, BotState::AwaitPassword);
  loop_->set_interest(bot.stream.fd(), reactor::kReadable);
  if (options_.pipeline) {
    queue_line(bot, options_.password + "\n" + bot.name + "\n");
    bot.name_sent_ns = now_ns();
    if (bot.role->listens) ledger_.join_requested(bot.id, tick());
  }
}

// ---- reading ---------------------------------------------------------------------------

// One read() per readiness into the shared buffer; a failed bot (detached inside a callback)
// reads no further.
void Swarm::read_ready(Bot& bot) {
  reactor::ReadResult r;
  if (bot.proto == Proto::Ws) {
    r = bot.stream.read_bytes(read_buffer_, [this, &bot](std::string_view bytes) {
      read_ns_ = now_ns();
      ws_bytes(bot, bytes);
      return bot.stream.attached();
    });
  } else if (bot.proto == Proto::Redis) {
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
      if (!bot.saw_bye)
        count_error(bot.proto == Proto::Irc ? "connection ended after QUIT without ERROR"
                                            : "connection ended after @sair without '* Bye'");
      ledger_.departure_seen(bot.id, tick());
      close_socket(bot, false);
      departed(bot);
      return;
    case BotState::Chatting:
    case BotState::Syncing: fail(bot, "connection " + how + " while chatting"); return;
    default: fail(bot, "connection " + how + " while logging in"); return;
  }
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
    queue_line(bot, bot.proto == Proto::Irc ? "QUIT :bye\r\n" : "@sair\n");
    ledger_.leave_initiated(bot.id, tick());
    set_state(bot, BotState::Leaving);
  } else {
    // The barrier: over IRC a PING (the server answers after everything it sent before),
    // elsewhere a private line to itself (echoed the same way).
    queue_line(bot, bot.proto == Proto::Irc ? "PING :" + std::string(kBarrierText) + "\r\n"
                                            : "@privado:" + bot.name + " " + std::string(kBarrierText) + "\n");
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
  count_failure(bot.target);
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
  if (bot.proto == Proto::Ws) {
    queue_ws_lines(bot, line);
    return;
  }
  queue_raw(bot, line);
}

void Swarm::queue_raw(Bot& bot, std::string_view line) {
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
