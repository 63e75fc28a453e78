// The command parser on arbitrary lines: the kind follows from the first word alone (ASCII
// case ignored), blanks around the line change nothing, and every view points into the line.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/command.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/text_oracle.h"

namespace {

using chat::Command;
using chat::CommandKind;

using fuzz_oracle::blank;
using fuzz_oracle::lower;
using fuzz_oracle::trimmed;

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// The kind PROTOCOL.md "Commands" gives a line, decided from its first word only.
CommandKind expected_kind(std::string_view line) {
  std::string_view body = trimmed(line);
  if (body.empty()) return CommandKind::Empty;
  if (body.front() != '@') return CommandKind::Public;
  std::size_t end = 0;
  while (end < body.size() && !blank(body[end])) ++end;
  std::string word = lower(body.substr(0, end));
  if (word == "@sair" || word == "@quit") return CommandKind::Quit;
  if (word == "@usuarios" || word == "@users") return CommandKind::Users;
  if (word == "@ajuda" || word == "@help") return CommandKind::Help;
  if (word == "@privado" || word == "@msg" || word.rfind("@privado:", 0) == 0) return CommandKind::Private;
  return CommandKind::Unknown;
}

void check(std::string_view line) {
  Command cmd = chat::parse_command(line);
  FUZZ_CHECK(inside(cmd.target, line) && inside(cmd.text, line), "a view points outside the line");
  CommandKind want = expected_kind(line);
  if (want == CommandKind::Private) {
    FUZZ_CHECK(cmd.kind == CommandKind::Private || cmd.kind == CommandKind::PrivateUsage, "not a private command");
  } else {
    FUZZ_CHECK(cmd.kind == want, "wrong command kind");
  }
  switch (cmd.kind) {
    case CommandKind::Public:
      FUZZ_CHECK(cmd.text.data() == line.data() && cmd.text.size() == line.size(), "public text is not the line");
      break;
    case CommandKind::Private:
      FUZZ_CHECK(!cmd.target.empty(), "private without a target");
      for (char c : cmd.target) FUZZ_CHECK(!blank(c), "blank inside the target");
      FUZZ_CHECK(!cmd.text.empty() && !blank(cmd.text.front()) && !blank(cmd.text.back()),
                 "private text is empty or not trimmed");
      FUZZ_CHECK(cmd.text.data() >= cmd.target.data() + cmd.target.size(), "text before the target");
      break;
    case CommandKind::PrivateUsage:
      for (char c : cmd.target) FUZZ_CHECK(!blank(c), "blank inside the target");
      break;
    case CommandKind::Unknown: {
      std::string_view body = trimmed(line);
      FUZZ_CHECK(cmd.target.data() == body.data() && !cmd.target.empty() && cmd.target.front() == '@',
                 "unknown command's word is not the first word");
      for (char c : cmd.target) FUZZ_CHECK(!blank(c), "blank inside the unknown word");
      break;
    }
    default: break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  check(line);

  // Blanks around the line and the case of its letters do not change what it is.
  Command plain = chat::parse_command(line);
  std::string padded = " \t" + std::string(line) + "\t ";
  Command pad = chat::parse_command(padded);
  FUZZ_CHECK(pad.kind == plain.kind, "surrounding blanks change the kind");
  if (plain.kind != CommandKind::Public) {
    FUZZ_CHECK(pad.target == plain.target && pad.text == plain.text, "surrounding blanks change the command");
  }
  std::string upper(line);
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  FUZZ_CHECK(chat::parse_command(upper).kind == plain.kind, "letter case changes the kind");
  check(padded);
  return 0;
}
