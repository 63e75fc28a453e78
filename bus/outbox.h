// Outbox: the entries this node has handed to the log and not yet seen acknowledged,
// bounded in count and bytes, numbered (node, seq). They go out in order whenever the link
// is up and the node holds a lease, again after every reconnect (ChatLog drops what was
// already stored). An entry not appended `deadline` after it arrived is given up: removed,
// reported to its owner (who tells the sender "not delivered"), and never sent later. An
// entry that was on the wire when a connection broke may have been stored: at its deadline
// it is settled with ChatLog::abandon once Redis answers again, and reported written or
// given up accordingly, so the report is never wrong.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "bus/chat_log.h"

namespace bus {

struct OutboxOptions {
  std::size_t max_entries = 10000;
  std::size_t max_bytes = std::size_t{4} << 20;
  std::chrono::milliseconds deadline{5000};
};

struct OutboxEntry {
  std::uint64_t seq = 0;
  EntryFields fields;
  std::size_t bytes = 0;
  reactor::Clock::time_point arrived;
  bool in_flight = false;     // sent on the current connection, reply not yet in
  bool maybe_stored = false;  // was on the wire when a connection broke
  bool doomed = false;        // must not be written with a later fence (give_up_unwritten)
};

class Outbox {
 public:
  // One script call carries at most this much (Redis runs a script to its end: keep each short).
  static constexpr std::size_t kBatchEntries = 64;
  static constexpr std::size_t kBatchBytes = std::size_t{256} << 10;

  Outbox(reactor::EventLoop& loop, BusLink& link, ChatLog& log, std::string node, OutboxOptions options = {});
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // From NodeLease's grant: the token to write with, and the last seq Redis saw from this
  // node name (numbering continues after it). 0 (lease lost): hold everything.
  void set_fence(std::uint64_t fence, std::uint64_t last_seq_seen = 0);

  // Queues an entry; its seq, or nullopt when the outbox is full (count or bytes). Its
  // deadline counts from `arrived` (default: now), for an entry that waited elsewhere first.
  std::optional<std::uint64_t> add(EntryFields fields, std::optional<reactor::Clock::time_point> arrived = {});

  // Appended (or found already stored: `id` is then "").
  void set_on_written(std::function<void(std::uint64_t seq, const std::string& id)> hook) {
    on_written_ = std::move(hook);
  }
  // Given up: not in the log, and it never will be.
  void set_on_given_up(std::function<void(const OutboxEntry&)> hook) { on_given_up_ = std::move(hook); }

  // The lease is gone and the node's users were (or will be) announced gone: nothing queued
  // may be written later under a new fence. Entries not on the wire are given up now, those
  // on the wire when Redis refuses them, and those that may have been stored are settled.
  void give_up_unwritten();

  std::size_t size() const { return entries_.size() + settling_.size(); }
  std::size_t bytes() const { return bytes_; }
  // Entries go out now (link up, lease held): a full outbox then means a store slower than
  // the chat, not one out of reach.
  bool writing() const { return fence_ != 0 && link_.up(); }
  std::uint64_t given_up() const { return given_up_count_; }

 private:
  void send_pending();
  void sent(std::uint64_t seq, std::uint64_t connection, const AppendResult& result);
  void arm_deadline();
  void expire();
  void settle();
  void move_doomed_to_settling();
  std::deque<OutboxEntry>::iterator find(std::uint64_t seq);

  reactor::EventLoop& loop_;
  BusLink& link_;
  ChatLog& log_;
  std::string node_;
  OutboxOptions options_;
  std::deque<OutboxEntry> entries_;  // in seq order
  std::size_t bytes_ = 0;
  std::uint64_t next_seq_ = 1;
  std::uint64_t fence_ = 0;
  bool granted_once_ = false;
  std::uint64_t connection_ = 0;      // changes when the link goes down: replies of the old one are void
  std::deque<OutboxEntry> settling_;  // past their deadline, maybe stored: abandon() decides
  std::uint64_t given_up_count_ = 0;
  reactor::TimerId deadline_timer_;
  reactor::TimerId send_timer_;  // what add() queued goes out at the end of the turn
  std::function<void(std::uint64_t, const std::string&)> on_written_;
  std::function<void(const OutboxEntry&)> on_given_up_;
};

}  // namespace bus
