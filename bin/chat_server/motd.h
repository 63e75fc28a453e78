// The message of the day: a small text file whose lines the server shows after the welcome.
// Read here (bin/ owns files); protocol/ sanitizes and sends them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace chat_server {

// At most this many lines and bytes: the MOTD is a greeting, not a document, and every
// login pays for it.
inline constexpr std::size_t kMaxMotdLines = 100;
inline constexpr std::size_t kMaxMotdBytes = std::size_t{16} * 1024;

// Reads `path` into `lines` (without line ends; a final newline adds no empty line; CRLF
// accepted). An empty file gives no lines. False with `error` naming the file if it cannot
// be read or is over the bounds.
bool read_motd(const std::string& path, std::vector<std::string>& lines, std::string& error);

}  // namespace chat_server
