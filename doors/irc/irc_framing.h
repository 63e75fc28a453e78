// IrcFraming: how the IRC door's bytes reach a client. Over TCP they go as written, lines
// ending "\r\n"; a transport with messages of its own re-frames them (the web door's
// text.ircv3.net: one WebSocket text message per line, docs/WEB.md). Every byte the door
// sends, its own replies and the dialect's renderings alike, passes through the framing.
#pragma once

#include "reactor/payload.h"

namespace irc {

class IrcFraming {
 public:
  virtual ~IrcFraming() = default;
  // `lines`: one or more IRC lines, each ending "\r\n"; an empty payload stays empty.
  virtual reactor::PayloadRef frame(const reactor::PayloadRef& lines) const = 0;
};

}  // namespace irc
