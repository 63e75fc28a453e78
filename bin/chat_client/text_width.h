// UTF-8 decoding and terminal column widths: what the line editor needs to move by
// characters and to know where on screen the cursor lands.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace chat_client {

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Bytes in the UTF-8 sequence that `lead` starts: 1-4, or 0 when `lead` cannot start one
// (a continuation byte or 0xF8-0xFF).
std::size_t utf8_sequence_length(unsigned char lead);

// Decodes the code point starting at `pos`. A malformed, overlong, surrogate or truncated
// sequence yields U+FFFD with `length` 1, so a caller always makes progress.
char32_t decode_utf8(std::string_view text, std::size_t pos, std::size_t& length);

void append_utf8(std::string& out, char32_t cp);

// Columns a code point occupies on a terminal: 0 for combining marks and other zero-width
// characters, 2 for East Asian wide characters and most emoji, 1 otherwise. A small fixed
// table, so the result does not depend on the locale.
int column_width(char32_t cp);

// Columns of a UTF-8 text on screen; ANSI escape sequences (ESC [ ... final) take none.
int text_columns(std::string_view text);

}  // namespace chat_client
