// ChatDoorHandler: what every door of the chat has in common on the connection layer: a
// LoginState per connection, and one meaning for the chat's outcomes (log, lock-out count,
// login done, close). The line door and the IRC door derive from it.
#pragma once

#include <string_view>

#include "net/connection_handler.h"
#include "net/connection_layer.h"
#include "protocol/chat_event.h"
#include "protocol/login_state.h"
#include "protocol/outcome.h"

namespace chat_server {

class ChatDoors;

class ChatDoorHandler : public net::ConnectionHandler {
 public:
  ChatDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat) : layer_(layer), chat_(chat) {}

  // The connection's place in the login (its session is this door's).
  virtual chat::LoginState& login(net::Connection& c) = 0;
  // A name claim that was pending has been answered; the held lines go next.
  virtual void claim_settled(net::Connection& c, bool accepted) = 0;
  // The core took the client's name away (ChatCore::lose_name: told, AWAIT_NAME). A door
  // whose clients can pick a new name at that point does nothing more.
  virtual void name_lost(net::Connection& /*c*/) {}
  // A leave that was pending (QuitPending) is done, its goodbye queued: close after it.
  virtual void leave_settled(net::Connection& c) { handle_outcome(c, chat::Outcome::Quit); }

 protected:
  void handle_outcome(net::Connection& c, chat::Outcome outcome);
  static chat::Departure chat_departure(net::Departure d);

  net::ConnectionLayer& layer_;
  ChatDoors& chat_;
};

}  // namespace chat_server
