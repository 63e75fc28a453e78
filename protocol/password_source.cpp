// Password lookup: file first, then environment.
#include "protocol/password_source.h"

#include <cstdlib>
#include <fstream>

namespace chat {

PasswordLookup find_password(const std::optional<std::string>& file) {
  PasswordLookup found;
  if (file) {
    std::ifstream in(*file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      found.error = "cannot read a password from '" + *file + "'";
      return found;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      found.error = "the password in '" + *file + "' is empty";
      return found;
    }
    found.origin = PasswordOrigin::File;
    found.password = line;
  } else if (const char* env = std::getenv("CHAT_PASSWORD"); env && *env) {
    found.origin = PasswordOrigin::Environment;
    found.password = env;
  }
  return found;
}

}  // namespace chat
