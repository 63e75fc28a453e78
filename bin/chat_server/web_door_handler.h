// WebDoorHandler: the web door on the connection layer (--web-port, docs/WEB.md). Each
// connection speaks HTTP (the page, /healthz) until it upgrades at /ws; then every WebSocket
// text message is one line: for a chat::LineDoor (chat.line, the page), whose events reach
// browsers as text frames (WebDialect), or, with text.ircv3.net when the IRC door exists,
// for an irc::IrcDoor of this door's own whose lines are framed one per message. Silent
// browsers are pinged and dropped when they do not answer.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include "bin/chat_server/chat_door_handler.h"
#include "bin/chat_server/web_dialect.h"
#include "bin/chat_server/web_session.h"
#include "bin/chat_server/websocket_irc_framing.h"
#include "doors/irc/irc_door.h"
#include "doors/web/websocket_handshake.h"
#include "protocol/line_door.h"
#include "reactor/event_loop.h"

namespace chat_server {

class WebDoorHandler final : public ChatDoorHandler {
 public:
  // `irc`: the IRC door's settings when it exists; then text.ircv3.net is offered.
  WebDoorHandler(net::ConnectionLayer& layer, ChatDoors& chat, reactor::EventLoop& loop, std::size_t max_line,
                 web::HandshakePolicy policy, std::optional<irc::IrcSettings> irc = std::nullopt);
  ~WebDoorHandler() override;

  // Silence on an open WebSocket before it is pinged; as long again without a word drops it.
  static constexpr double kPingSeconds = 30;

  void set_stamp(const chat::Timestamp& stamp) { dialect_.set_stamp(stamp); }
  void set_max_line(std::size_t max_line) { door_.set_max_line(max_line); }

  chat::LoginState& login(net::Connection& c) override { return session(c).chat_login(); }
  void claim_settled(net::Connection& c, bool accepted) override;
  void leave_settled(net::Connection& c) override;
  // A web IRC client cannot be asked for a nick again once registered (as on the IRC door).
  void name_lost(net::Connection& c) override;

  void on_open(net::Connection& c) override;
  net::FrameVerdict on_frame(net::Connection& c, reactor::Frame frame, std::string_view line) override;
  void on_bytes(net::Connection& c, std::string_view bytes) override;
  void on_input_ended(net::Connection& c) override;
  void on_login_timeout(net::Connection& c) override;
  void on_closed(net::Connection& c, net::Departure departure) override;
  void on_shutdown(net::Connection& c) override;
  std::string refusal_line(net::Refusal why, std::size_t limit) const override;
  // An upgraded connection hears it in its subprotocol, then close 1013 (try again later).
  std::string eviction_notice(const net::Connection& c) const override;

 private:
  static WebSession& session(net::Connection& c) { return static_cast<WebSession&>(*c.session); }
  void serve_http(net::Connection& c, WebSession& s);
  void process_events(net::Connection& c, WebSession& s);
  void take_line(net::Connection& c, WebSession& s, std::string_view line);
  // The chat side of the subprotocol: the line door's or the IRC door's.
  void enter_chat(net::Connection& c, WebSession& s);
  chat::Outcome chat_line(net::Connection& c, WebSession& s, std::string_view line);
  void leave_chat(net::Connection& c, WebSession& s, chat::Departure why);
  static bool holds_input(const WebSession& s);
  // Sends a close frame, tells the room the browser left and closes after flushing.
  void close_websocket(net::Connection& c, WebSession& s, std::uint16_t code, std::string_view reason);
  void arm_ping_sweep();
  void ping_sweep();

  reactor::EventLoop& loop_;
  WebDialect dialect_;
  chat::LineDoor door_;
  WebSocketIrcFraming irc_framing_;
  std::unique_ptr<irc::IrcDoor> irc_;  // null: no IRC door, text.ircv3.net not offered
  web::HandshakePolicy policy_;
  std::size_t max_line_;
  reactor::Clock::duration ping_after_;
  std::unordered_set<chat::ClientId> open_;  // upgraded connections, for the sweep
  reactor::TimerId sweep_timer_;
};

}  // namespace chat_server
