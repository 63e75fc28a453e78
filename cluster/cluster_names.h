// ClusterNames: the cluster's name space for the core (chat::NameRegistry over bus::NameTable).
// A claim goes to Redis with this node's fence; while the node holds no lease (starting,
// reconnecting) claims wait, and one still waiting after `patience` is answered Unavailable
// (the user is told and asked again, the connection stays). A granted name is not the
// answer yet: the user's join goes into the log, and the claim is answered when this node
// reads that join back, so the welcome (and its list of who is online) sits at the join's
// place in the one order. A name reaped on the way from a dead node is announced as that
// user's departure before the newcomer's join. A name is released only once its holder's
// departure is in the log.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <unordered_map>

#include "bus/name_table.h"
#include "cluster/cluster_feed.h"
#include "cluster/cluster_room.h"
#include "protocol/name_registry.h"
#include "reactor/event_loop.h"

namespace cluster {

class ClusterNames final : public chat::NameRegistry {
 public:
  ClusterNames(reactor::EventLoop& loop, bus::NameTable& table, ClusterRoom& room, ClusterFeed& feed, std::string node,
               std::chrono::milliseconds patience);
  ~ClusterNames() override;
  ClusterNames(const ClusterNames&) = delete;
  ClusterNames& operator=(const ClusterNames&) = delete;

  void claim(chat::ClientId id, std::string_view name, std::function<void(chat::NameAnswer)> done) override;
  void cancel(chat::ClientId id) override;
  void release(chat::ClientId id, std::string_view name) override;
  // Its join is in the log: the others hear it go (a disconnect), then the name is freed.
  void discard(chat::ClientId id, std::string_view name) override;

  // The node's lease token: 0 while it holds none (claims wait). A new token after a lost
  // lease claims every held name again; `on_lost(id)` runs for each one someone else got.
  // A claim that failed with its connection is made again when the table's link is back
  // (the lease may have survived: no new grant would).
  void set_fence(std::uint64_t fence);
  void set_on_lost(std::function<void(chat::ClientId)> hook) { on_lost_ = std::move(hook); }
  // A user of a dead node, reaped (by a claim or the reaper): its departure goes in the log.
  void announce_gone(const bus::NameEntry& gone);
  // This node's join for `id` was read back from the log (ClusterRoom::set_on_own_join).
  void joined(chat::ClientId id);
  // An earlier claim of `id`'s name took it after Redis lost its state (ClusterRoom read the
  // join that says so): a user chatting under it is told and asked for another
  // (`on_lost`), one whose join is still on its way is answered Taken.
  void displaced(chat::ClientId id, std::string_view name);
  // The log reader skipped entries (a gap): a join it may have skipped counts as read
  // once it is known to be stored. `lost` (Redis lost the log): joins on their way are
  // gone; their users are answered Unavailable and asked again.
  void log_skipped();
  void log_lost();

  // Now: `id` holds its name under the current lease. Soon: it is being claimed again under
  // it (its lines wait in the feed until the claim decides). Refused: no lease, or no name.
  Speech speech(chat::ClientId id) const {
    auto it = held_.find(id);
    if (fence_ == 0 || it == held_.end()) return Speech::Refused;
    return it->second.grant == grant_ ? Speech::Now : Speech::Soon;
  }
  std::size_t held_count() const { return held_.size(); }
  std::size_t waiting() const { return waiting_.size(); }
  std::size_t joining() const { return joining_.size(); }
  // Claim round trips, for the stats: how many and how long in total.
  std::uint64_t claims() const { return claims_; }
  std::chrono::microseconds claim_time() const { return claim_time_; }

 private:
  struct Waiting {
    chat::ClientId id;
    std::string name;
    std::function<void(chat::NameAnswer)> done;
    reactor::Clock::time_point since;
  };
  struct Held {
    std::string name;
    std::uint64_t fence;  // what it was claimed with (for the release)
    std::uint64_t grant;  // under which of this node's leases (fences repeat after Redis lost its state)
    std::uint64_t since;  // when it was first claimed (Redis's clock): the earlier claim keeps a name
    std::uint64_t logs;   // logs_lost_ when it was claimed: only a name held across a lost state
                          // is claimed again with its time (a node merely cut off lost it)
  };
  // Granted, its join on the way to the log and back.
  struct Joining {
    std::string name;
    std::uint64_t fence;
    std::uint64_t grant;
    std::uint64_t since;
    std::function<void(chat::NameAnswer)> done;
    std::uint64_t ticket;    // tells this claim's verdict from an earlier one's of the same id
    bool written = false;    // the log stored the join
    bool cancelled = false;  // the user left meanwhile
  };
  void ask(Waiting w);
  void granted(Waiting w, std::uint64_t fence, std::uint64_t grant, std::uint64_t since);
  void join_verdict(chat::ClientId id, std::uint64_t ticket, bool written);
  void withdraw(chat::ClientId id, const Joining& j);
  void release_later(std::string name, std::uint64_t fence);
  void reclaim(chat::ClientId id, const Held& held);
  void reclaim_stale();
  void expire_waiting();
  bus::NameEntry entry_for(chat::ClientId id, std::string_view name, std::uint64_t since = 0) const;

  reactor::EventLoop& loop_;
  bus::NameTable& table_;
  ClusterRoom& room_;
  ClusterFeed& feed_;
  std::string node_;
  std::chrono::milliseconds patience_;
  std::uint64_t fence_ = 0;
  std::uint64_t grant_ = 0;  // counts the leases granted to this node
  std::deque<Waiting> waiting_;
  std::unordered_map<chat::ClientId, Joining> joining_;
  std::uint64_t next_ticket_ = 0;
  std::uint64_t logs_lost_ = 0;  // times Redis lost the chat's state
  std::unordered_map<chat::ClientId, Held> held_;
  reactor::TimerId patience_timer_;
  static constexpr std::chrono::milliseconds kRetryAfter{1000};  // a re-claim Redis answered with an error
  reactor::TimerId retry_timer_;
  std::function<void(chat::ClientId)> on_lost_;
  std::uint64_t claims_ = 0;
  std::chrono::microseconds claim_time_{0};
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);  // replies after destruction do nothing
};

}  // namespace cluster
