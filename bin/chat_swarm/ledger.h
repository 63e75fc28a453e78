// Ledger: who sent what, who received what, and who was owed what. It decides, from the
// swarm's own observations alone, which deliveries the server owed (docs/LOAD_TESTING.md,
// "Truth rules"), and counts lost, duplicated, reordered and unexpected deliveries.
//
// Ticks are a logical clock: one process, one thread, so "observed before written" is exact.
// Two facts carry all the reasoning:
//  - a line the swarm received was processed by the server before the tick it was read at;
//  - a line the swarm writes is processed by the server after the tick it was queued at.
// With several nodes (--targets) "the server" of the first fact is the receiver's node: a
// line one node delivered may not have reached another node's clients yet, so where a bound
// rests on a witness (a join, a departure) only a witness on the bot's own node counts.
#pragma once

#include <cstdint>
#include <vector>

#include "bin/chat_swarm/seq_set.h"

namespace swarm {

using Tick = std::uint64_t;
using BotId = std::uint32_t;
using Seq = std::uint32_t;

inline constexpr Tick kNever = UINT64_MAX - 1;  // the event did not happen
inline constexpr Tick kForever = UINT64_MAX;    // stayed in the room until the end of the run

// Whom a sender's messages are for.
enum class Audience : std::uint8_t {
  None,  // sends nothing
  Room,  // public lines: everyone in the room but the sender
  Peer,  // private lines to one bot; the sender gets an echo of each
};

// How a message arrived.
enum class Channel : std::uint8_t { Public, Private, Echo };

enum class Receipt : std::uint8_t {
  Fresh,       // first copy, in order
  Late,        // first copy, but after a later message of the same sender (reordered)
  Duplicate,   // a second copy
  Unexpected,  // never sent, or on a channel it was not sent on
};

struct StreamProblem {
  BotId receiver = 0;
  BotId sender = 0;
  std::uint64_t expected = 0;
  std::uint64_t lost = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t reordered = 0;
  std::uint64_t unexpected = 0;
  std::vector<SeqRange> missing;  // the first few missing sequence ranges
};

struct Tally {
  std::uint64_t sent = 0;          // messages written by the swarm
  std::uint64_t expected = 0;      // deliveries the server owed
  std::uint64_t delivered = 0;     // distinct deliveries received that it may have owed
  std::uint64_t lost = 0;          // expected - delivered
  std::uint64_t duplicates = 0;    // extra copies
  std::uint64_t reordered = 0;     // copies that arrived after a later message of their sender
  std::uint64_t unexpected = 0;    // deliveries the server could not have owed
  std::uint64_t not_required = 0;  // possibly owed (membership changing), not received: no fault
  std::uint64_t problem_streams = 0;
  std::vector<StreamProblem> problems;  // the first few streams with a fault
};

// A stretch of the run (in ns since it began) that a tally may be limited to: the messages
// queued in [from_ns, to_ns).
struct TimeSlice {
  std::int64_t from_ns = INT64_MIN;
  std::int64_t to_ns = INT64_MAX;
};

class Ledger {
 public:
  BotId add_bot();
  std::size_t bots() const { return bots_.size(); }
  // How many nodes the bots are dealt over (default 1); before anything is sent.
  void set_nodes(std::uint16_t count) { nodes_ = count == 0 ? 1 : count; }
  // The node a bot is connected to, 0 .. nodes - 1; before it receives anything.
  void set_node(BotId bot, std::uint16_t node) { bots_[bot].node = node < nodes_ ? node : 0; }

  void set_audience(BotId sender, Audience audience, BotId peer = 0);
  // Whether this sender's private messages come back to it (chat-server's line and web
  // doors: yes, the default; IRC: no). Set before it sends.
  void set_private_echo(BotId sender, bool echo) { bots_[sender].private_echo = echo; }
  // The bot queued its name line.
  void join_requested(BotId bot, Tick t);
  // The bot received its welcome: it was in the room from then on.
  void welcomed(BotId bot, Tick t);
  // The bot queued `@sair`, or the barrier it waits for before closing: every message any
  // bot received before `t` is owed to it, and it reads everything the server sends before
  // acting on that line.
  void leave_initiated(BotId bot, Tick t);
  // Some bot saw this bot's departure (its Bye, a "left"/"disconnected" notice), or it
  // stopped reading: messages queued after `t` can no longer be owed to it.
  void departure_seen(BotId bot, Tick t);
  // The bot's connection ended without being asked to: nothing beyond what it received can
  // be owed to it, and of what it sent only what someone received surely reached the server.
  void vanished(BotId id);
  bool has_vanished(BotId bot) const { return bots_[bot].vanished; }

  // Records a message queued by `sender`; returns its sequence number (0, 1, ...).
  Seq record_send(BotId sender, Tick t, std::int64_t queued_ns);
  std::uint64_t sent_by(BotId sender) const { return bots_[sender].sent.size(); }
  std::int64_t queued_ns(BotId sender, Seq q) const { return bots_[sender].sent[q].queued_ns; }
  // The message's place among all messages of the run, in the order they were queued.
  std::uint32_t run_order(BotId sender, Seq q) const { return bots_[sender].sent[q].run_order; }

  Receipt record_receipt(BotId receiver, BotId sender, Seq q, Channel channel, Tick t);

  // Draining: once the senders have stopped, how many (receiver, sender) streams still wait
  // for the sender's last message at receivers that stay to the end.
  void begin_drain();
  std::uint64_t drain_pending() const { return drain_pending_; }

  // The verdict; problems lists at most `problem_limit` streams. With `bots` (a target's
  // share: bots[id] is true for its bots), only what they sent and what was owed to them.
  // With `slice`, only the messages queued in it: expected, delivered, lost and not_required
  // (duplicates, reordering and strays are counted over the whole run only).
  Tally tally(std::size_t problem_limit = 10, const std::vector<bool>* bots = nullptr,
              const TimeSlice* slice = nullptr) const;

 private:
  struct Message {
    Tick queued;
    Tick witnessed;  // first receipt by anyone, kNever if none
    std::int64_t queued_ns;
    std::uint32_t run_order;
  };
  struct Stream {
    BotId sender;
    SeqSet got;
    std::uint32_t duplicates = 0;
    std::uint32_t reordered = 0;
  };
  struct Bot {
    Audience audience = Audience::None;
    BotId peer = 0;
    Tick join_requested = kNever;
    Tick welcomed = kNever;
    Tick leave = kForever;
    Tick departure_seen = kNever;
    bool vanished = false;
    bool private_echo = true;
    bool drain_counted = false;
    std::uint32_t drain_outstanding = 0;
    std::uint16_t node = 0;
    std::vector<Message> sent;
    // With several nodes: the first receipt of each message on each node (sent.size() x
    // nodes_, message-major), kNever where nobody on that node has it.
    std::vector<Tick> witnessed_on;
    std::vector<Stream> streams;  // as a receiver, sorted by sender
  };
  struct Ranges;

  static bool may_receive(const Bot& sender, BotId sender_id, BotId receiver, Channel channel);
  bool owes_last(BotId receiver, BotId sender) const;
  static Stream& stream(Bot& receiver, BotId sender);
  static const Stream* find_stream(const Bot& receiver, BotId sender);

  std::vector<Bot> bots_;
  std::uint16_t nodes_ = 1;
  std::uint32_t messages_ = 0;
  std::uint64_t unexpected_ = 0;  // receipts rejected at once (never sent, wrong channel)
  bool draining_ = false;
  std::uint64_t drain_pending_ = 0;
};

}  // namespace swarm
