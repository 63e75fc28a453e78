// Dialect: how one door's clients see a ChatEvent. A door renders an event once per group of
// its recipients and every recipient shares that payload (one allocation per broadcast).
#pragma once

#include "protocol/chat_event.h"
#include "reactor/payload.h"

namespace chat {

class Dialect {
 public:
  virtual ~Dialect() = default;
  // The bytes every recipient of `event` on this door receives; an empty payload: this
  // door shows nothing for it (an IRC client is never prompted for a password).
  virtual reactor::PayloadRef render(const ChatEvent& event) = 0;
};

}  // namespace chat
