// Outgoing IRC lines: sizes first, then one allocation, as protocol/format.cpp does.
#include "doors/irc/irc_writer.h"

#include "doors/irc/irc_message.h"

namespace irc {

namespace {

using reactor::PayloadBuilder;
using reactor::PayloadRef;

constexpr std::string_view kLineBreakers("\0\r\n", 3);

// Copies `piece`, turning every byte that would end or corrupt the line into a space.
void append_clean(PayloadBuilder& b, std::string_view piece) {
  if (piece.empty()) return;  // an empty view may hold no pointer, which memcpy must not get
  if (piece.find_first_of(kLineBreakers) == std::string_view::npos) {
    b.append(piece);
    return;
  }
  for (char c : piece) b.append(kLineBreakers.find(c) == std::string_view::npos ? c : ' ');
}

PayloadRef build(std::string_view prefix, std::string_view command, const std::string_view* middles, std::size_t count,
                 std::optional<std::string_view> trailing) {
  constexpr std::size_t budget = kMaxLineBytes - 2;  // CRLF
  // Prefixes and commands are the server's own and short; cut rather than overflow all the same.
  command = command.substr(0, budget);
  if (!prefix.empty()) prefix = prefix.substr(0, budget - command.size() < 2 ? 0 : budget - command.size() - 2);
  std::size_t used = (prefix.empty() ? 0 : prefix.size() + 2) + command.size();
  std::size_t kept = 0;
  while (kept < count && used + 1 + middles[kept].size() <= budget) used += 1 + middles[kept++].size();
  std::optional<std::string_view> tail;
  if (trailing && kept == count && used + 2 <= budget) {
    tail = trailing->substr(0, utf8_cut(*trailing, budget - used - 2));
    used += 2 + tail->size();
  }
  PayloadBuilder b(used + 2);
  if (!prefix.empty()) {
    b.append(':');
    append_clean(b, prefix);
    b.append(' ');
  }
  append_clean(b, command);
  for (std::size_t i = 0; i < kept; ++i) {
    b.append(' ');
    append_clean(b, middles[i]);
  }
  if (tail) {
    b.append(" :");
    append_clean(b, *tail);
  }
  b.append("\r\n");
  return b.finish();
}

}  // namespace

std::size_t utf8_cut(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return text.size();
  auto continuation = [&](std::size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
  // text[limit] is the first byte left out; if it continues a sequence, that sequence goes too.
  std::size_t cut = limit;
  for (int back = 0; back < 3 && cut > 0 && continuation(cut); ++back) --cut;
  return continuation(cut) ? limit : cut;  // not UTF-8 there: any byte boundary will do
}

PayloadRef write_line(std::string_view prefix, std::string_view command,
                      std::initializer_list<std::string_view> middles, std::optional<std::string_view> trailing) {
  return build(prefix, command, middles.begin(), middles.size(), trailing);
}

PayloadRef numeric_line(std::string_view server, Numeric code, std::string_view nick, const std::string_view* params,
                        std::size_t count) {
  const char digits[3] = {static_cast<char>('0' + static_cast<int>(code) / 100 % 10),
                          static_cast<char>('0' + static_cast<int>(code) / 10 % 10),
                          static_cast<char>('0' + static_cast<int>(code) % 10)};
  std::array<std::string_view, kMaxParams> middles{};
  std::size_t n = 0;
  middles[n++] = nick;
  for (std::size_t i = 0; i + 1 < count && n < kMaxParams - 1; ++i) middles[n++] = params[i];
  const std::optional<std::string_view> trailing =
      count == 0 ? std::nullopt : std::optional<std::string_view>(params[count - 1]);
  return build(server, std::string_view(digits, 3), middles.data(), n, trailing);
}

}  // namespace irc
