// IrcDoor's read-only commands and the welcome burst: 001-005, LUSERS, MOTD, the automatic
// JOIN with its topic and NAMES. Every list is split into lines that fit 512 bytes.
#include <string>
#include <vector>

#include "doors/irc/irc_door.h"
#include "doors/irc/irc_text.h"
#include "doors/irc/isupport.h"
#include "protocol/room.h"

namespace irc {

using chat::ClientId;

namespace {
// Room for names in one 353 line: 512 minus ":server 353 nick = #chan :" and CRLF, with margin.
constexpr std::size_t kNamesBudget = 400;
}  // namespace

void IrcDoor::welcome_burst(ClientId id, IrcClient& c) {
  c.nick = c.login.name;
  c.welcomed = true;
  const std::string& server = settings_.server_name;
  reply(id, c, Numeric::RplWelcome, "Welcome to the " + settings_.network + " IRC network, " + c.nick);
  reply(id, c, Numeric::RplYourHost, "Your host is " + server + ", running " + settings_.version);
  reply(id, c, Numeric::RplCreated, "This server was created " + settings_.created);
  send(id, write_line(server, "004", {c.nick, server, settings_.version, "i", "nt"}));
  IsupportSettings isupport;
  isupport.network = settings_.network;
  for (const reactor::PayloadRef& line : isupport_lines(server, c.nick, isupport)) send(id, line);
  lusers(id, c);
  motd(id, c);
  send(id, write_line(dialect_.prefix_of(c.nick), "JOIN", {settings_.channel}));
  Message no_args;
  topic(id, c, no_args);
  names(id, c);
}

void IrcDoor::lusers(ClientId id, const IrcClient& c) {
  std::string n = std::to_string(core_.room().size());
  reply(id, c, Numeric::RplLuserClient, "There are " + n + " users and 0 invisible on 1 servers");
  reply(id, c, Numeric::RplLuserChannels, "1", "channels formed");
  reply(id, c, Numeric::RplLuserMe, "I have " + n + " clients and 0 servers");
  reply(id, c, Numeric::RplLocalUsers, n, n, "Current local users " + n + ", max " + n);
  reply(id, c, Numeric::RplGlobalUsers, n, n, "Current global users " + n + ", max " + n);
}

void IrcDoor::motd(ClientId id, const IrcClient& c) {
  const std::vector<std::string>& lines = core_.motd();
  if (lines.empty()) {
    reply(id, c, Numeric::ErrNoMotd, "MOTD File is missing");
    return;
  }
  reply(id, c, Numeric::RplMotdStart, "- " + settings_.server_name + " Message of the day - ");
  for (const std::string& line : lines) reply(id, c, Numeric::RplMotd, "- " + line);
  reply(id, c, Numeric::RplEndOfMotd, "End of /MOTD command.");
}

void IrcDoor::names(ClientId id, const IrcClient& c) {
  std::string line;
  for (std::string_view name : core_.room().names()) {
    if (!line.empty() && line.size() + 1 + name.size() > kNamesBudget) {
      reply(id, c, Numeric::RplNamReply, "=", settings_.channel, line);
      line.clear();
    }
    if (!line.empty()) line.push_back(' ');
    line.append(name);
  }
  if (!line.empty()) reply(id, c, Numeric::RplNamReply, "=", settings_.channel, line);
  reply(id, c, Numeric::RplEndOfNames, settings_.channel, "End of /NAMES list.");
}

void IrcDoor::topic(ClientId id, const IrcClient& c, const Message& m) {
  if (m.param_count >= 1 && !is_channel(m.param(0))) {
    reply(id, c, Numeric::ErrNoSuchChannel, m.param(0), "No such channel");
    return;
  }
  if (m.param_count >= 2) {
    reply(id, c, Numeric::ErrChanOpPrivsNeeded, settings_.channel, "The topic is set by the server's configuration");
    return;
  }
  if (settings_.topic.empty()) {
    reply(id, c, Numeric::RplNoTopic, settings_.channel, "No topic is set");
  } else {
    reply(id, c, Numeric::RplTopic, settings_.channel, settings_.topic);
  }
}

void IrcDoor::mode(ClientId id, const IrcClient& c, const Message& m) {
  if (m.param_count < 1) {
    reply(id, c, Numeric::ErrNeedMoreParams, "MODE", "Not enough parameters");
    return;
  }
  std::string_view target = m.param(0);
  if (is_channel(target)) {
    std::string_view change = m.param(1);
    if (change.empty()) {
      reply(id, c, Numeric::RplChannelModeIs, settings_.channel, "+nt");
      reply(id, c, Numeric::RplCreationTime, settings_.channel, std::to_string(settings_.created_unix));
    } else if (change == "b" || change == "+b") {
      reply(id, c, Numeric::RplEndOfBanList, settings_.channel, "End of channel ban list");
    } else {
      reply(id, c, Numeric::ErrChanOpPrivsNeeded, settings_.channel, "Channel modes are set by the server");
    }
    return;
  }
  if (target.front() == '#' || target.front() == '&') {
    reply(id, c, Numeric::ErrNoSuchChannel, target, "No such channel");
  } else if (!casemap_equal(target, c.nick)) {
    reply(id, c, Numeric::ErrUsersDontMatch, "Can't change mode for other users");
  } else {
    send(id, write_line(settings_.server_name, "221", {c.nick, "+"}));  // no user modes here
  }
}

void IrcDoor::who(ClientId id, const IrcClient& c, const Message& m) {
  std::string_view mask = m.param(0);
  const chat::Room& room = core_.room();
  const std::string& server = settings_.server_name;
  auto one = [&](std::string_view nick) {
    send(id, numeric(server, Numeric::RplWhoReply, c.nick, settings_.channel, nick, server, server, nick, "H",
                     "0 " + std::string(nick)));
  };
  if (mask.empty() || is_channel(mask) || mask == "*") {
    for (std::string_view nick : room.names()) one(nick);
  } else if (std::optional<chat::ClientId> found = room.find(mask)) {
    one(room.name_of(*found));
  }
  reply(id, c, Numeric::RplEndOfWho, mask.empty() ? std::string_view("*") : mask, "End of /WHO list.");
}

void IrcDoor::whois(ClientId id, const IrcClient& c, const Message& m) {
  // WHOIS [server] nick: the nick is the last parameter.
  std::string_view asked = m.param_count ? m.param(m.param_count - 1) : std::string_view();
  if (asked.empty()) {
    reply(id, c, Numeric::ErrNoNicknameGiven, "No nickname given");
    return;
  }
  const chat::Room& room = core_.room();
  std::optional<chat::ClientId> found = room.find(asked);
  if (!found) {
    reply(id, c, Numeric::ErrNoSuchNick, asked, "No such nick/channel");
  } else {
    std::string_view nick = room.name_of(*found);
    const std::string& server = settings_.server_name;
    reply(id, c, Numeric::RplWhoisUser, nick, nick, server, "*", nick);
    reply(id, c, Numeric::RplWhoisServer, nick, server, settings_.version);
    reply(id, c, Numeric::RplWhoisChannels, nick, settings_.channel);
  }
  reply(id, c, Numeric::RplEndOfWhois, asked, "End of /WHOIS list.");
}

void IrcDoor::ison(ClientId id, const IrcClient& c, const Message& m) {
  std::string online;
  for (std::size_t i = 0; i < m.param_count; ++i) {
    std::string_view rest = m.param(i);
    while (!rest.empty()) {
      std::size_t space = rest.find(' ');
      std::string_view nick = rest.substr(0, space);
      rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
      std::optional<chat::ClientId> found = nick.empty() ? std::nullopt : core_.room().find(nick);
      if (!found) continue;
      if (!online.empty()) online.push_back(' ');
      online.append(core_.room().name_of(*found));
    }
  }
  reply(id, c, Numeric::RplIsOn, online);
}

void IrcDoor::userhost(ClientId id, const IrcClient& c, const Message& m) {
  std::string out;
  for (std::size_t i = 0; i < m.param_count && i < 5; ++i) {
    std::optional<chat::ClientId> found = core_.room().find(m.param(i));
    if (!found) continue;
    std::string_view nick = core_.room().name_of(*found);
    if (!out.empty()) out.push_back(' ');
    out.append(nick).append("=+").append(nick).append("@").append(settings_.server_name);
  }
  reply(id, c, Numeric::RplUserHost, out);
}

}  // namespace irc
