// The text of a swarm message: who sent it, its place in the sender's sequence and when it
// was meant to be sent, padded to the requested size with a pattern the receiver checks:
//   "swarm s=<sender> q=<seq> t=<intended ns since the run began> <padding>"
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "bin/chat_swarm/ledger.h"

namespace swarm {

struct MessageHeader {
  BotId sender = 0;
  Seq seq = 0;
  std::int64_t intended_ns = 0;
};

// The text of a barrier: a private message a bot sends itself before it vanishes on purpose.
inline constexpr std::string_view kBarrierText = "swarm-barrier";

// Appends the message text: `size` bytes, or the header alone when it is longer than that.
void append_message(std::string& out, const MessageHeader& header, std::size_t size);

enum class MessageCheck {
  Ok,
  NotSwarm,  // does not start like a swarm message: someone else's line
  Corrupt,   // starts like one, but a field, the length or the padding is wrong
};
// Parses and verifies a message text that should be `size` bytes long (see append_message).
MessageCheck parse_message(std::string_view text, std::size_t size, MessageHeader& out);

}  // namespace swarm
