// The character classes and ASCII case rules of HTTP (RFC 9110 section 5.6), shared by the
// request parser and the WebSocket handshake.
#pragma once

#include <string>
#include <string_view>

namespace web {

inline bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// tchar: what a method, a header name or a token may hold.
inline bool is_token_char(char c) {
  if (is_alnum(c)) return true;
  for (char t : std::string_view("!#$%&'*+-.^_`|~"))
    if (c == t) return true;
  return false;
}

inline bool all_of_token(std::string_view s) {
  for (char c : s)
    if (!is_token_char(c)) return false;
  return !s.empty();
}

inline char lower_ascii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower_ascii(c);
  return out;
}

inline bool equals_ignoring_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

}  // namespace web
