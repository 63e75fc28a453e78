// One IRC line parsed into views of itself (RFC 1459/2812, Modern IRC, IRCv3 message tags):
// [@tags ][:prefix ]COMMAND params [:trailing]. No allocation; errors are values.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace irc {

// The message without its tags, CRLF included, whether the peer sent CRLF, LF or nothing.
inline constexpr std::size_t kMaxLineBytes = 512;
// The tag section, its leading '@' and the space after it included (IRCv3 message-tags).
inline constexpr std::size_t kMaxTagBytes = 8191;
inline constexpr std::size_t kMaxParams = 15;
// Longer than any command IRC defines; longer ones are refused rather than copied.
inline constexpr std::size_t kMaxCommandLength = 32;

enum class ParseStatus {
  Ok,
  Empty,         // nothing but spaces: IRC ignores it silently
  LineTooLong,   // the non-tag part is over kMaxLineBytes
  TagsTooLong,   // the tag section is over kMaxTagBytes
  BadCharacter,  // NUL, CR or LF anywhere but the final CRLF or LF
  BadTags,       // '@' without a well-formed tag list
  BadPrefix,     // ':' without a prefix
  NoCommand,     // tags or a prefix, then nothing
  BadCommand,    // not letters, not three digits, or longer than kMaxCommandLength
};

std::string_view to_string(ParseStatus status);

struct ParseResult;

struct Message {
  std::string_view tags;         // raw tag list, without '@'; read with TagReader
  std::string_view prefix;       // without ':'
  std::string_view raw_command;  // as sent, for a 421 reply
  std::array<std::string_view, kMaxParams> params{};
  std::size_t param_count = 0;
  // The last parameter was written as a trailing one (after ':'), so it may be empty or hold spaces.
  bool has_trailing = false;

  // The command in upper case (numerics as their three digits).
  std::string_view command() const { return {command_upper_.data(), command_length_}; }
  std::string_view param(std::size_t i) const { return i < param_count ? params[i] : std::string_view(); }

 private:
  friend ParseResult parse_message(std::string_view line);
  std::array<char, kMaxCommandLength> command_upper_{};
  std::size_t command_length_ = 0;
};

struct ParseResult {
  ParseStatus status = ParseStatus::Empty;
  Message message;  // meaningful when status is Ok; raw_command also for BadCommand
};

// `line` is one line, with or without its final LF or CRLF. The views point into `line`.
ParseResult parse_message(std::string_view line);

// A tag key: [+][vendor/]name, the vendor a host name, the name letters, digits and '-'.
bool is_valid_tag_key(std::string_view key);

struct Tag {
  std::string_view key;
  std::string_view raw_value;  // still escaped; empty when there is no '=' or nothing after it
};

// Walks a parsed message's tag list (already validated by parse_message).
class TagReader {
 public:
  explicit TagReader(std::string_view tags) : rest_(tags) {}
  // False when no tag is left.
  bool next(Tag& tag);

 private:
  std::string_view rest_;
};

// The value with IRCv3's escapes (\: \s \\ \r \n) undone: `raw` itself when it has none,
// else a view of `scratch`. A backslash before anything else stands for that thing; a lone
// final backslash is dropped, as the specification says.
std::string_view unescape_tag_value(std::string_view raw, std::string& scratch);
// The reverse, appended to `out`.
void append_escaped_tag_value(std::string& out, std::string_view value);

}  // namespace irc
