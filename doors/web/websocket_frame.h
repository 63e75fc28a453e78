// WebSocket framing (RFC 6455 section 5): opcodes, close codes, and the writer of server
// frames (unmasked, as a server's must be). The reader is websocket_reader.h.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "reactor/payload.h"

namespace web {

enum class Opcode : std::uint8_t {
  Continuation = 0x0,
  Text = 0x1,
  Binary = 0x2,
  Close = 0x8,
  Ping = 0x9,
  Pong = 0xA,
};

// Close codes (RFC 6455 7.4.1) this door sends or must recognise.
namespace close_code {
inline constexpr std::uint16_t kNormal = 1000;
inline constexpr std::uint16_t kGoingAway = 1001;
inline constexpr std::uint16_t kProtocolError = 1002;
inline constexpr std::uint16_t kUnsupportedData = 1003;
inline constexpr std::uint16_t kNoStatus = 1005;  // never on the wire: a close frame without a code
inline constexpr std::uint16_t kInvalidData = 1007;
inline constexpr std::uint16_t kPolicyViolation = 1008;
inline constexpr std::uint16_t kMessageTooBig = 1009;
inline constexpr std::uint16_t kInternalError = 1011;
inline constexpr std::uint16_t kTryAgainLater = 1013;
}  // namespace close_code

// Whether a peer may send this code in a close frame (1005, 1006, 1015 and unassigned ones
// may not).
bool is_valid_close_code(std::uint16_t code);

// The longest payload of a control frame, and so of a close reason after its 2-byte code.
inline constexpr std::size_t kMaxControlPayload = 125;

// One whole (FIN) unmasked frame, appended to out.
void append_frame(std::string& out, Opcode opcode, std::string_view payload);

// Frames as shared payloads, so a line broadcast to many browsers is framed once.
reactor::PayloadRef text_frame(std::string_view text);
// One text frame per line of `lines` ("\n"-terminated, a "\r" before it dropped too; a last
// line without one counts), each without its line ending: text.ircv3.net's one IRC line per
// message. Empty lines make no frame.
reactor::PayloadRef text_frame_per_line(std::string_view lines);
reactor::PayloadRef ping_frame(std::string_view payload);  // payload cut to 125 bytes
reactor::PayloadRef pong_frame(std::string_view payload);  // payload cut to 125 bytes
// The reason is cut to fit 123 bytes, at a character boundary so it stays UTF-8.
reactor::PayloadRef close_frame(std::uint16_t code, std::string_view reason = {});

}  // namespace web
