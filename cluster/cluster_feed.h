// ClusterFeed: the core's room-wide events into the chat's log (through the Outbox), never
// straight to anyone: ClusterRoom delivers them when the log is read back, on every node
// alike. A line the log never stored (the outbox was full, or Redis stayed away past the
// deadline) is reported to its sender, "not delivered", and is never delivered later. A line
// whose author's name is being claimed again (a new lease, one round trip) waits here, in
// order, until the claim decides: into the log after the author's join, or not delivered.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "bus/outbox.h"
#include "cluster/log_event.h"
#include "protocol/room.h"
#include "protocol/room_feed.h"
#include "reactor/event_loop.h"

namespace cluster {

// Whether a member may speak: Now (its name is confirmed under the node's current lease),
// Soon (it is being claimed again under that lease: its lines wait), or Refused (no lease:
// the others may have been told it disconnected).
enum class Speech { Now, Soon, Refused };

class ClusterFeed final : public chat::RoomFeed {
 public:
  // A line waits at most `deadline` (from its arrival) for its author's name; at most
  // kMaxHeldLines or `max_held_bytes` (at least kMaxHeldBytes) wait at once.
  static constexpr std::size_t kMaxHeldLines = 1024;
  static constexpr std::size_t kMaxHeldBytes = std::size_t{1} << 20;

  // Hooks the outbox's written and given-up reports.
  ClusterFeed(reactor::EventLoop& loop, bus::Outbox& outbox, chat::Room& room, std::string node,
              std::chrono::milliseconds deadline, std::size_t max_held_bytes = kMaxHeldBytes);
  ~ClusterFeed() override;
  ClusterFeed(const ClusterFeed&) = delete;
  ClusterFeed& operator=(const ClusterFeed&) = delete;

  // Nothing to write: ClusterNames put the join in the log when Redis granted the name, and
  // the core welcomes the user when that join is read back, at its place in the order.
  void joined(chat::ClientId /*id*/, std::string_view /*name*/) override {}
  void said(chat::ClientId id, std::string_view name, std::string_view text, std::string_view rich) override;
  void whispered(chat::ClientId from, std::string_view from_name, chat::ClientId to, std::string_view to_name,
                 std::string_view text, std::string_view rich) override;
  void departed(chat::ClientId id, std::string_view name, chat::EventKind kind, chat::Departure why) override;
  // The log decides: ClusterRoom answers "not connected" at the line's turn if nobody has
  // that name then.
  bool decides_unknown_recipients() const override { return true; }
  // A leaver hears its Bye at its leave's place in the log (ClusterRoom reads it back:
  // leave_read_back), when the log gave up on it, or when the reader can no longer read it
  // (log_skipped, log_lost): `on_departure_settled` runs once for each.
  bool departs_later() const override { return true; }
  void set_on_departure_settled(std::function<void(chat::ClientId)> hook) { on_departure_settled_ = std::move(hook); }
  void leave_read_back(chat::ClientId id);
  // The reader skipped entries (a gap): leaves already stored count as read. Redis lost the
  // log: every leave on its way is settled.
  void log_skipped();
  void log_lost();
  // `id` has left and waits for its leave (its name must not be claimed again meanwhile).
  bool leaving(chat::ClientId id) const { return leaving_.contains(id); }

  // Any event, for a node writing on another's behalf (a dead node's departures) or ahead
  // of the core (a join, written when Redis grants the name). False when the outbox is
  // full; else `verdict`, if given, hears once whether the log stored it.
  bool publish(const LogEvent& event, std::function<void(bool written)> verdict = {});
  // Runs `then` once every entry published so far is written or given up (at once if none
  // is pending): a name is freed only after its holder's departure is in the log.
  void after_pending(std::function<void()> then);

  // Whether a member may speak (ClusterNames::speech). Default: always.
  void set_speech(std::function<Speech(chat::ClientId)> check) { speech_ = std::move(check); }
  // `id`'s name was claimed again: its waiting lines go to the log, in order (after its
  // join, published before this). `refuse_held`: it was not (taken, gone, lease lost).
  void speak_held(chat::ClientId id);
  void refuse_held(chat::ClientId id);
  void refuse_all_held();
  std::size_t held() const { return held_.size(); }
  // Runs before the feed tells anyone anything (the server refreshes its clock there).
  void set_before_telling(std::function<void()> hook) { before_telling_ = std::move(hook); }

  std::uint64_t not_delivered() const { return not_delivered_; }
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Author {
    chat::ClientId id;
    std::string start;  // the start of the line, to quote
  };
  struct HeldLine {
    chat::ClientId author;
    bus::EntryFields fields;
    std::string start;
    std::size_t bytes;
    reactor::Clock::time_point arrived;
  };
  LogEvent event_of(LogKind kind, chat::ClientId id, std::string_view name) const;
  void line(const LogEvent& event, chat::ClientId author);
  void write_line(chat::ClientId author, bus::EntryFields fields, std::string start,
                  std::optional<reactor::Clock::time_point> arrived);
  void hold(chat::ClientId author, bus::EntryFields fields, std::string start);
  void refuse_held_if(const std::function<bool(const HeldLine&)>& which);
  void arm_held_deadline();
  void tell_not_delivered(chat::ClientId id, std::string_view start,
                          chat::Undelivered why = chat::Undelivered::Reconnecting);
  void settled(std::uint64_t seq);
  void tell_verdict(std::uint64_t seq, bool written);

  reactor::EventLoop& loop_;
  bus::Outbox& outbox_;
  chat::Room& room_;
  std::string node_;
  std::chrono::milliseconds deadline_;
  std::size_t max_held_bytes_;
  std::deque<HeldLine> held_;  // in arrival order
  std::size_t held_bytes_ = 0;
  reactor::TimerId held_timer_;
  std::set<std::uint64_t> pending_;                                        // published, not yet written or given up
  std::unordered_map<std::uint64_t, Author> lines_;                        // seq -> whom to tell if it is given up
  std::unordered_map<std::uint64_t, std::function<void(bool)>> verdicts_;  // seq -> who waits for its fate
  std::deque<std::pair<std::uint64_t, std::function<void()>>> after_;      // (last seq it waits for, then)
  std::uint64_t not_delivered_ = 0;
  std::function<Speech(chat::ClientId)> speech_;
  std::function<void()> before_telling_;
  std::function<void(chat::ClientId)> on_departure_settled_;
  std::unordered_map<chat::ClientId, bool> leaving_;  // leavers waiting for their leave -> stored yet
  void settle_leave(chat::ClientId id);
};

}  // namespace cluster
