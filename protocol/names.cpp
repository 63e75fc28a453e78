// Name rules.
#include "protocol/names.h"

#include "protocol/text.h"

namespace chat {

bool is_valid_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  for (char c : name)
    if (!is_name_char(c)) return false;
  return true;
}

std::string name_key(std::string_view name) { return ascii_lowercase(name); }

}  // namespace chat
