// The table of well-formed byte sequences of the Unicode Standard (table 3-7), byte by byte.
#include "doors/web/utf8_validator.h"

namespace web {

bool Utf8Validator::feed(std::string_view bytes) {
  for (char ch : bytes) {
    if (failed_) return false;
    auto b = static_cast<std::uint8_t>(ch);
    if (needed_ > 0) {
      if (b < low_ || b > high_) {
        failed_ = true;
        return false;
      }
      low_ = 0x80;
      high_ = 0xBF;
      --needed_;
      continue;
    }
    if (b < 0x80) continue;
    if (b >= 0xC2 && b <= 0xDF) {
      needed_ = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      needed_ = 2;
      if (b == 0xE0) low_ = 0xA0;
      if (b == 0xED) high_ = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      needed_ = 3;
      if (b == 0xF0) low_ = 0x90;
      if (b == 0xF4) high_ = 0x8F;
    } else {
      failed_ = true;
    }
  }
  return !failed_;
}

}  // namespace web
