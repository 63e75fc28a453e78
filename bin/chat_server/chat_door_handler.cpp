// ChatDoorHandler: the chat's outcomes as the connection layer's services, for every door.
#include "bin/chat_server/chat_door_handler.h"

#include "net/log.h"

namespace chat_server {

using net::log_client;
using net::LogLevel;

chat::Departure ChatDoorHandler::chat_departure(net::Departure d) {
  switch (d) {
    case net::Departure::Lost: return chat::Departure::Lost;
    case net::Departure::TooSlow: return chat::Departure::TooSlow;
    case net::Departure::Silent: return chat::Departure::Silent;
  }
  return chat::Departure::Silent;
}

void ChatDoorHandler::handle_outcome(net::Connection& c, chat::Outcome outcome) {
  const chat::LoginState& s = login(c);
  switch (outcome) {
    case chat::Outcome::None: return;
    case chat::Outcome::PasswordAccepted: log_client(LogLevel::Info, "auth_ok", "auth ok", s.name, c.peer); return;
    case chat::Outcome::PasswordRejected:
      log_client(LogLevel::Warn, "auth_failed", "auth failed", s.name, c.peer);
      layer_.record_failed_login(c);
      layer_.close_after_flush(c, "wrong password");
      return;
    case chat::Outcome::NameAccepted:
      c.name = s.name;
      layer_.logged_in(c);
      log_client(LogLevel::Info, "login", "name", s.name, c.peer);
      return;
    case chat::Outcome::NamePending:
      log_client(LogLevel::Debug, "name_pending", "name claim pending", s.name, c.peer);
      return;
    case chat::Outcome::NameRefused: log_client(LogLevel::Info, "name_refused", "name refused", s.name, c.peer); return;
    case chat::Outcome::Quit: layer_.close_after_flush(c, "quit"); return;
    case chat::Outcome::QuitPending:
      log_client(LogLevel::Debug, "quit_pending", "leave on its way to the chat's log", s.name, c.peer);
      return;
    case chat::Outcome::TooLongBeforeChat: layer_.close_after_flush(c, "line too long"); return;
  }
}

}  // namespace chat_server
