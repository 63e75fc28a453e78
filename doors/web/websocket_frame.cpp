// Server frames: FIN set, no mask, the shortest length encoding (RFC 6455 5.2).
#include "doors/web/websocket_frame.h"

namespace web {

bool is_valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;  // registered (3xxx) and private (4xxx)
  switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
    case 1012:
    case 1013:
    case 1014: return true;
    default: return false;
  }
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
  out += static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode));
  std::uint64_t size = payload.size();
  if (size <= 125) {
    out += static_cast<char>(size);
  } else if (size <= 0xFFFF) {
    out += static_cast<char>(126);
    out += static_cast<char>((size >> 8) & 0xFF);
    out += static_cast<char>(size & 0xFF);
  } else {
    out += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((size >> shift) & 0xFF);
  }
  out.append(payload);
}

namespace {

reactor::PayloadRef frame(Opcode opcode, std::string_view payload) {
  std::string out;
  out.reserve(payload.size() + 10);
  append_frame(out, opcode, payload);
  return reactor::PayloadRef::copy_of(out);
}

// The longest prefix of s of at most max bytes that does not split a UTF-8 character.
std::string_view cut_at_boundary(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<std::uint8_t>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

reactor::PayloadRef text_frame(std::string_view text) { return frame(Opcode::Text, text); }

reactor::PayloadRef text_frame_per_line(std::string_view lines) {
  std::string out;
  out.reserve(lines.size() + 16);
  while (!lines.empty()) {
    std::size_t end = lines.find('\n');
    std::string_view line = lines.substr(0, end);
    lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) append_frame(out, Opcode::Text, line);
  }
  if (out.empty()) return {};
  return reactor::PayloadRef::copy_of(out);
}

reactor::PayloadRef ping_frame(std::string_view payload) {
  return frame(Opcode::Ping, payload.substr(0, kMaxControlPayload));
}

reactor::PayloadRef pong_frame(std::string_view payload) {
  return frame(Opcode::Pong, payload.substr(0, kMaxControlPayload));
}

reactor::PayloadRef close_frame(std::uint16_t code, std::string_view reason) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload.append(cut_at_boundary(reason, kMaxControlPayload - 2));
  return frame(Opcode::Close, payload);
}

}  // namespace web
