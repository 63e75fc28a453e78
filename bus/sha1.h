// SHA-1 of a byte string as 40 lowercase hex digits: the name Redis gives a Lua script, so
// EVALSHA can be sent before (and without waiting for) its SCRIPT LOAD. Not for security.
#pragma once

#include <string>
#include <string_view>

namespace bus {

std::string sha1_hex(std::string_view data);

}  // namespace bus
