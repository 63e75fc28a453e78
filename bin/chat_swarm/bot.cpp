// The bot's login state machine: AwaitPassword -> AwaitName -> AwaitWelcome -> Chatting.
#include "bin/chat_swarm/bot.h"

namespace swarm {

std::string_view to_string(BotState s) {
  switch (s) {
    case BotState::Connecting: return "connecting";
    case BotState::AwaitPassword: return "await-password";
    case BotState::AwaitName: return "await-name";
    case BotState::AwaitWelcome: return "await-welcome";
    case BotState::Chatting: return "chatting";
    case BotState::Syncing: return "syncing";
    case BotState::Leaving: return "leaving";
    case BotState::Closed: return "closed";
    case BotState::Failed: return "failed";
  }
  return "?";
}

LoginStep login_step(BotState& state, const ServerLine& line, bool pipelined, std::string_view name) {
  auto fail = [&](std::string reason) {
    state = BotState::Failed;
    return LoginStep{LoginAction::Fail, std::move(reason)};
  };
  if (line.kind == LineKind::Refusal) return fail("refused: " + std::string(line.text));
  if (line.kind == LineKind::PlainNotice) return fail("server notice while logging in: " + std::string(line.text));
  switch (state) {
    case BotState::AwaitPassword:
      if (line.kind != LineKind::PasswordPrompt) break;
      state = BotState::AwaitName;
      return {pipelined ? LoginAction::Wait : LoginAction::SendPassword, {}};
    case BotState::AwaitName:
      if (line.kind != LineKind::NamePrompt) break;
      state = BotState::AwaitWelcome;
      return {pipelined ? LoginAction::Wait : LoginAction::SendName, {}};
    case BotState::AwaitWelcome: {
      if (line.kind != LineKind::Notice) break;
      Notice n = parse_notice(line.text);
      if (n.kind != NoticeKind::Welcome || n.name != name) break;
      state = BotState::Chatting;
      return {LoginAction::Ready, {}};
    }
    default: break;
  }
  return fail("unexpected line while in " + std::string(to_string(state)));
}

}  // namespace swarm
