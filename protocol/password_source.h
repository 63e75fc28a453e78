// Where the shared password comes from (PROTOCOL.md "Password"): the first line of a file,
// without its line end, else the CHAT_PASSWORD environment variable. Used by every program.
#pragma once

#include <optional>
#include <string>

namespace chat {

enum class PasswordOrigin { File, Environment, None };

struct PasswordLookup {
  PasswordOrigin origin = PasswordOrigin::None;
  std::string password;
  std::string error;  // set when the file cannot be read or its first line is empty
};

// `file`: the --password-file argument, if given (it wins over the environment).
PasswordLookup find_password(const std::optional<std::string>& file);

}  // namespace chat
