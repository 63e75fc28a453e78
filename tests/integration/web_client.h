// A minimal HTTP and WebSocket client for the web door's integration tests, written from
// RFC 6455 independently of the server's code: masked frames out, frames read back whole.
#pragma once

#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "harness.h"

namespace webtest {

struct Frame {
  std::uint8_t opcode = 0;
  std::string payload;
  // A close frame's code (0 when it has none).
  std::uint16_t close_code() const {
    if (opcode != 0x8 || payload.size() < 2) return 0;
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
  }
};

inline std::string encode_frame(std::uint8_t opcode, std::string_view payload, bool masked = true) {
  std::string out;
  out += static_cast<char>(0x80 | opcode);
  std::uint64_t n = payload.size();
  char mask_bit = masked ? static_cast<char>(0x80) : 0;
  if (n <= 125) {
    out += static_cast<char>(mask_bit | static_cast<char>(n));
  } else if (n <= 0xFFFF) {
    out += static_cast<char>(mask_bit | 126);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(n & 0xFF);
  } else {
    out += static_cast<char>(mask_bit | 127);
    for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((n >> shift) & 0xFF);
  }
  const unsigned char mask[4] = {0x5a, 0x13, 0xc4, 0x7e};
  if (masked) out.append(reinterpret_cast<const char*>(mask), 4);
  for (std::size_t i = 0; i < payload.size(); ++i)
    out += masked ? static_cast<char>(payload[i] ^ static_cast<char>(mask[i % 4])) : payload[i];
  return out;
}

class WebClient {
 public:
  explicit WebClient(std::uint16_t port) : port_(port), fd_(harness::connect_to(port)) {}
  ~WebClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  WebClient(const WebClient&) = delete;
  WebClient& operator=(const WebClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  void send_raw(std::string_view bytes) {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n <= 0) return;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // One response: the head and, with a Content-Length, the body. Empty at the deadline.
  std::string read_response(harness::Duration deadline = harness::kDeadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    std::size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(until)) return {};
    head_end += 4;
    std::size_t body = 0;
    std::string head = buffer_.substr(0, head_end);
    if (std::size_t at = head.find("Content-Length: "); at != std::string::npos)
      body = std::stoul(head.substr(at + 16));
    if (head.rfind("HTTP/1.1 101", 0) == 0) body = 0;
    while (buffer_.size() < head_end + body)
      if (!fill(until)) return {};
    std::string response = buffer_.substr(0, head_end + body);
    buffer_.erase(0, head_end + body);
    return response;
  }

  std::string get(std::string_view path, std::string_view extra_headers = {}) {
    send_raw("GET " + std::string(path) + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) + "\r\n" +
             std::string(extra_headers) + "\r\n");
    return read_response();
  }

  // The opening handshake asking for `protocols` (chat.line by default) from the page's own
  // origin; returns the response.
  std::string upgrade(std::string_view origin = {}, std::string_view protocols = "chat.line") {
    std::string own = "http://127.0.0.1:" + std::to_string(port_);
    return get("/ws",
               "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
               "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: " +
                   std::string(protocols) + "\r\nOrigin: " + (origin.empty() ? own : std::string(origin)) + "\r\n");
  }

  void send_text(std::string_view text) { send_raw(encode_frame(0x1, text)); }

  std::optional<Frame> read_frame(harness::Duration deadline = harness::kDeadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (true) {
      if (buffer_.size() >= 2) {
        std::size_t len = static_cast<unsigned char>(buffer_[1]) & 0x7F;
        std::size_t header = len == 126 ? 4 : len == 127 ? 10 : 2;
        if (buffer_.size() >= header) {
          if (header > 2) len = 0;
          for (std::size_t i = 2; i < header; ++i) len = (len << 8) | static_cast<unsigned char>(buffer_[i]);
          if (buffer_.size() >= header + len) {
            Frame f{static_cast<std::uint8_t>(buffer_[0] & 0x0F), buffer_.substr(header, len)};
            buffer_.erase(0, header + len);
            return f;
          }
        }
      }
      if (!fill(until)) return std::nullopt;
    }
  }

  // Reads text frames until one holds `needle`; "" (and a test failure) otherwise.
  std::string expect_text(std::string_view needle) {
    while (std::optional<Frame> f = read_frame()) {
      if (f->opcode == 0x1 && f->payload.find(needle) != std::string::npos) return f->payload;
      if (f->opcode == 0x8) break;
    }
    ADD_FAILURE() << "no text frame with \"" << needle << "\"";
    return {};
  }

  // Reads until the server's close frame; its code, or 0 when none came.
  std::uint16_t expect_close() {
    while (std::optional<Frame> f = read_frame())
      if (f->opcode == 0x8) return f->close_code();
    return 0;
  }

  // True when the server closed the TCP connection (after anything still buffered).
  bool closed_by_server() {
    auto until = std::chrono::steady_clock::now() + harness::kDeadline;
    while (fill(until)) buffer_.clear();
    return eof_;
  }

 private:
  bool fill(std::chrono::steady_clock::time_point until) {
    if (eof_ || fd_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[65536];
    ssize_t n = ::read(fd_, chunk, sizeof chunk);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  std::uint16_t port_;
  int fd_;
  std::string buffer_;
  bool eof_ = false;
};

// "HTTP/1.1 101 Switching Protocols" out of a whole response.
inline std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

// Logs a browser in on the line dialect: upgrade, password, name, welcome.
inline void browser_login(WebClient& web, std::string_view name) {
  ASSERT_EQ(status_line(web.upgrade()), "HTTP/1.1 101 Switching Protocols");
  web.expect_text("Password:");
  web.send_text(harness::kPassword);
  web.expect_text("Username:");
  web.send_text(std::string(name) + "\n");
  web.expect_text("Welcome, " + std::string(name) + "!");
}

}  // namespace webtest
