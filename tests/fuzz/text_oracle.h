// The oracles' own small text rules (the protocol's are not reused, so a bug there cannot
// hide itself): blanks are space and TAB, names compare by ASCII lower case.
#pragma once

#include <string>
#include <string_view>

namespace fuzz_oracle {

inline bool blank(char c) { return c == ' ' || c == '\t'; }

inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

}  // namespace fuzz_oracle
