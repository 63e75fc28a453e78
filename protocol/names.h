// Name rules (PROTOCOL.md "Names"): 1-24 of A-Z a-z 0-9 _ -, unique ignoring case.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat {

inline constexpr std::size_t kMaxNameLength = 24;

// A-Z a-z 0-9 _ -. Inline: the server-line parser scans names with it on every line.
constexpr bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_valid_name(std::string_view name);
// The key under which a name is unique: its ASCII lower case.
std::string name_key(std::string_view name);

}  // namespace chat
