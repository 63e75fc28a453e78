// Test helper: a parsed server line written again with format.h's own functions (without the
// '\n'), so tests can check that parsing and rendering are one grammar read both ways.
#pragma once

#include <string>
#include <string_view>

#include "protocol/format.h"
#include "protocol/server_line.h"

namespace test_support {

inline std::string render_server_line(const chat::ServerLine& l) {
  using chat::ServerLineKind;
  std::string stamp;
  if (!l.stamp.empty()) {
    stamp = l.stamp;
    stamp += ' ';
  }
  auto marked = [&](std::string_view marker) {  // "* text" and "! text" before CHATTING
    std::string s(marker);
    s += l.text;
    return chat::plain_line(s);
  };
  reactor::PayloadRef p;
  switch (l.kind) {
    case ServerLineKind::Public: p = chat::public_line(stamp, l.author, l.text); break;
    case ServerLineKind::Private: p = chat::private_line(stamp, l.author, l.text); break;
    case ServerLineKind::PrivateEcho: p = chat::private_echo_line(stamp, l.target, l.author, l.text); break;
    case ServerLineKind::Notice: p = stamp.empty() ? marked("* ") : chat::notice_line(stamp, l.text); break;
    case ServerLineKind::Error: p = stamp.empty() ? marked("! ") : chat::error_line(stamp, l.text); break;
    case ServerLineKind::Prompt:
    case ServerLineKind::Other: {
      std::string whole = stamp;
      whole += l.text;
      p = chat::plain_line(whole);
      break;
    }
  }
  std::string_view v = p.view();
  v.remove_suffix(1);  // the '\n'
  return std::string(v);
}

}  // namespace test_support
