// LoginState: where one client is in the login state machine (PROTOCOL.md "States").
#pragma once

#include <string>
#include <string_view>

namespace chat {

class Dialect;

enum class State {
  AwaitPassword,
  AwaitName,
  ClaimingName,  // a name was offered and the registry has not answered yet
  Chatting,
  Leaving,  // left (@sair, QUIT) and still in the room until the feed has the leave (a cluster)
  Gone,     // said @sair, failed the password or was refused: no more lines are taken
};

inline std::string_view to_string(State s) {
  switch (s) {
    case State::AwaitPassword: return "AWAIT_PASSWORD";
    case State::AwaitName: return "AWAIT_NAME";
    case State::ClaimingName: return "CLAIMING_NAME";
    case State::Chatting: return "CHATTING";
    case State::Leaving: return "LEAVING";
    case State::Gone: return "GONE";
  }
  return "?";
}

struct LoginState {
  State state = State::AwaitPassword;
  std::string name;            // the name being claimed, then held (ClaimingName, Chatting)
  Dialect* dialect = nullptr;  // the door's: how this client sees events (set on connect)
};

}  // namespace chat
