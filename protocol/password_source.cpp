// Password lookup: file first, then environment.
#include "protocol/password_source.h"

#include <cstdlib>
#include <string_view>

#include "protocol/operator_file.h"

namespace chat {

PasswordLookup find_password(const std::optional<std::string>& file) {
  PasswordLookup found;
  if (file) {
    std::string text, error;
    if (!read_operator_file(*file, kMaxPasswordFileBytes, text, error)) {
      found.error = "password file '" + *file + "': " + error;
      return found;
    }
    std::string_view line = text;
    if (constexpr std::string_view kBom = "\xEF\xBB\xBF"; line.starts_with(kBom)) {
      line.remove_prefix(kBom.size());
      found.warning = "the password file '" + *file +
                      "' starts with a UTF-8 byte-order mark (BOM); it was ignored, the password is what follows it";
    }
    line = line.substr(0, line.find('\n'));
    if (line.ends_with('\r')) line.remove_suffix(1);
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
