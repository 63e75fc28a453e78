// The same bot through the web door (--proto ws): the upgrade to a WebSocket on /ws with the
// chat.line subprotocol, then each text message is one line of the line protocol both ways,
// so everything else (login, truth accounting, departures) is the line door's.
#include "bin/chat_swarm/swarm.h"

namespace swarm {

void Swarm::ws_connected(Bot& bot) {
  set_state(bot, BotState::AwaitPassword);
  loop_->set_interest(bot.stream.fd(), reactor::kReadable);
  queue_raw(bot, ws_upgrade_request(servers_[bot.target].text));
}

void Swarm::ws_bytes(Bot& bot, std::string_view bytes) {
  if (!bot.ws_open) {
    bot.ws_pending.append(bytes);
    std::string error;
    switch (ws_take_handshake(bot.ws_pending, error)) {
      case WsHandshake::Incomplete: return;
      case WsHandshake::Refused: fail(bot, error); return;
      case WsHandshake::Done: break;
    }
    bot.ws_open = true;
    if (options_.pipeline) {
      queue_line(bot, options_.password + "\n" + bot.name + "\n");
      bot.name_sent_ns = now_ns();
      if (bot.role->listens) ledger_.join_requested(bot.id, tick());
    }
    std::string rest = std::move(bot.ws_pending);
    bot.ws_pending.clear();
    if (!rest.empty()) ws_bytes(bot, rest);
    return;
  }
  bool ok = bot.ws_reader.feed(bytes, [this, &bot](std::uint8_t opcode, std::string_view payload) {
    switch (opcode) {
      case 0x1:
        while (!payload.empty() && (payload.back() == '\n' || payload.back() == '\r')) payload.remove_suffix(1);
        handle_line(bot, payload);
        break;
      case 0x9: {
        std::string pong;
        ws_append_masked(pong, 0xA, payload, 0x5A5A5A5Au ^ bot.id);
        queue_raw(bot, pong);
        break;
      }
      default: break;  // close: the server ends the connection next, and ended() decides what that means
    }
    return bot.stream.attached();
  });
  if (!ok && bot.stream.attached()) fail(bot, "bad WebSocket frame: " + bot.ws_reader.error());
}

void Swarm::queue_ws_lines(Bot& bot, std::string_view lines) {
  std::string frames;
  while (!lines.empty()) {
    std::size_t nl = lines.find('\n');
    ws_append_masked(frames, 0x1, lines.substr(0, nl), 0x5A5A5A5Au ^ bot.id);
    lines = nl == std::string_view::npos ? std::string_view() : lines.substr(nl + 1);
  }
  queue_raw(bot, frames);
}

}  // namespace swarm
