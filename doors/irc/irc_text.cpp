// Nick rules, formatting codes, CTCP ACTION and the ascii case mapping.
#include "doors/irc/irc_text.h"

#include "protocol/names.h"

namespace irc {

namespace {

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
constexpr char fold(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr bool is_toggle_code(char c) {
  return c == '\x02' || c == '\x0f' || c == '\x11' || c == '\x16' || c == '\x1d' || c == '\x1e' || c == '\x1f';
}

// How many bytes after position i (a \x03) belong to the colour code: "NN" or "NN,MM", one
// or two digits each; a comma not followed by a digit is text.
std::size_t colour_length(std::string_view s, std::size_t i) {
  std::size_t n = 0;
  auto digits = [&] {
    std::size_t d = 0;
    while (d < 2 && i + 1 + n < s.size() && is_digit(s[i + 1 + n])) {
      ++d;
      ++n;
    }
    return d;
  };
  if (digits() == 0) return 0;
  if (i + 1 + n + 1 < s.size() && s[i + 1 + n] == ',' && is_digit(s[i + 1 + n + 1])) {
    ++n;
    digits();
  }
  return n;
}

bool six_hex(std::string_view s, std::size_t from) {
  if (from + 6 > s.size()) return false;
  for (std::size_t k = 0; k < 6; ++k)
    if (!is_hex(s[from + k])) return false;
  return true;
}

// \x04RRGGBB[,RRGGBB]: exactly six hex digits each, else the \x04 stands alone.
std::size_t hex_colour_length(std::string_view s, std::size_t i) {
  if (!six_hex(s, i + 1)) return 0;
  if (i + 7 < s.size() && s[i + 7] == ',' && six_hex(s, i + 8)) return 13;
  return 6;
}

bool has_formatting(std::string_view text) {
  for (char c : text)
    if (is_toggle_code(c) || c == '\x03' || c == '\x04') return true;
  return false;
}

}  // namespace

bool is_valid_nick(std::string_view nick) { return chat::is_valid_name(nick); }

std::string_view strip_formatting(std::string_view text, std::string& scratch) {
  if (!has_formatting(text)) return text;
  scratch.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (is_toggle_code(c)) continue;
    if (c == '\x03') {
      i += colour_length(text, i);
      continue;
    }
    if (c == '\x04') {
      i += hex_colour_length(text, i);
      continue;
    }
    scratch.push_back(c);
  }
  return scratch;
}

std::optional<std::string_view> ctcp_action(std::string_view text) {
  constexpr std::string_view kOpen =
      "\x01"
      "ACTION";
  if (text.substr(0, kOpen.size()) != kOpen) return std::nullopt;
  text.remove_prefix(kOpen.size());
  if (!text.empty() && text.back() == '\x01') text.remove_suffix(1);
  if (text.empty()) return text;
  if (text.front() != ' ') return std::nullopt;  // "\x01ACTIONS..." is another request
  text.remove_prefix(1);
  return text;
}

bool casemap_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (fold(a[i]) != fold(b[i])) return false;
  return true;
}

}  // namespace irc
