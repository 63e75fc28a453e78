// IrcDoor: registration and the commands that change something (PRIVMSG, NOTICE, JOIN,
// PART, QUIT, NICK); the read-only ones are in irc_queries.cpp.
#include "doors/irc/irc_door.h"

#include "doors/irc/irc_clean.h"
#include "doors/irc/irc_text.h"

namespace irc {

using chat::ClaimStatus;
using chat::ClientId;
using chat::Outcome;
using chat::State;

namespace {
constexpr std::string_view kOfferedCaps = "multi-prefix";
}  // namespace

IrcDoor::IrcDoor(chat::ChatCore& core, IrcSettings settings, const IrcFraming* framing)
    : core_(core), settings_(std::move(settings)), dialect_(settings_.server_name, settings_.channel, framing) {}

std::string_view IrcDoor::nick_or_star(const IrcClient& c) {
  return c.welcomed ? std::string_view(c.nick) : std::string_view("*");
}

bool IrcDoor::is_channel(std::string_view name) const { return casemap_equal(name, settings_.channel); }

Outcome IrcDoor::on_line(ClientId id, IrcClient& c, std::string_view line) {
  if (c.login.state == State::Gone || c.login.state == State::Leaving) return Outcome::None;
  ParseResult parsed = parse_message(line);
  if (parsed.status == ParseStatus::Empty) return Outcome::None;
  if (parsed.status == ParseStatus::LineTooLong || parsed.status == ParseStatus::TagsTooLong) return on_overlong(id, c);
  if (parsed.status != ParseStatus::Ok) {
    // Not IRC at all: say so the way IRC says it, and go on.
    std::string_view what = parsed.message.raw_command.empty() ? std::string_view("*") : parsed.message.raw_command;
    reply(id, c, Numeric::ErrUnknownCommand, what.substr(0, 32), "Malformed message");
    return Outcome::None;
  }
  const Message& m = parsed.message;
  return c.welcomed ? registered(id, c, m) : before_welcome(id, c, m);
}

Outcome IrcDoor::on_overlong(ClientId id, const IrcClient& c) {
  if (c.login.state == State::Gone || c.login.state == State::Leaving) return Outcome::None;
  reply(id, c, Numeric::ErrInputTooLong, "Input line was too long");
  return Outcome::None;
}

Outcome IrcDoor::before_welcome(ClientId id, IrcClient& c, const Message& m) {
  std::string_view cmd = m.command();
  if (cmd == "CAP") {
    cap(id, c, m);
    return c.negotiating_caps ? Outcome::None : try_register(id, c);
  }
  if (cmd == "PASS") {
    if (m.param_count < 1) {
      reply(id, c, Numeric::ErrNeedMoreParams, "PASS", "Not enough parameters");
      return Outcome::None;
    }
    c.password = std::string(m.param(0));
    return Outcome::None;
  }
  if (cmd == "NICK") {
    if (m.param_count < 1 || m.param(0).empty()) {
      reply(id, c, Numeric::ErrNoNicknameGiven, "No nickname given");
      return Outcome::None;
    }
    if (!is_valid_nick(m.param(0))) {
      reply(id, c, Numeric::ErrErroneousNickname, m.param(0), "Erroneous nickname: 1-24 letters, digits, _ or -");
      return Outcome::None;
    }
    c.nick = std::string(m.param(0));
    return try_register(id, c);
  }
  if (cmd == "USER") {
    if (m.param_count < 4) {
      reply(id, c, Numeric::ErrNeedMoreParams, "USER", "Not enough parameters");
      return Outcome::None;
    }
    c.has_user = true;
    return try_register(id, c);
  }
  if (cmd == "PING") {
    send(id, write_line(settings_.server_name, "PONG", {settings_.server_name}, m.param(0)));
    return Outcome::None;
  }
  if (cmd == "PONG") return Outcome::None;
  if (cmd == "QUIT") return quit(id, c);
  reply(id, c, Numeric::ErrNotRegistered, "You have not registered");
  return Outcome::None;
}

Outcome IrcDoor::try_register(ClientId id, IrcClient& c) {
  if (c.nick.empty() || !c.has_user || c.negotiating_caps) return Outcome::None;
  if (c.login.state == State::AwaitPassword) {
    bool ok = core_.authenticate(id, c.login, c.password);
    c.password.clear();
    if (!ok) return Outcome::PasswordRejected;
  }
  if (c.login.state != State::AwaitName) return Outcome::None;
  switch (core_.claim_name(id, c.login, c.nick)) {
    case ClaimStatus::Accepted: welcome_burst(id, c); return Outcome::NameAccepted;
    case ClaimStatus::Pending: return Outcome::NamePending;
    case ClaimStatus::Taken:
    case ClaimStatus::Unavailable:
    case ClaimStatus::Invalid: c.nick.clear(); return Outcome::NameRefused;
  }
  return Outcome::NameRefused;
}

void IrcDoor::on_claim_settled(ClientId id, IrcClient& c, bool accepted) {
  if (accepted) {
    welcome_burst(id, c);
  } else {
    c.nick.clear();
  }
}

void IrcDoor::cap(ClientId id, IrcClient& c, const Message& m) {
  std::string_view sub = m.param(0);
  std::string_view star = nick_or_star(c);
  if (sub == "LS") {
    if (!c.welcomed) c.negotiating_caps = true;
    send(id, write_line(settings_.server_name, "CAP", {star, "LS"}, kOfferedCaps));
  } else if (sub == "LIST") {
    send(id, write_line(settings_.server_name, "CAP", {star, "LIST"}, c.multi_prefix ? kOfferedCaps : ""));
  } else if (sub == "REQ") {
    if (!c.welcomed) c.negotiating_caps = true;
    std::string_view wanted = m.param(1);
    // Only what we offer, all or nothing (IRCv3 CAP REQ); "-cap" disables.
    bool known = true;
    bool enable = c.multi_prefix;
    std::string_view rest = wanted;
    while (!rest.empty()) {
      std::size_t space = rest.find(' ');
      std::string_view token = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      if (token.empty()) continue;
      bool off = token.front() == '-';
      if (off) token.remove_prefix(1);
      if (token != kOfferedCaps) known = false;
      enable = !off;
    }
    if (known) c.multi_prefix = enable;
    send(id, write_line(settings_.server_name, "CAP", {star, known ? "ACK" : "NAK"}, wanted));
  } else if (sub == "END") {
    c.negotiating_caps = false;
  } else {
    reply(id, c, Numeric::ErrUnknownCommandCap, sub.empty() ? std::string_view("*") : sub, "Invalid CAP command");
  }
}

Outcome IrcDoor::quit(ClientId id, IrcClient& c) {
  if (c.login.state == State::Chatting) {
    core_.leave(id, c.login);  // the others are told; the dialect says "Closing Link" to us
    return c.login.state == State::Leaving ? Outcome::QuitPending : Outcome::Quit;
  }
  core_.abandon_login(id, c.login);
  send(id, write_line({}, "ERROR", {}, "Closing Link: " + settings_.server_name + " (Quit)"));
  return Outcome::Quit;
}

Outcome IrcDoor::registered(ClientId id, IrcClient& c, const Message& m) {
  std::string_view cmd = m.command();
  if (cmd == "PRIVMSG" || cmd == "NOTICE") {
    message(id, c, m);
  } else if (cmd == "PING") {
    send(id, write_line(settings_.server_name, "PONG", {settings_.server_name}, m.param(0)));
  } else if (cmd == "PONG") {
  } else if (cmd == "JOIN") {
    join(id, c, m);
  } else if (cmd == "PART") {
    if (m.param_count < 1) {
      reply(id, c, Numeric::ErrNeedMoreParams, "PART", "Not enough parameters");
    } else if (!is_channel(m.param(0))) {
      reply(id, c, Numeric::ErrNotOnChannel, m.param(0), "You're not on that channel");
    } else {
      // The room is the chat: leaving the channel is leaving the chat (docs/IRC.md).
      send(id, write_line(dialect_.prefix_of(c.nick), "PART", {settings_.channel}, m.param(1)));
      return quit(id, c);
    }
  } else if (cmd == "QUIT") {
    return quit(id, c);
  } else if (cmd == "NICK") {
    if (m.param_count >= 1 && m.param(0) != c.nick)
      reply(id, c, Numeric::ErrNoNickChange, m.param(0),
            "Nick changes are not supported here; reconnect to use another name");
  } else if (cmd == "USER" || cmd == "PASS") {
    reply(id, c, Numeric::ErrAlreadyRegistered, "You may not reregister");
  } else if (cmd == "CAP") {
    cap(id, c, m);
  } else if (cmd == "NAMES") {
    names(id, c);
  } else if (cmd == "TOPIC") {
    topic(id, c, m);
  } else if (cmd == "MODE") {
    mode(id, c, m);
  } else if (cmd == "WHO") {
    who(id, c, m);
  } else if (cmd == "WHOIS") {
    whois(id, c, m);
  } else if (cmd == "LUSERS") {
    lusers(id, c);
  } else if (cmd == "MOTD") {
    motd(id, c);
  } else if (cmd == "ISON") {
    ison(id, c, m);
  } else if (cmd == "USERHOST") {
    userhost(id, c, m);
  } else if (cmd == "AWAY") {
    c.away = m.param_count >= 1 && !m.param(0).empty();
    if (c.away) {
      reply(id, c, Numeric::RplNowAway, "You have been marked as being away");
    } else {
      reply(id, c, Numeric::RplUnAway, "You are no longer marked as being away");
    }
  } else {
    reply(id, c, Numeric::ErrUnknownCommand, m.raw_command, "Unknown command");
  }
  return Outcome::None;
}

void IrcDoor::message(ClientId id, const IrcClient& c, const Message& m) {
  bool notice = m.command() == "NOTICE";  // never answered with an error, as RFC 2812 says
  if (m.param_count < 1 || m.param(0).empty()) {
    if (!notice) reply(id, c, Numeric::ErrNoRecipient, "No recipient given (PRIVMSG)");
    return;
  }
  if (m.param_count < 2 || m.param(1).empty()) {
    if (!notice) reply(id, c, Numeric::ErrNoTextToSend, "No text to send");
    return;
  }
  std::string_view target = m.param(0);
  std::string_view text = m.param(1);
  // CTCP other than ACTION (VERSION, PING...) is client-to-client chatter the chat does not relay.
  if (text.front() == '\x01' && !ctcp_action(text)) return;
  RelayText relayed = relay_text(text, plain_scratch_, rich_scratch_);
  if (relayed.plain.find_first_not_of(" \t") == std::string_view::npos) return;
  if (is_channel(target)) {
    core_.say(id, c.login, relayed.plain, relayed.rich);
  } else if (target.front() == '#' || target.front() == '&') {
    if (!notice)
      reply(id, c, Numeric::ErrNoSuchChannel, target,
            "No such channel (this server has only " + settings_.channel + ")");
  } else if (!notice || core_.room().find(target)) {
    core_.whisper(id, c.login, target, relayed.plain, relayed.rich);
  }
}

void IrcDoor::join(ClientId id, IrcClient& c, const Message& m) {
  if (m.param_count < 1) {
    reply(id, c, Numeric::ErrNeedMoreParams, "JOIN", "Not enough parameters");
    return;
  }
  std::string_view rest = m.param(0);
  while (!rest.empty()) {
    std::size_t comma = rest.find(',');
    std::string_view channel = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (channel.empty() || is_channel(channel)) continue;  // already in it since the welcome
    reply(id, c, Numeric::ErrNoSuchChannel, channel,
          "No such channel (this server has only " + settings_.channel + ")");
  }
}

}  // namespace irc
