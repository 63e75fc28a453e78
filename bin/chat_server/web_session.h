// WebSession: what the web door keeps per connection (HTTP until the upgrade, then the
// WebSocket reader, the messages it waits to process, and the chat login of the subprotocol
// chosen: the line door's or an IRC registration), and the pure rules of the door: a text
// message as one line, the --web-origin list.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "doors/irc/irc_client.h"
#include "doors/web/http_request.h"
#include "doors/web/websocket_handshake.h"
#include "doors/web/websocket_reader.h"
#include "net/connection_handler.h"
#include "protocol/login_state.h"
#include "reactor/timer_queue.h"

namespace chat_server {

struct WebSession final : net::DoorSession {
  explicit WebSession(std::size_t max_message) : reader(web::WebSocketLimits{max_message}) {}

  bool websocket = false;                                     // upgraded: the chat's client from now on
  web::Subprotocol subprotocol = web::Subprotocol::ChatLine;  // the upgrade's
  chat::LoginState login;                                     // chat.line's
  irc::IrcClient irc;                                         // text.ircv3.net's registration; its login is the chat's
  bool speaks_irc() const { return websocket && subprotocol == web::Subprotocol::IrcV3; }
  chat::LoginState& chat_login() { return speaks_irc() ? irc.login : login; }
  web::HttpRequestParser http;
  std::string input;  // HTTP bytes not parsed yet (a pipelined request)
  web::WebSocketReader reader;
  std::deque<web::WebSocketEvent> events;  // read, waiting for a token or a pending claim
  reactor::Clock::time_point last_heard = reactor::Clock::now();
  bool pinged = false;  // a ping went out and nothing has been heard since
};

// The chat line a text message carries: one trailing "\r\n" or "\n" is dropped; nullopt when
// a '\n' is left inside (one message is one line: the door closes with 1008).
std::optional<std::string_view> message_line(std::string_view message);

// --web-origin: comma-separated origins, spaces around them ignored; empty: same origin.
std::vector<std::string> parse_origins(std::string_view list);

}  // namespace chat_server
