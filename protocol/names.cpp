// Name rules.
#include "protocol/names.h"

#include "protocol/text.h"

namespace chat {

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string name_key(std::string_view name) { return ascii_lowercase(name); }

}  // namespace chat
