// Client frames for the tests: what a browser sends (masked), written independently of the
// server's writer, with knobs to break each rule the reader enforces.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace webtest {

struct ClientFrame {
  std::uint8_t opcode = 0x1;
  bool fin = true;
  bool masked = true;
  std::uint8_t rsv = 0;  // the three reserved bits, 0..7
  std::array<std::uint8_t, 4> mask{0x37, 0xfa, 0x21, 0x3d};
  // 0: the shortest length form; 2 or 8: force that extended form (8: with `top_bit` as the MSB).
  int length_form = 0;
  bool top_bit = false;
};

inline std::string encode(const ClientFrame& f, std::string_view payload) {
  std::string out;
  out += static_cast<char>((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0F));
  std::uint64_t n = payload.size();
  int form = f.length_form != 0 ? f.length_form : n <= 125 ? 0 : n <= 0xFFFF ? 2 : 8;
  std::uint8_t mask_bit = f.masked ? 0x80 : 0;
  if (form == 0) {
    out += static_cast<char>(mask_bit | n);
  } else if (form == 2) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) {
      auto b = static_cast<std::uint8_t>(n >> shift);
      if (shift == 56 && f.top_bit) b |= 0x80;
      out += static_cast<char>(b);
    }
  }
  if (f.masked) {
    for (std::uint8_t b : f.mask) out += static_cast<char>(b);
    for (std::size_t i = 0; i < payload.size(); ++i)
      out += static_cast<char>(static_cast<std::uint8_t>(payload[i]) ^ f.mask[i % 4]);
  } else {
    out.append(payload);
  }
  return out;
}

inline std::string text(std::string_view payload, bool fin = true) {
  ClientFrame f;
  f.fin = fin;
  return encode(f, payload);
}

inline std::string frame(std::uint8_t opcode, std::string_view payload, bool fin = true) {
  ClientFrame f;
  f.opcode = opcode;
  f.fin = fin;
  return encode(f, payload);
}

inline std::string close(std::uint16_t code, std::string_view reason = {}) {
  std::string payload;
  payload += static_cast<char>(code >> 8);
  payload += static_cast<char>(code & 0xFF);
  payload.append(reason);
  return frame(0x8, payload);
}

// A server frame's payload is unmasked: it is what a client reads. Returns the opcode and
// payload of the one frame in `bytes`, or opcode 0xFF if bytes is not exactly one frame.
struct ServerFrame {
  std::uint8_t first_byte = 0xFF;
  std::string payload;
};

inline ServerFrame decode_server(std::string_view bytes) {
  ServerFrame out;
  if (bytes.size() < 2 || (bytes[1] & 0x80) != 0) return out;
  std::uint64_t n = static_cast<std::uint8_t>(bytes[1]) & 0x7F;
  std::size_t at = 2;
  if (n == 126) {
    if (bytes.size() < 4) return out;
    n = (std::uint64_t{static_cast<std::uint8_t>(bytes[2])} << 8) | static_cast<std::uint8_t>(bytes[3]);
    at = 4;
  } else if (n == 127) {
    if (bytes.size() < 10) return out;
    n = 0;
    for (std::size_t i = 2; i < 10; ++i) n = (n << 8) | static_cast<std::uint8_t>(bytes[i]);
    at = 10;
  }
  if (bytes.size() - at != n) return out;
  out.first_byte = static_cast<std::uint8_t>(bytes[0]);
  out.payload = std::string(bytes.substr(at));
  return out;
}

// Several server frames back to back, each decoded as above (an undecodable rest ends it).
inline std::vector<ServerFrame> decode_server_frames(std::string_view bytes) {
  std::vector<ServerFrame> frames;
  while (bytes.size() >= 2) {
    std::size_t n = static_cast<std::uint8_t>(bytes[1]) & 0x7F;
    std::size_t header = n == 126 ? 4 : n == 127 ? 10 : 2;
    if (bytes.size() < header) break;
    if (header > 2) n = 0;
    for (std::size_t i = 2; i < header; ++i) n = (n << 8) | static_cast<std::uint8_t>(bytes[i]);
    if (bytes.size() < header + n) break;
    frames.push_back(decode_server(bytes.substr(0, header + n)));
    bytes.remove_prefix(header + n);
  }
  return frames;
}

}  // namespace webtest
