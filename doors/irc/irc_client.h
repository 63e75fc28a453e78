// IrcClient: what the IRC door keeps per connection: the chat's login state plus IRC's
// registration (PASS, NICK, USER, CAP), which may come in any order.
#pragma once

#include <string>

#include "protocol/login_state.h"

namespace irc {

struct IrcClient {
  chat::LoginState login;
  std::string nick;      // from NICK; once welcomed, the chat name (login.name)
  std::string password;  // from PASS, until registration uses it
  bool has_user = false;
  bool negotiating_caps = false;  // CAP LS or REQ seen, CAP END not yet: registration waits
  bool multi_prefix = false;
  bool welcomed = false;  // 001 and the rest were sent
  bool away = false;
};

}  // namespace irc
