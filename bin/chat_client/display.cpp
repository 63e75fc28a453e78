// Display: styling server lines and classifying what the user typed (see display.h).
#include "bin/chat_client/display.h"

#include <cctype>
#include <cstdint>
#include <initializer_list>
#include <iterator>

namespace chat_client {
namespace {

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kOwnName = "\x1b[1;32m";  // bold green: you
constexpr std::string_view kPrivate = "\x1b[35m";    // magenta
constexpr std::string_view kPrivateTag = "\x1b[1;35m";
constexpr std::string_view kNotice = "\x1b[36m";   // cyan
constexpr std::string_view kError = "\x1b[1;31m";  // bold red
// Other people's names: colours not used for the kinds above, chosen by the name.
constexpr std::string_view kNameColors[] = {"\x1b[1;33m", "\x1b[1;34m", "\x1b[1;93m",
                                            "\x1b[1;94m", "\x1b[1;37m", "\x1b[1;96m"};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::string_view name_color(std::string_view name) {
  std::uint32_t hash = 2166136261u;  // FNV-1a over the lower-cased name: stable per person
  for (char c : name)
    hash = (hash ^ static_cast<unsigned char>(std::tolower(static_cast<unsigned char>(c)))) * 16777619u;
  return kNameColors[hash % std::size(kNameColors)];
}

// Appends the pieces in one style. (Pieces rather than a concatenated string: GCC 12 warns
// falsely about `"<" + std::string(name) + ">"`, PR 105651.)
void paint(std::string& out, std::string_view style, std::initializer_list<std::string_view> pieces, bool color) {
  if (color) out += style;
  for (std::string_view piece : pieces) out += strip_controls(piece);
  if (color) out += kReset;
}

void stamp_prefix(std::string& out, std::string_view stamp, bool color) {
  if (stamp.empty()) return;
  paint(out, kDim, {stamp}, color);
  out += ' ';
}

}  // namespace

std::string styled(const ServerLine& line, bool color) {
  std::string out;
  stamp_prefix(out, line.stamp, color);
  switch (line.kind) {
    case LineKind::Public:
      paint(out, name_color(line.author), {"<", line.author, ">"}, color);
      out += ' ';
      out += strip_controls(line.text);
      break;
    case LineKind::Private:
      paint(out, kPrivateTag, {"[private]"}, color);
      out += ' ';
      paint(out, kPrivateTag, {"<", line.author, ">"}, color);
      out += ' ';
      paint(out, kPrivate, {line.text}, color);
      break;
    case LineKind::PrivateEcho:
      paint(out, kPrivate, {"[private to ", line.target, "] <", line.author, ">"}, color);
      out += ' ';
      out += strip_controls(line.text);
      break;
    case LineKind::Notice: paint(out, kNotice, {"* ", line.text}, color); break;
    case LineKind::Error: paint(out, kError, {"! ", line.text}, color); break;
    case LineKind::Prompt:
    case LineKind::Other: out += strip_controls(line.text); break;
  }
  return out;
}

std::string own_line(std::string_view stamp, std::string_view name, std::string_view text, bool color) {
  std::string out;
  stamp_prefix(out, stamp, color);
  paint(out, kOwnName, {"<", name, ">"}, color);
  out += ' ';
  out += strip_controls(text);
  return out;
}

std::string error_text(std::string_view text, bool color) {
  std::string out;
  paint(out, kError, {text}, color);
  return out;
}

std::string strip_controls(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      continue;
    } else if (c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      ++i;  // U+0080-U+009F: C1 controls, which some terminals obey like ESC sequences
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

UserLine classify_user_line(std::string_view line) {
  auto first = line.find_first_not_of(" \t");
  if (first == std::string_view::npos) return UserLine::Blank;
  if (line[first] != '@') return UserLine::Public;
  std::string_view word = line.substr(first);
  word = word.substr(0, word.find_first_of(" \t"));
  std::string lower;
  for (char c : word) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "@sair" || lower == "@quit" ? UserLine::Quit : UserLine::Command;
}

std::string_view welcome_name(std::string_view text) {
  constexpr std::string_view kWelcome = "Welcome, ";
  if (!starts_with(text, kWelcome)) return {};
  std::string_view rest = text.substr(kWelcome.size());
  auto bang = rest.find('!');
  return bang == std::string_view::npos ? std::string_view() : rest.substr(0, bang);
}

}  // namespace chat_client
