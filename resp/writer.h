// RESP2 output: a command as an array of bulk strings ("PUBLISH ch payload" becomes
// "*3\r\n$7\r\nPUBLISH\r\n$2\r\nch\r\n$7\r\npayload\r\n"), appended to the caller's buffer
// after one size computation and at most one growth: no allocation per argument.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "resp/reply.h"

namespace resp {

// Bytes append_command() adds for `args`.
std::size_t command_size(std::span<const std::string_view> args);
void append_command(std::string& out, std::span<const std::string_view> args);
inline void append_command(std::string& out, std::initializer_list<std::string_view> args) {
  append_command(out, std::span<const std::string_view>(args.begin(), args.size()));
}

// A parsed reply written back as RESP (what a server would have sent): for tests, fuzzing
// and replaying captured traffic.
void append_reply(std::string& out, const RespReply& reply);

}  // namespace resp
