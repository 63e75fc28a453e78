// Base64 (RFC 4648 section 4, the standard alphabet with padding), for the WebSocket handshake.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace web {

std::string base64_encode(std::string_view bytes);

// Strict: padding required, no whitespace, no other alphabet, and the unused bits of the
// last character must be zero, so one byte string has exactly one accepted encoding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace web
