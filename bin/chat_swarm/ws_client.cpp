// WebSocket client codec for the swarm (see ws_client.h).
#include "bin/chat_swarm/ws_client.h"

#include <optional>

namespace swarm {

std::string ws_upgrade_request(std::string_view host_port) {
  // RFC 6455 4.1's example key: any 16 bytes in base64 will do, the server only hashes it.
  return std::string("GET /ws HTTP/1.1\r\nHost: ")
      .append(host_port)
      .append(
          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat.line\r\n\r\n");
}

WsHandshake ws_take_handshake(std::string& buffer, std::string& error) {
  std::size_t end = buffer.find("\r\n\r\n");
  if (end == std::string::npos) {
    if (buffer.size() > 8192) {
      error = "no end to the server's HTTP answer";
      return WsHandshake::Refused;
    }
    return WsHandshake::Incomplete;
  }
  std::string_view head(buffer.data(), end);
  if (head.rfind("HTTP/1.1 101", 0) != 0) {
    error = "upgrade refused: " + std::string(head.substr(0, head.find("\r\n")));
    return WsHandshake::Refused;
  }
  buffer.erase(0, end + 4);
  return WsHandshake::Done;
}

void ws_append_masked(std::string& out, std::uint8_t opcode, std::string_view payload, std::uint32_t mask) {
  out.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n < 65536) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  const char key[4] = {static_cast<char>(mask >> 24), static_cast<char>(mask >> 16), static_cast<char>(mask >> 8),
                       static_cast<char>(mask)};
  out.append(key, 4);
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(payload[i] ^ key[i % 4]));
}

namespace {

struct Header {
  bool fin = false;
  std::uint8_t opcode = 0;
  std::size_t size = 0;  // of the header itself
  std::uint64_t length = 0;
};

// The frame header at the front of `data`; nullopt while it is incomplete, or (with `error`)
// when no server may send it.
std::optional<Header> read_header(std::string_view data, std::string& error) {
  if (data.size() < 2) return std::nullopt;
  auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(data[i]); };
  if (byte(0) & 0x70) {
    error = "a frame with reserved bits set";
    return std::nullopt;
  }
  if (byte(1) & 0x80) {
    error = "a masked frame from the server";
    return std::nullopt;
  }
  Header h{(byte(0) & 0x80) != 0, static_cast<std::uint8_t>(byte(0) & 0x0F), 2, byte(1) & 0x7Fu};
  if (h.length == 126) {
    if (data.size() < 4) return std::nullopt;
    h.length = std::uint64_t{byte(2)} << 8 | byte(3);
    h.size = 4;
  } else if (h.length == 127) {
    if (data.size() < 10) return std::nullopt;
    h.length = 0;
    for (std::size_t i = 0; i < 8; ++i) h.length = h.length << 8 | byte(2 + i);
    h.size = 10;
  }
  return h;
}

}  // namespace

bool WsFrameReader::feed(std::string_view bytes, const OnMessage& on_message, std::size_t max) {
  buffer_.append(bytes);
  std::size_t at = 0;
  bool go_on = true;
  while (go_on) {
    std::optional<Header> h = read_header(std::string_view(buffer_).substr(at), error_);
    if (!error_.empty()) return false;
    if (h && h->length > max) {
      error_ = "a frame over " + std::to_string(max) + " bytes";
      return false;
    }
    if (!h || buffer_.size() - at < h->size + h->length) break;
    std::string_view payload(buffer_.data() + at + h->size, h->length);
    at += h->size + h->length;
    if (!take(h->fin, h->opcode, payload, on_message, max, go_on)) return false;
  }
  buffer_.erase(0, at);
  return true;
}

bool WsFrameReader::take(bool fin, std::uint8_t opcode, std::string_view payload, const OnMessage& on_message,
                         std::size_t max, bool& go_on) {
  if (opcode >= 0x8) {
    if (!fin || opcode > 0xA) {
      error_ = "a bad control frame";
      return false;
    }
    go_on = on_message(opcode, payload);
    return true;
  }
  if (opcode == 0x0) {
    if (message_opcode_ == 0) {
      error_ = "a continuation with no message";
      return false;
    }
    message_.append(payload);
  } else if (opcode == 0x1 || opcode == 0x2) {
    if (fin) {
      go_on = on_message(opcode, payload);
      return true;
    }
    message_opcode_ = opcode;
    message_.assign(payload);
  } else {
    error_ = "an unknown opcode";
    return false;
  }
  if (message_.size() > max) {
    error_ = "a message over " + std::to_string(max) + " bytes";
    return false;
  }
  if (fin) {
    go_on = on_message(message_opcode_, message_);
    message_.clear();
    message_opcode_ = 0;
  }
  return true;
}

}  // namespace swarm
