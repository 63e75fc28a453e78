// SHA-1 (FIPS 180-4), only for the WebSocket handshake's Sec-WebSocket-Accept (RFC 6455):
// there it is a fixed transform, not a security primitive, so nothing here needs to be secret-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace web {

using Sha1Digest = std::array<std::uint8_t, 20>;

// Incremental, so a test can hash a million bytes without holding them.
class Sha1 {
 public:
  Sha1();
  void update(std::string_view bytes);
  Sha1Digest finish();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 5> state_;
  std::array<std::uint8_t, 64> block_{};
  std::size_t block_used_ = 0;
  std::uint64_t total_bytes_ = 0;
};

Sha1Digest sha1(std::string_view bytes);

}  // namespace web
