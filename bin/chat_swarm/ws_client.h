// The client side of RFC 6455 that a swarm bot needs (--proto ws): the upgrade request and
// its 101 answer, masked frames out, and a reader of the server's unmasked frames. Each
// text message is one line of the line protocol (the web door's chat.line subprotocol).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace swarm {

// "GET /ws HTTP/1.1" with a fixed, valid Sec-WebSocket-Key and `Sec-WebSocket-Protocol: chat.line`.
std::string ws_upgrade_request(std::string_view host_port);

enum class WsHandshake { Incomplete, Done, Refused };
// Looks for the end of the server's answer at the front of `buffer`; on Done the answer is
// removed from it (frames may follow in the same read). Refused: `error` says what came.
WsHandshake ws_take_handshake(std::string& buffer, std::string& error);

// Appends one masked frame (FIN) of `opcode` (1 text, 8 close, 10 pong) with `payload`.
void ws_append_masked(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask);

class WsFrameReader {
 public:
  // A whole message (text, or a control frame: 8 close, 9 ping, 10 pong). Return false to
  // stop reading.
  using OnMessage = std::function<bool(std::uint8_t opcode, std::string_view payload)>;

  // Consumes `bytes`; false (with error()) on a frame no server may send (masked, reserved
  // bits, an unknown opcode, a fragmented control frame, a message over `max`).
  bool feed(std::string_view bytes, const OnMessage& on_message, std::size_t max = 1 << 20);
  const std::string& error() const { return error_; }

 private:
  // One whole frame: a control message, a message, or a piece of one.
  bool take(bool fin, std::uint8_t opcode, std::string_view payload, const OnMessage& on_message, std::size_t max,
            bool& go_on);

  std::string buffer_;
  std::string message_;  // a fragmented message so far
  std::uint8_t message_opcode_ = 0;
  std::string error_;
};

}  // namespace swarm
