// IrcDoor: IRC's side of the chat (docs/IRC.md). Registration (PASS, NICK, USER, CAP) drives
// the core's login: authenticate, then claim_name with the nick; the room is one channel;
// PRIVMSG and NOTICE become say or whisper; NAMES, WHO, WHOIS, TOPIC, MODE, LUSERS, MOTD,
// PING, AWAY, ISON and USERHOST are answered here. What the core answers is rendered by the
// IrcDialect; what is IRC's own (numerics) is written here.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "doors/irc/irc_client.h"
#include "doors/irc/irc_dialect.h"
#include "doors/irc/irc_message.h"
#include "doors/irc/irc_writer.h"
#include "protocol/chat_core.h"
#include "protocol/outcome.h"

namespace irc {

struct IrcSettings {
  std::string server_name = "chat.local";
  std::string channel = "#chat";
  std::string topic;  // read-only; empty: no topic
  std::string network = "chat";
  std::string version = "chat-server";
  std::string created;         // "This server was created ..."
  long long created_unix = 0;  // 329 RPL_CREATIONTIME
};

class IrcDoor {
 public:
  // `framing`: null for TCP clients; otherwise every byte of this door goes through it
  // (it must outlive the door).
  IrcDoor(chat::ChatCore& core, IrcSettings settings, const IrcFraming* framing = nullptr);

  IrcDialect& dialect() { return dialect_; }
  const IrcSettings& settings() const { return settings_; }

  void on_connect(chat::ClientId id, IrcClient& c) { core_.connect(id, c.login, dialect_); }
  // Must not be called while holds_input(c).
  chat::Outcome on_line(chat::ClientId id, IrcClient& c, std::string_view line);
  // Over IRC's 512 bytes (or 8191 of tags): 417, and the connection goes on.
  chat::Outcome on_overlong(chat::ClientId id, const IrcClient& c);
  // A pending claim was answered: the welcome burst, or (the core said 433) a new NICK awaited.
  void on_claim_settled(chat::ClientId id, IrcClient& c, bool accepted);
  void on_auth_timeout(chat::ClientId id, IrcClient& c) { core_.time_out(id, c.login); }
  void on_disconnect(chat::ClientId id, IrcClient& c, chat::Departure why) { core_.disconnect(id, c.login, why); }
  void on_shutdown(chat::ClientId id, const IrcClient& c) { core_.shut_down(id, c.login); }
  static bool holds_input(const IrcClient& c) {
    return c.login.state == chat::State::ClaimingName || c.login.state == chat::State::Leaving;
  }

 private:
  chat::Outcome before_welcome(chat::ClientId id, IrcClient& c, const Message& m);
  chat::Outcome registered(chat::ClientId id, IrcClient& c, const Message& m);
  chat::Outcome try_register(chat::ClientId id, IrcClient& c);
  chat::Outcome quit(chat::ClientId id, IrcClient& c);
  void cap(chat::ClientId id, IrcClient& c, const Message& m);
  void message(chat::ClientId id, const IrcClient& c, const Message& m);
  void join(chat::ClientId id, IrcClient& c, const Message& m);
  // irc_queries.cpp: the read-only commands.
  void welcome_burst(chat::ClientId id, IrcClient& c);
  void lusers(chat::ClientId id, const IrcClient& c);
  void motd(chat::ClientId id, const IrcClient& c);
  void names(chat::ClientId id, const IrcClient& c);
  void topic(chat::ClientId id, const IrcClient& c, const Message& m);
  void mode(chat::ClientId id, const IrcClient& c, const Message& m);
  void who(chat::ClientId id, const IrcClient& c, const Message& m);
  void whois(chat::ClientId id, const IrcClient& c, const Message& m);
  void ison(chat::ClientId id, const IrcClient& c, const Message& m);
  void userhost(chat::ClientId id, const IrcClient& c, const Message& m);
  bool is_channel(std::string_view name) const;
  static std::string_view nick_or_star(const IrcClient& c);
  void send(chat::ClientId id, const reactor::PayloadRef& bytes) { core_.send_bytes(id, dialect_.framed(bytes)); }
  template <typename... Params>
  void reply(chat::ClientId id, const IrcClient& c, Numeric code, std::string_view first, Params... rest);

  chat::ChatCore& core_;
  IrcSettings settings_;
  IrcDialect dialect_;
  std::string plain_scratch_;
  std::string rich_scratch_;
};

}  // namespace irc

namespace irc {

template <typename... Params>
void IrcDoor::reply(chat::ClientId id, const IrcClient& c, Numeric code, std::string_view first, Params... rest) {
  send(id, numeric(settings_.server_name, code, nick_or_star(c), first, rest...));
}

}  // namespace irc
