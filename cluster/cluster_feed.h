// ClusterFeed: the core's room-wide events into the chat's log (through the Outbox), never
// straight to anyone: ClusterRoom delivers them when the log is read back, on every node
// alike. A line the log never stored (the outbox was full, or Redis stayed away past the
// deadline) is reported to its sender, "not delivered", and is never delivered later.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>

#include "bus/outbox.h"
#include "cluster/log_event.h"
#include "protocol/room.h"
#include "protocol/room_feed.h"

namespace cluster {

class ClusterFeed final : public chat::RoomFeed {
 public:
  // Hooks the outbox's written and given-up reports.
  ClusterFeed(bus::Outbox& outbox, chat::Room& room, std::string node);

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

  // Whether a member may speak now: not while its name is not confirmed under the node's
  // current lease (the others may have been told it disconnected). Default: always.
  void set_can_speak(std::function<bool(chat::ClientId)> check) { can_speak_ = std::move(check); }
  // Runs before the feed tells anyone anything (the server refreshes its clock there).
  void set_before_telling(std::function<void()> hook) { before_telling_ = std::move(hook); }

  std::uint64_t not_delivered() const { return not_delivered_; }
  std::size_t pending() const { return pending_.size(); }

 private:
  struct Author {
    chat::ClientId id;
    std::string start;  // the start of the line, to quote
  };
  LogEvent event_of(LogKind kind, chat::ClientId id, std::string_view name) const;
  void line(const LogEvent& event, chat::ClientId author);
  void tell_not_delivered(chat::ClientId id, std::string_view start);
  void settled(std::uint64_t seq);
  void tell_verdict(std::uint64_t seq, bool written);

  bus::Outbox& outbox_;
  chat::Room& room_;
  std::string node_;
  std::set<std::uint64_t> pending_;                                        // published, not yet written or given up
  std::unordered_map<std::uint64_t, Author> lines_;                        // seq -> whom to tell if it is given up
  std::unordered_map<std::uint64_t, std::function<void(bool)>> verdicts_;  // seq -> who waits for its fate
  std::deque<std::pair<std::uint64_t, std::function<void()>>> after_;      // (last seq it waits for, then)
  std::uint64_t not_delivered_ = 0;
  std::function<bool(chat::ClientId)> can_speak_;
  std::function<void()> before_telling_;
  std::function<void(chat::ClientId)> on_departure_settled_;
  std::unordered_map<chat::ClientId, bool> leaving_;  // leavers waiting for their leave -> stored yet
  void settle_leave(chat::ClientId id);
};

}  // namespace cluster
