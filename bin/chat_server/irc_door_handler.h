// IrcDoorHandler: the IRC door on the connection layer (--irc-port). Each connection's lines
// go to irc::IrcDoor; the chat's outcomes become the layer's services; silent registered
// clients are PINGed and dropped when they do not answer, as IRC servers do.
#pragma once

#include <string>
#include <unordered_set>

#include "bin/chat_server/chat_door_handler.h"
#include "doors/irc/irc_door.h"
#include "reactor/event_loop.h"

namespace chat_server {

struct IrcSession final : net::DoorSession {
  irc::IrcClient client;
  reactor::Clock::time_point last_heard = reactor::Clock::now();
  bool pinged = false;  // a PING went out and nothing has been heard since
};

class IrcDoorHandler final : public ChatDoorHandler {
 public:
  IrcDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, reactor::EventLoop& loop, irc::IrcSettings settings,
                 double ping_seconds);
  ~IrcDoorHandler() override;

  // IRC lines are 512 bytes, plus 8191 of IRCv3 tags: the framer must let both through so
  // the parser can tell which limit a line broke (417 either way).
  static constexpr std::size_t kMaxFrame = 8191 + 512;

  const irc::IrcDoor& door() const { return door_; }

  chat::LoginState& login(net::Connection& c) override { return session(c).client.login; }
  void claim_settled(net::Connection& c, bool accepted) override;
  // An IRC client cannot be asked for a nick again once registered: the core sent ERROR.
  void name_lost(net::Connection& c) override { layer_.close_after_flush(c, "nick lost"); }

  void on_open(net::Connection& c) override;
  net::FrameVerdict on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) override;
  void on_input_ended(net::Connection& c) override;
  void on_login_timeout(net::Connection& c) override;
  void on_closed(net::Connection& c, net::Departure departure) override;
  void on_shutdown(net::Connection& c) override;
  std::string refusal_line(net::Refusal why, std::size_t limit) const override;

 private:
  static IrcSession& session(net::Connection& c) { return static_cast<IrcSession&>(*c.session); }
  void arm_ping_sweep();
  void ping_sweep();

  reactor::EventLoop& loop_;
  irc::IrcDoor door_;
  reactor::Clock::duration ping_after_;
  std::unordered_set<chat::ClientId> open_;  // this door's connections, for the sweep
  reactor::TimerId sweep_timer_;
};

}  // namespace chat_server
