// Swarm message text: writing it and checking every byte of it on receipt.
#include "bin/chat_swarm/message.h"

#include <charconv>

namespace swarm {
namespace {

constexpr std::string_view kTag = "swarm s=";
constexpr std::string_view kPattern = "abcdefghijklmnopqrstuvwxyz0123456789";

char pad_char(Seq seq, std::size_t i) { return kPattern[(seq + i) % kPattern.size()]; }

template <class Int>
bool take_number(std::string_view& text, std::string_view prefix, Int& out) {
  if (text.substr(0, prefix.size()) != prefix) return false;
  text.remove_prefix(prefix.size());
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || end == text.data()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

}  // namespace

void append_message(std::string& out, const MessageHeader& h, std::size_t size) {
  std::size_t start = out.size();
  out += kTag;
  out += std::to_string(h.sender);
  out += " q=";
  out += std::to_string(h.seq);
  out += " t=";
  out += std::to_string(h.intended_ns);
  std::size_t header = out.size() - start;
  if (size <= header) return;
  out += ' ';
  for (std::size_t i = 0; i + header + 1 < size; ++i) out += pad_char(h.seq, i);
}

MessageCheck parse_message(std::string_view text, std::size_t size, MessageHeader& out) {
  if (text.substr(0, kTag.size()) != kTag) return MessageCheck::NotSwarm;
  std::string_view rest = text;
  if (!take_number(rest, kTag, out.sender) || !take_number(rest, " q=", out.seq) ||
      !take_number(rest, " t=", out.intended_ns) || out.intended_ns < 0)
    return MessageCheck::Corrupt;
  std::size_t header = text.size() - rest.size();
  std::size_t want = size > header ? size : header;
  if (text.size() != want) return MessageCheck::Corrupt;
  if (rest.empty()) return MessageCheck::Ok;
  if (rest[0] != ' ') return MessageCheck::Corrupt;
  rest.remove_prefix(1);
  for (std::size_t i = 0; i < rest.size(); ++i)
    if (rest[i] != pad_char(out.seq, i)) return MessageCheck::Corrupt;
  return MessageCheck::Ok;
}

}  // namespace swarm
