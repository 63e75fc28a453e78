// ClusterRoom: the local Room as the chat's log describes it. Members of other nodes are
// Room members too (so names, @usuarios, the welcome and @privado see the whole cluster),
// under ids no connection ever has, in a dialect that renders nothing: the Room's fan-out
// skips them for the price of one call per broadcast. Entries are applied in log order, and
// a node hands its own members only what it reads back, its own clients' lines included.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bus/name_table.h"
#include "cluster/log_event.h"
#include "protocol/dialect.h"
#include "protocol/room.h"

namespace cluster {

// Members of other nodes: this generation (the connection table counts from 1 and would
// need four billion reuses of one slot to reach it).
inline constexpr std::uint32_t kRemoteGeneration = 0xFFFFFFFFu;
inline bool is_remote(chat::ClientId id) { return id.generation() == kRemoteGeneration; }

class ClusterRoom {
 public:
  ClusterRoom(chat::Room& room, std::string node) : room_(room), node_(std::move(node)) {}

  void apply(const LogEvent& event);
  // Runs when a join this node wrote is read back, before the others hear of it: the
  // user's welcome belongs at that place in the log (ClusterNames::joined).
  void set_on_own_join(std::function<void(chat::ClientId)> hook) { on_own_join_ = std::move(hook); }
  // The same for a leave this node wrote: the leaver's Bye belongs there.
  void set_on_own_leave(std::function<void(chat::ClientId)> hook) { on_own_leave_ = std::move(hook); }
  // A join that displaced one of this node's users (the earlier claim keeps a name after
  // Redis lost its state): ClusterNames::displaced, before the others hear of it.
  void set_on_displaced(std::function<void(chat::ClientId, std::string_view)> hook) { on_displaced_ = std::move(hook); }
  // The name table's view, when this node starts or its log reader lost track: every name
  // held on another node becomes a member (present ones are kept).
  void seed(const std::vector<bus::NameEntry>& names);
  // Redis was granted `name` to this node: a member of another node still holding it here
  // is stale (its departure is on its way through the log) and goes now, silently.
  void forget_remote_named(std::string_view name);
  // The log lost its state: nobody elsewhere is known any more until they claim again.
  void forget_all_remote();

  std::size_t remote_members() const { return remote_.size(); }

 private:
  class Silent final : public chat::Dialect {
    reactor::PayloadRef render(const chat::ChatEvent&) override { return {}; }
  };
  static std::string remote_key(std::string_view owner, std::uint64_t client);
  // False when a local member has the name (Redis decided for it: the entry is stale).
  bool add_remote(std::string_view owner, std::uint64_t client, std::string_view name);
  void remove_remote(std::string_view owner, std::uint64_t client);
  bool is_mine(const LogEvent& e) const { return e.owner == node_; }
  // A claim an earlier one displaced: its node, its id there, the name's key, when it was
  // claimed. Its join (if later in the log) is nothing, and so is whatever it says or its
  // departure, wherever it falls after the displacing join.
  struct Displaced {
    std::string owner;
    std::uint64_t client;
    std::string key;
    std::uint64_t since;
  };
  // The member the join `e` displaced goes (if here under that name), and the others hear it
  // disconnect; the claim is remembered either way.
  void displace(const LogEvent& e);
  std::deque<Displaced>::iterator find_displaced(const LogEvent& e);
  static constexpr std::size_t kDisplacedKept = 1024;

  chat::Room& room_;
  std::string node_;
  Silent silent_;
  std::unordered_map<std::string, chat::ClientId> remote_;  // "owner|client" -> its id here
  std::uint32_t next_slot_ = 0;
  std::function<void(chat::ClientId)> on_own_join_;
  std::function<void(chat::ClientId)> on_own_leave_;
  std::function<void(chat::ClientId, std::string_view)> on_displaced_;
  std::deque<Displaced> displaced_;  // the latest kDisplacedKept
};

}  // namespace cluster
