// Every rule is checked as early as the bytes allow: the header's bits and length before
// any payload arrives (so a 1009 needs no buffering), the UTF-8 of a text message as each
// piece of it arrives.
#include "doors/web/websocket_reader.h"

#include <algorithm>
#include <utility>

namespace web {
namespace {

bool is_control(Opcode op) { return (static_cast<std::uint8_t>(op) & 0x8) != 0; }

bool is_known(std::uint8_t op) { return op <= 0x2 || (op >= 0x8 && op <= 0xA); }

}  // namespace

bool WebSocketReader::error(std::uint16_t code, std::string_view reason, std::vector<WebSocketEvent>& events) {
  events.push_back(WebSocketEvent{WebSocketEvent::Kind::Error, std::string(reason), code});
  finished_ = true;
  return false;
}

void WebSocketReader::feed(std::string_view bytes, std::vector<WebSocketEvent>& events) {
  while (!finished_ && !bytes.empty()) {
    if (!in_payload_) {
      if (!take_header_byte(bytes.front(), events)) return;
      bytes.remove_prefix(1);
      continue;
    }
    std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, bytes.size()));
    if (!take_payload(bytes.substr(0, take), events)) return;
    bytes.remove_prefix(take);
    if (remaining_ == 0 && !end_frame(events)) return;
  }
}

bool WebSocketReader::take_header_byte(char byte, std::vector<WebSocketEvent>& events) {
  header_[header_size_++] = static_cast<std::uint8_t>(byte);
  if (header_size_ == 2) {
    std::uint8_t b0 = header_[0], b1 = header_[1];
    // No extension is ever negotiated, so no reserved bit may be set.
    if ((b0 & 0x70) != 0) return error(close_code::kProtocolError, "reserved bits set", events);
    if (!is_known(b0 & 0x0F)) return error(close_code::kProtocolError, "unknown opcode", events);
    if ((b1 & 0x80) == 0) return error(close_code::kProtocolError, "unmasked client frame", events);
    fin_ = (b0 & 0x80) != 0;
    opcode_ = static_cast<Opcode>(b0 & 0x0F);
    std::uint8_t len7 = b1 & 0x7F;
    if (is_control(opcode_) && !fin_) return error(close_code::kProtocolError, "fragmented control frame", events);
    if (is_control(opcode_) && len7 > kMaxControlPayload)
      return error(close_code::kProtocolError, "control frame too long", events);
    header_needed_ = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;
  }
  if (header_size_ < header_needed_) return true;
  return start_frame(events);
}

bool WebSocketReader::start_frame(std::vector<WebSocketEvent>& events) {
  std::uint8_t len7 = header_[1] & 0x7F;
  std::size_t mask_at = 2;
  std::uint64_t length = len7;
  if (len7 == 126) {
    length = (std::uint64_t{header_[2]} << 8) | header_[3];
    if (length < 126) return error(close_code::kProtocolError, "length not in its shortest form", events);
    mask_at = 4;
  } else if (len7 == 127) {
    if ((header_[2] & 0x80) != 0)
      return error(close_code::kProtocolError, "64-bit length with its top bit set", events);
    length = 0;
    for (std::size_t i = 2; i < 10; ++i) length = (length << 8) | header_[i];
    if (length <= 0xFFFF) return error(close_code::kProtocolError, "length not in its shortest form", events);
    mask_at = 10;
  }
  std::copy_n(header_.begin() + static_cast<std::ptrdiff_t>(mask_at), 4, mask_.begin());
  mask_index_ = 0;
  header_size_ = 0;
  header_needed_ = 2;
  remaining_ = length;

  if (is_control(opcode_)) {
    control_.clear();
  } else {
    bool continuation = opcode_ == Opcode::Continuation;
    if (continuation && !in_message_)
      return error(close_code::kProtocolError, "continuation without a message", events);
    if (!continuation && in_message_)
      return error(close_code::kProtocolError, "new message before the last one ended", events);
    // The chat is text; a binary message has no meaning in either subprotocol.
    if (opcode_ == Opcode::Binary)
      return error(close_code::kUnsupportedData, "binary messages are not accepted", events);
    if (length > limits_.max_message - message_.size())
      return error(close_code::kMessageTooBig, "message too big", events);
    if (!continuation) {
      in_message_ = true;
      message_.clear();
      utf8_.reset();
    }
  }
  in_payload_ = true;
  if (remaining_ == 0) return end_frame(events);
  return true;
}

bool WebSocketReader::take_payload(std::string_view bytes, std::vector<WebSocketEvent>& events) {
  std::string& target = is_control(opcode_) ? control_ : message_;
  std::size_t start = target.size();
  target.append(bytes);
  for (std::size_t i = start; i < target.size(); ++i) {
    target[i] = static_cast<char>(static_cast<std::uint8_t>(target[i]) ^ mask_[mask_index_]);
    mask_index_ = (mask_index_ + 1) & 3;
  }
  remaining_ -= bytes.size();
  if (!is_control(opcode_) && !utf8_.feed(std::string_view(target).substr(start)))
    return error(close_code::kInvalidData, "invalid UTF-8 in a text message", events);
  return true;
}

bool WebSocketReader::end_frame(std::vector<WebSocketEvent>& events) {
  in_payload_ = false;
  switch (opcode_) {
    case Opcode::Ping: events.push_back({WebSocketEvent::Kind::Ping, std::exchange(control_, {}), 0}); return true;
    case Opcode::Pong: events.push_back({WebSocketEvent::Kind::Pong, std::exchange(control_, {}), 0}); return true;
    case Opcode::Close: return end_close_frame(events);
    default: break;
  }
  if (!fin_) return true;
  if (!utf8_.complete()) return error(close_code::kInvalidData, "text message ends inside a character", events);
  in_message_ = false;
  events.push_back({WebSocketEvent::Kind::Text, std::exchange(message_, {}), 0});
  return true;
}

bool WebSocketReader::end_close_frame(std::vector<WebSocketEvent>& events) {
  if (control_.empty()) {
    events.push_back({WebSocketEvent::Kind::Close, "", close_code::kNoStatus});
    finished_ = true;
    return true;
  }
  if (control_.size() == 1) return error(close_code::kProtocolError, "close frame with a 1-byte code", events);
  auto code = static_cast<std::uint16_t>((static_cast<std::uint8_t>(control_[0]) << 8) |
                                         static_cast<std::uint8_t>(control_[1]));
  if (!is_valid_close_code(code)) return error(close_code::kProtocolError, "invalid close code", events);
  std::string reason = control_.substr(2);
  Utf8Validator check;
  if (!check.feed(reason) || !check.complete())
    return error(close_code::kInvalidData, "invalid UTF-8 in the close reason", events);
  events.push_back({WebSocketEvent::Kind::Close, std::move(reason), code});
  finished_ = true;
  return true;
}

}  // namespace web
