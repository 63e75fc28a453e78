// The server-line parser on arbitrary lines, against format.h: whatever it parses renders
// back to the very same bytes, its views point into the line, its names are valid names;
// and parts drawn from the input, rendered, parse back into themselves.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/format.h"
#include "protocol/server_line.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/protocol/render_server_line.h"

namespace {

using chat::ServerLine;
using chat::ServerLineKind;

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// PROTOCOL.md "Names", written out again rather than taken from names.h.
bool name_ok(std::string_view n) {
  if (n.empty() || n.size() > 24) return false;
  for (char c : n)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return false;
  return true;
}

void check_parse(std::string_view line) {
  ServerLine l = chat::parse_server_line(line);
  for (std::string_view part : {l.stamp, l.author, l.target, l.text})
    FUZZ_CHECK(inside(part, line), "a part does not point into the line");
  FUZZ_CHECK(test_support::render_server_line(l) == line, "rendering the parts does not give the line back");
  bool named =
      l.kind == ServerLineKind::Public || l.kind == ServerLineKind::Private || l.kind == ServerLineKind::PrivateEcho;
  FUZZ_CHECK(named ? name_ok(l.author) : l.author.empty(), "the author is not a name, or is there without one");
  FUZZ_CHECK(l.kind == ServerLineKind::PrivateEcho ? name_ok(l.target) : l.target.empty(), "bad target");
  FUZZ_CHECK(!named || l.stamp.size() == 10, "a chat line without a timestamp");
  FUZZ_CHECK(l.kind != ServerLineKind::Prompt || line == "Password:" || line == "Username:", "a prompt that is not");
}

std::string name_from(fuzz::ByteReader& in) {
  static constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
  std::string out(1 + in.byte() % 24, 'a');
  for (char& c : out) c = kAlphabet[in.byte() % kAlphabet.size()];
  return out;
}

// Parts from the input, rendered by format.h, must parse back into themselves.
void check_render(fuzz::ByteReader& in) {
  std::uint8_t pick = in.byte();
  chat::Timestamp t;
  t.set(in.byte() % 24, in.byte() % 60, in.byte() % 60);
  std::string from = name_from(in), to = name_from(in);
  std::string text(in.bytes(4096));
  ServerLine want{ServerLineKind::Public, t.view().substr(0, 10), from, {}, text};
  reactor::PayloadRef p;
  switch (pick % 5) {
    case 0: p = chat::public_line(t.view(), from, text); break;
    case 1:
      want.kind = ServerLineKind::Private;
      p = chat::private_line(t.view(), from, text);
      break;
    case 2:
      want.kind = ServerLineKind::PrivateEcho;
      want.target = to;
      p = chat::private_echo_line(t.view(), to, from, text);
      break;
    case 3:
      want = {ServerLineKind::Notice, want.stamp, {}, {}, text};
      p = chat::notice_line(t.view(), text);
      break;
    default:
      want = {ServerLineKind::Error, want.stamp, {}, {}, text};
      p = chat::error_line(t.view(), text);
      break;
  }
  std::string_view line = p.view().substr(0, p.size() - 1);
  ServerLine got = chat::parse_server_line(line);
  FUZZ_CHECK(got.kind == want.kind, "a rendered line parses as another kind");
  FUZZ_CHECK(got.stamp == want.stamp && got.author == want.author && got.target == want.target && got.text == want.text,
             "a rendered line parses into other parts");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check_parse(std::string_view(reinterpret_cast<const char*>(data), size));
  fuzz::ByteReader in(data, size);
  check_render(in);
  return 0;
}
