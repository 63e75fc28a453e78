// The same bot speaking IRC (--proto irc): chat-server's IRC door, or any IRC server. It
// registers with PASS, NICK and USER, joins the channel after 001 (chat-server's door has
// joined it already and accepts the JOIN), is in the room once it reads its own JOIN, sends
// PRIVMSG, answers PING, and leaves with QUIT (the server's ERROR is its Bye) or, vanishing
// on purpose (churn), after its own PING's PONG. A private message has no echo in IRC.
#include "bin/chat_swarm/message.h"
#include "bin/chat_swarm/swarm.h"
#include "doors/irc/irc_message.h"

namespace swarm {
namespace {

std::string_view nick_of(std::string_view prefix) { return prefix.substr(0, prefix.find('!')); }

// ASCII case-insensitive, as CASEMAPPING=ascii (and close enough for rfc1459 bot names).
bool same_nick(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Numerics that end a registration: a taken or bad nick, a wrong password, a ban.
bool refuses_registration(std::string_view command) {
  return command == "432" || command == "433" || command == "436" || command == "437" || command == "464" ||
         command == "465" || command == "471" || command == "473" || command == "474" || command == "475";
}

}  // namespace

void Swarm::irc_connected(Bot& bot) {
  set_state(bot, BotState::AwaitWelcome);
  loop_->set_interest(bot.stream.fd(), reactor::kReadable);
  std::string hello =
      "PASS " + options_.password + "\r\nNICK " + bot.name + "\r\nUSER " + bot.name + " 0 * :" + bot.name + "\r\n";
  queue_line(bot, hello);
  bot.name_sent_ns = now_ns();
  if (bot.role->listens) ledger_.join_requested(bot.id, tick());
}

void Swarm::irc_line(Bot& bot, std::string_view raw) {
  Tick t = tick();
  if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
  irc::ParseResult parsed = irc::parse_message(raw);
  if (parsed.status != irc::ParseStatus::Ok) {
    if (parsed.status != irc::ParseStatus::Empty) count_error("unparsable IRC line from the server");
    return;
  }
  const irc::Message& m = parsed.message;
  const std::string_view command = m.command();
  const std::string_view from = nick_of(m.prefix);
  if (command == "PING") {
    queue_line(bot, "PONG :" + std::string(m.param(0)) + "\r\n");
    return;
  }
  if (command == "PONG") {
    // A bot leaving abruptly vanishes once its barrier PING comes back (Swarm::leave).
    if (bot.state == BotState::Syncing && m.param_count > 0 && m.param(m.param_count - 1) == kBarrierText)
      vanish_on_purpose(bot);
    return;
  }
  if (command == "ERROR") {
    if (bot.state == BotState::Leaving) {
      bot.saw_bye = true;
      ledger_.departure_seen(bot.id, t);
    } else {
      count_error("IRC ERROR: " + std::string(m.param(0)));
    }
    return;
  }
  if (!in_room(bot.state)) {
    if (command == "001") {
      queue_line(bot, "JOIN " + irc_channel_ + "\r\n");
    } else if (command == "JOIN" && same_nick(from, bot.name)) {
      bot.state = BotState::AwaitWelcome;
      set_state(bot, BotState::Chatting);
      became_ready(bot, t);
    } else if (refuses_registration(command)) {
      fail(bot, "refused: " + std::string(command) + " " + std::string(m.param(m.param_count - 1)));
    }
    return;
  }
  if (command == "PRIVMSG" && m.param_count >= 2) {
    ServerLine line;
    line.from = from;
    line.text = m.param(1);
    if (same_nick(m.param(0), irc_channel_)) {
      if (!bot.role->listens) return;
      line.kind = LineKind::Public;
      receive_message(bot, line, Channel::Public, t);
    } else if (same_nick(m.param(0), bot.name)) {
      line.kind = LineKind::Private;
      receive_message(bot, line, Channel::Private, t);
    }
    return;
  }
  if (command == "QUIT" || (command == "PART" && same_nick(m.param(0), irc_channel_))) {
    BotId who = bot_named(from);
    if (who != kNoBot) ledger_.departure_seen(who, t);
  }
}

void Swarm::queue_irc_message(Bot& bot, std::string_view text) {
  scratch_irc_.assign("PRIVMSG ");
  scratch_irc_.append(bot.role->audience == Audience::Peer ? bot.peer_name : irc_channel_).append(" :");
  scratch_irc_.append(text).append("\r\n");
  queue_line(bot, scratch_irc_);
}

}  // namespace swarm
