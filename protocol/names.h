// Name rules (PROTOCOL.md "Names"): 1-24 of A-Z a-z 0-9 _ -, unique ignoring case.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat {

inline constexpr std::size_t kMaxNameLength = 24;

bool is_valid_name(std::string_view name);
// The key under which a name is unique: its ASCII lower case.
std::string name_key(std::string_view name);

}  // namespace chat
