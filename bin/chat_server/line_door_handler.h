// LineDoorHandler: the line protocol's door on the connection layer. Each connection's lines
// go to chat::LineDoor (lines -> the core's verbs); its outcomes become the layer's services.
#pragma once

#include <string>

#include "bin/chat_server/chat_door_handler.h"
#include "protocol/line_door.h"

namespace chat_server {

// What the door keeps per connection: where it is in the login.
struct LineSession final : net::DoorSession {
  chat::LoginState login;
};

class LineDoorHandler final : public ChatDoorHandler {
 public:
  LineDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, std::size_t max_line);

  chat::LineDoor& door() { return door_; }

  chat::LoginState& login(net::Connection& c) override { return static_cast<LineSession&>(*c.session).login; }
  void claim_settled(net::Connection& c, bool accepted) override;

  // net::ConnectionHandler
  void on_open(net::Connection& c) override;
  net::FrameVerdict on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) override;
  void on_input_ended(net::Connection& c) override;
  void on_login_timeout(net::Connection& c) override;
  void on_closed(net::Connection& c, net::Departure departure) override;
  void on_shutdown(net::Connection& c) override;
  std::string refusal_line(net::Refusal why, std::size_t limit) const override;

 private:
  chat::LineDoor door_;
};

}  // namespace chat_server
