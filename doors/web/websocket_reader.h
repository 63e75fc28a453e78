// The incremental reader of client frames (RFC 6455 section 5): bytes in, in any pieces;
// events out: whole text messages (reassembled from fragments, UTF-8 checked), pings, pongs,
// the peer's close, or the protocol error to close with.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "doors/web/utf8_validator.h"
#include "doors/web/websocket_frame.h"

namespace web {

struct WebSocketEvent {
  enum class Kind { Text, Ping, Pong, Close, Error };
  Kind kind;
  std::string data;  // the message, the ping or pong payload, the close reason, or the error
  // Close: the peer's code (kNoStatus when its frame had none). Error: the code to close with.
  std::uint16_t code = 0;

  bool operator==(const WebSocketEvent&) const = default;
};

struct WebSocketLimits {
  // The largest text message, fragments together (as --max-line bounds a line): 1009 beyond.
  std::size_t max_message = 4096;
};

class WebSocketReader {
 public:
  explicit WebSocketReader(WebSocketLimits limits = {}) : limits_(limits) {}

  // Appends the events these bytes complete. After a Close or an Error event the reader is
  // finished: the connection is closing, so it ignores whatever follows.
  void feed(std::string_view bytes, std::vector<WebSocketEvent>& events);
  bool finished() const { return finished_; }

 private:
  // Each returns false when it has emitted an Error.
  bool take_header_byte(char byte, std::vector<WebSocketEvent>& events);
  bool start_frame(std::vector<WebSocketEvent>& events);
  bool take_payload(std::string_view bytes, std::vector<WebSocketEvent>& events);
  bool end_frame(std::vector<WebSocketEvent>& events);
  bool end_close_frame(std::vector<WebSocketEvent>& events);
  bool error(std::uint16_t code, std::string_view reason, std::vector<WebSocketEvent>& events);

  WebSocketLimits limits_;
  bool finished_ = false;

  // The frame header being read: 2 bytes, then 0, 2 or 8 of length, then the 4 of the mask.
  std::array<std::uint8_t, 14> header_{};
  std::size_t header_size_ = 0;
  std::size_t header_needed_ = 2;
  bool in_payload_ = false;

  // The current frame.
  bool fin_ = false;
  Opcode opcode_ = Opcode::Continuation;
  std::uint64_t remaining_ = 0;
  std::array<std::uint8_t, 4> mask_{};
  std::size_t mask_index_ = 0;

  // The text message being reassembled across frames, and the control frame being read.
  bool in_message_ = false;
  std::string message_;
  Utf8Validator utf8_;
  std::string control_;
};

}  // namespace web
