// Reading a file an operator names (config, password file, MOTD): bounded in size, regular
// files only, and never blocking on open, so a FIFO or a device given by mistake fails at once.
#pragma once

#include <cstddef>
#include <string>

namespace chat {

// Reads all of `path` into `content` if it is a regular file of at most `cap` bytes.
// Otherwise false, with `error` saying why without naming the file (the caller knows what the
// file is for): "not a regular file", "longer than CAP bytes" or "cannot read: REASON".
bool read_operator_file(const std::string& path, std::size_t cap, std::string& content, std::string& error);

}  // namespace chat
