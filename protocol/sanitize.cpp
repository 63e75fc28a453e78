// Sanitizer: a validating UTF-8 decoder following Unicode's Table 3-7 of well-formed
// byte sequences, with the "maximal subpart" replacement policy (Unicode 15, section 3.9).
#include "protocol/sanitize.h"

#include <cstdint>

namespace chat {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool is_dropped_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7F; }

// U+0080..U+009F, encoded C2 80..C2 9F: the only two-byte sequences with a C2 lead and a
// second byte below A0, so one look at the pair decides.
bool is_c1_control(std::string_view s, std::size_t i, std::size_t len) {
  return len == 2 && static_cast<unsigned char>(s[i]) == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
}

// Length of the well-formed sequence starting at s[i], or 0 if it is ill-formed; in that
// case *subpart is the length of the maximal subpart to replace by one U+FFFD (at least 1).
std::size_t well_formed_length(std::string_view s, std::size_t i, std::size_t* subpart) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char lead = b(0);
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) {
    need = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    need = 3;
    if (lead == 0xE0) lo = 0xA0;  // overlong
    if (lead == 0xED) hi = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    need = 4;
    if (lead == 0xF0) lo = 0x90;  // overlong
    if (lead == 0xF4) hi = 0x8F;  // beyond U+10FFFF
  } else {
    *subpart = 1;  // C0, C1, F5..FF, or a stray continuation byte
    return 0;
  }
  std::size_t k = 1;
  for (; k < need && i + k < s.size(); ++k) {
    unsigned char c = b(k);
    unsigned char min = (k == 1) ? lo : 0x80, max = (k == 1) ? hi : 0xBF;
    if (c < min || c > max) break;
  }
  if (k == need) return need;
  *subpart = k;
  return 0;
}

bool needs_work(std::string_view text) {
  for (unsigned char c : text)
    if (c >= 0x80 || is_dropped_control(c)) return true;
  return false;
}

}  // namespace

std::string_view sanitize(std::string_view text, std::string& scratch) {
  if (!needs_work(text)) return text;  // plain printable ASCII: the common case
  scratch.clear();
  scratch.reserve(text.size() + 8);
  bool changed = false;
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      if (is_dropped_control(c)) {
        changed = true;
      } else {
        scratch.push_back(static_cast<char>(c));
      }
      ++i;
      continue;
    }
    std::size_t subpart = 0;
    std::size_t len = well_formed_length(text, i, &subpart);
    if (is_c1_control(text, i, len)) {
      i += len;
      changed = true;
    } else if (len) {
      scratch.append(text.substr(i, len));
      i += len;
    } else {
      scratch.append(kReplacement);
      i += subpart;
      changed = true;
    }
  }
  return changed ? std::string_view(scratch) : text;
}

std::string sanitized(std::string_view text) {
  std::string scratch;
  return std::string(sanitize(text, scratch));
}

}  // namespace chat
