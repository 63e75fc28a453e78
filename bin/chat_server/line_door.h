// LineDoor: the line protocol's door on the connection layer. It owns the chat (Room,
// ChatService), hands it each connection's lines and maps its outcomes onto the layer's
// services; the Room delivers through it (chat::Transport) straight into the layer.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "bin/chat_server/options.h"
#include "net/connection_handler.h"
#include "net/connection_layer.h"
#include "protocol/chat_service.h"
#include "protocol/login_state.h"
#include "protocol/room.h"
#include "protocol/transport.h"

namespace chat_server {

// What the door keeps per connection: where it is in the login.
struct LineSession final : net::DoorSession {
  chat::LoginState login;
};

class LineDoor final : public net::ConnectionHandler, public chat::Transport {
 public:
  LineDoor(net::ConnectionLayer& layer, const Options& options);

  // The settings a reload may change: password, max-line, MOTD.
  void apply(const Options& options);
  // The chat's clock, to the second (lines carry it); called before the chat sees anything.
  void refresh_stamp();

  // net::ConnectionHandler
  void on_open(net::Connection& c) override;
  net::FrameVerdict on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) override;
  void on_input_ended(net::Connection& c) override;
  void on_login_timeout(net::Connection& c) override;
  void on_closed(net::Connection& c, net::Departure departure) override;
  void on_shutdown(net::Connection& c) override;
  std::string refusal_line(net::Refusal why, std::size_t limit) const override;

  // chat::Transport: the fan-out goes straight to the layer (one lookup + push per id).
  void deliver(chat::ClientId to, const reactor::PayloadRef& line) override { layer_.deliver(to, line); }
  void deliver_all(std::span<const chat::ClientId> to, const reactor::PayloadRef& line) override {
    layer_.deliver_all(to, line);
  }

 private:
  static chat::LoginState& login(net::Connection& c) { return static_cast<LineSession&>(*c.session).login; }
  void handle_outcome(net::Connection& c, chat::Outcome outcome);

  net::ConnectionLayer& layer_;
  chat::Room room_;
  chat::ChatService service_;
  std::int64_t stamp_second_ = -1;
};

}  // namespace chat_server
