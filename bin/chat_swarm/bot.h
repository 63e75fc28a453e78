// Bot: one simulated client. Its connection (a LineStream: descriptor, framing, output), its
// explicit login state machine, and its sending schedule. Bots are owned by the Swarm and
// live until the end of the run, so the ledger can name them in the report.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "bin/chat_swarm/ledger.h"
#include "bin/chat_swarm/scenario.h"
#include "bin/chat_swarm/server_line.h"
#include "bin/chat_swarm/ws_client.h"
#include "reactor/line_stream.h"
#include "reactor/timer_queue.h"
#include "resp/parser.h"

namespace swarm {

enum class BotState : std::uint8_t {
  Connecting,     // TCP handshake in progress
  AwaitPassword,  // waiting for "Password:"
  AwaitName,      // waiting for "Username:"
  AwaitWelcome,   // name sent, waiting for "* Welcome, <name>!"
  Chatting,       // in the room
  Syncing,        // leaving abruptly: waiting for its barrier to come back, then close()
  Leaving,        // sent @sair: reading until the server closes
  Closed,         // done, as planned
  Failed,         // done, with an error counted
};
std::string_view to_string(BotState s);
inline bool is_open(BotState s) { return s != BotState::Closed && s != BotState::Failed; }
inline bool in_room(BotState s) { return s == BotState::Chatting || s == BotState::Syncing || s == BotState::Leaving; }

// The login state machine: what a line that arrives before CHATTING means.
enum class LoginAction {
  Wait,  // nothing to do yet (pipelined: the answer is already on its way)
  SendPassword,
  SendName,
  Ready,  // welcomed: in the room
  Fail,   // `reason` says why
};
struct LoginStep {
  LoginAction action = LoginAction::Wait;
  std::string reason;
};
// Moves `state` on and says what to do. `name` is the bot's own name.
LoginStep login_step(BotState& state, const ServerLine& line, bool pipelined, std::string_view name);

inline constexpr std::size_t kMaxServerLine = 16384;  // 4096 bytes of text plus the server's prefix

struct Bot {
  Bot(BotId id_, std::uint32_t slot_, std::string name_) : id(id_), slot(slot_), name(std::move(name_)) {}

  BotId id;
  std::uint32_t slot;
  std::string name;
  BotState state = BotState::Connecting;
  Departure departure = Departure::Stay;
  bool initial = true;  // connected in the ramp-up (not a churn or login-storm replacement)
  bool saw_bye = false;
  bool reported_slow = false;

  reactor::LineStream stream{kMaxServerLine};  // the descriptor is closed by Swarm::close_socket
  // --proto redis reads replies instead of lines, no longer than a line of chat mode.
  resp::RespParser resp_parser{
      resp::RespLimits{.max_bulk = kMaxServerLine, .max_elements = 1024, .max_depth = 4, .max_reply = kMaxServerLine}};
  bool flush_queued = false;
  // --proto ws: the upgrade's answer until it is complete, then the frame reader.
  bool ws_open = false;
  std::string ws_pending;
  WsFrameReader ws_reader;

  std::uint32_t target = 0;   // which of --targets it connects to
  Proto proto = Proto::Chat;  // what that target speaks
  std::int64_t connect_started_ns = 0;
  std::int64_t name_sent_ns = 0;  // when its name was queued: the claim starts there

  // Sending: the k-th message is meant for send_start_ns + plan.intended_offset_ns(role, k).
  const SlotRole* role = nullptr;
  std::string peer_name;
  std::int64_t send_start_ns = 0;
  std::uint64_t sent = 0;
  bool sending = false;
  std::uint32_t send_generation = 0;  // bumped to cancel the pending send deadline
  std::uint32_t acks = 0;             // closed loop: listeners that have the last message
  reactor::TimerId life_timer;
};

}  // namespace swarm
