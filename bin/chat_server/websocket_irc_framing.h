// WebSocketIrcFraming: the IRC door's lines as the web door's text.ircv3.net carries them:
// one WebSocket text message per IRC line, without its "\r\n" (the IRCv3 WebSocket
// specification). Each rendering is framed once and shared by every web IRC client.
#pragma once

#include "doors/irc/irc_framing.h"
#include "doors/web/websocket_frame.h"

namespace chat_server {

class WebSocketIrcFraming final : public irc::IrcFraming {
 public:
  reactor::PayloadRef frame(const reactor::PayloadRef& lines) const override {
    return web::text_frame_per_line(lines.view());
  }
};

}  // namespace chat_server
