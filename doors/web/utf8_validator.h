// An incremental UTF-8 validator (RFC 3629: no overlongs, no surrogates, nothing above
// U+10FFFF) for text messages that arrive in pieces: it fails on the first byte that no
// valid continuation could rescue, not at the end of the message.
#pragma once

#include <cstdint>
#include <string_view>

namespace web {

class Utf8Validator {
 public:
  // False once the bytes so far cannot begin valid UTF-8; it stays false.
  bool feed(std::string_view bytes);
  // True when the bytes so far are valid and end on a character boundary.
  bool complete() const { return !failed_ && needed_ == 0; }
  bool failed() const { return failed_; }
  void reset() { *this = Utf8Validator{}; }

 private:
  std::uint8_t needed_ = 0;  // continuation bytes still due for the current character
  // The range the next continuation byte must fall in (narrower than 80..BF only right after
  // E0, ED, F0 and F4, which is what excludes overlongs, surrogates and > U+10FFFF).
  std::uint8_t low_ = 0x80;
  std::uint8_t high_ = 0xBF;
  bool failed_ = false;
};

}  // namespace web
