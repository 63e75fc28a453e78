// Where the shared password comes from (PROTOCOL.md "Password"): the first line of a file,
// without its line end, else the CHAT_PASSWORD environment variable. Used by every program.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace chat {

enum class PasswordOrigin { File, Environment, None };

struct PasswordLookup {
  PasswordOrigin origin = PasswordOrigin::None;
  std::string password;
  std::string error;    // set when the file cannot be read or its first line is empty
  std::string warning;  // set when the file needed a fix the operator should know of (a BOM)
};

// A password file is one short line; this bound keeps a wrong path (a log, a disk image)
// from being read whole.
inline constexpr std::size_t kMaxPasswordFileBytes = std::size_t{1} << 20;

// `file`: the --password-file argument, if given (it wins over the environment). The file
// is read as operator_file.h says; a leading UTF-8 byte-order mark (Notepad writes one) is
// not part of the password: it is dropped, and `warning` says so.
PasswordLookup find_password(const std::optional<std::string>& file);

}  // namespace chat
