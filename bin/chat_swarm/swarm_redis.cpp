// --proto redis: the same bots speaking Redis pub/sub, so one tool measures chat-server and
// redis-server alike. A listener SUBSCRIBEs to one channel (its confirmation is its
// "welcome"); a sender PUBLISHes on a connection of its own, since a subscribed connection
// cannot publish. Message bodies, the ledger and the latency accounting are chat mode's.
#include "bin/chat_swarm/swarm.h"
#include "resp/writer.h"

namespace swarm {
namespace {

using resp::RespItem;
using resp::RespReply;
using resp::RespType;

std::string excerpt(std::string_view s) {
  std::string out(s.substr(0, 60));
  if (s.size() > 60) out += "...";
  return out;
}

bool is_bulk(const RespItem& item, std::string_view text) { return item.type == RespType::Bulk && item.text == text; }

// "*3 subscribe <channel> :n" or "*3 message <channel> <payload>".
bool is_push(const RespReply& r, std::string_view kind, std::string_view channel) {
  return r.top.type == RespType::Array && r.items.size() == 3 && is_bulk(r.items[0], kind) &&
         is_bulk(r.items[1], channel);
}

std::string describe(const RespReply& r) {
  switch (r.top.type) {
    case RespType::Array: {
      std::string out = "array of " + std::to_string(r.items.size());
      if (!r.items.empty() && r.items[0].type == RespType::Bulk) out += " (" + excerpt(r.items[0].text) + ")";
      return out;
    }
    case RespType::Integer: return "integer";
    case RespType::Null: return "null";
    case RespType::NullArray: return "null array";
    default: return excerpt(r.top.text);
  }
}

}  // namespace

void Swarm::redis_connected(Bot& bot) {
  set_state(bot, BotState::AwaitWelcome);
  loop_->set_interest(bot.stream.fd(), reactor::kReadable);
  if (bot.role->listens) {
    scratch_.clear();
    resp::append_command(scratch_, {"SUBSCRIBE", channel_});
    queue_line(bot, scratch_);
    ledger_.join_requested(bot.id, tick());
    return;
  }
  // A publisher has nothing to wait for: it is "in the room" once connected.
  read_ns_ = now_ns();
  set_state(bot, BotState::Chatting);
  became_ready(bot, tick());
}

void Swarm::queue_publish(Bot& bot, std::string_view payload) {
  std::string command;
  command.reserve(payload.size() + channel_.size() + 40);
  resp::append_command(command, {"PUBLISH", channel_, payload});
  queue_line(bot, command);
}

void Swarm::redis_reply(Bot& bot, const resp::RespReply& reply) {
  Tick t = tick();
  if (reply.top.type == resp::RespType::Error) {
    if (bot.state == BotState::AwaitWelcome) {
      fail(bot, "refused: " + excerpt(reply.top.text));
    } else {
      count_error("server error: " + excerpt(reply.top.text));
    }
    return;
  }
  if (!bot.role->listens) {
    // PUBLISH answers with how many subscribers got the message; the listeners' own counts
    // are what matter, so the number is only checked for being one.
    if (reply.top.type != resp::RespType::Integer) count_error("unexpected reply to PUBLISH: " + describe(reply));
    return;
  }
  if (bot.state == BotState::AwaitWelcome) {
    if (!is_push(reply, "subscribe", channel_) || reply.items[2].type != resp::RespType::Integer) {
      fail(bot, "unexpected reply to SUBSCRIBE: " + describe(reply));
      return;
    }
    set_state(bot, BotState::Chatting);
    became_ready(bot, t);
    return;
  }
  if (!is_push(reply, "message", channel_) || reply.items[2].type != resp::RespType::Bulk) {
    count_error("unexpected reply while subscribed: " + describe(reply));
    return;
  }
  accept_message(bot, reply.items[2].text, kNoBot, Channel::Public, t);
}

}  // namespace swarm
