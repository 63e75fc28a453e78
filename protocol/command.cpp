// Command parser. Command words are matched ignoring ASCII case (`@SAIR` works too).
#include "protocol/command.h"

#include "protocol/text.h"

namespace chat {
namespace {

// Splits off the first blank-separated word; `rest` keeps what follows, leading blanks removed.
std::string_view first_word(std::string_view s, std::string_view& rest) {
  std::size_t end = 0;
  while (end < s.size() && !is_blank(s[end])) ++end;
  rest = s.substr(end);
  while (!rest.empty() && is_blank(rest.front())) rest.remove_prefix(1);
  return s.substr(0, end);
}

Command private_command(std::string_view target_and_text) {
  std::string_view text;
  std::string_view target = first_word(target_and_text, text);
  if (target.empty() || trim_blanks(text).empty()) return {CommandKind::PrivateUsage, target, {}};
  return {CommandKind::Private, target, text};
}

constexpr std::string_view kPrivatePrefix = "@privado:";

}  // namespace

Command parse_command(std::string_view line) {
  std::string_view body = trim_blanks(line);
  if (body.empty()) return {CommandKind::Empty, {}, {}};
  if (body.front() != '@') return {CommandKind::Public, {}, line};

  std::string_view rest;
  std::string_view word = first_word(body, rest);
  if (word.size() >= kPrivatePrefix.size() && iequals(word.substr(0, kPrivatePrefix.size()), kPrivatePrefix)) {
    std::string_view glued = word.substr(kPrivatePrefix.size());
    if (glued.empty()) return private_command(rest);  // "@privado: bob hi"
    // "@privado:bob hi": the target is glued to the command word.
    return private_command(body.substr(kPrivatePrefix.size()));
  }
  if (iequals(word, "@privado") || iequals(word, "@msg")) return private_command(rest);
  if (iequals(word, "@sair") || iequals(word, "@quit")) return {CommandKind::Quit, {}, {}};
  if (iequals(word, "@usuarios") || iequals(word, "@users")) return {CommandKind::Users, {}, {}};
  if (iequals(word, "@ajuda") || iequals(word, "@help")) return {CommandKind::Help, {}, {}};
  return {CommandKind::Unknown, word, {}};
}

}  // namespace chat
