// ClusterNode: one chat-server node's part in a cluster (docs/SCALING.md). It owns the
// Redis side (a command link with the node's lease, the name table, the log and its
// outbox; a second link that follows the log) and the chat side (ClusterFeed, the core's
// way into the log; ClusterNames, its name registry; ClusterRoom, the Room as the log tells
// it). The server hands the core feed() and names(); everything else happens here: the
// lease and its loss, reaping dead nodes' names, lost Redis state, the log's gaps.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/chat_log.h"
#include "bus/log_reader.h"
#include "bus/name_table.h"
#include "bus/node_lease.h"
#include "bus/outbox.h"
#include "cluster/cluster_feed.h"
#include "cluster/cluster_names.h"
#include "cluster/cluster_room.h"
#include "protocol/room.h"
#include "reactor/event_loop.h"

namespace cluster {

struct ClusterOptions {
  std::vector<reactor::SocketAddress> redis;
  std::string password;  // AUTH, when Redis has requirepass
  std::string node;      // must satisfy bus::valid_node_name
  std::string prefix = "chat:";
  std::chrono::milliseconds lease{5000};
  std::chrono::milliseconds renew_every{1000};
  std::chrono::milliseconds reap_every{500};
  std::chrono::milliseconds claim_patience{5000};
  // A Redis connection with a command unanswered this long is dropped and made again (the
  // log reader's XREAD BLOCK gets its block time on top).
  std::chrono::milliseconds answer_timeout{3000};
  bus::OutboxOptions outbox;  // its deadline is the "not delivered" one; bytes: see max_line
  // The server's: the outbox and the lines waiting for their author's name hold a few of
  // the longest lines at least, whatever their byte bounds say.
  std::size_t max_line = 4096;
  std::uint64_t log_length = 100000;
};

struct ClusterStats {
  std::uint64_t written = 0;  // entries this node put in the log
  std::uint64_t read = 0;     // entries it read back
  std::uint64_t gaps = 0;     // times it fell behind the trimmed log
  std::int64_t lag_ms = 0;    // its own last entry: appended -> read back
  std::uint64_t reconnects = 0;
  std::chrono::microseconds round_trip{0};
  std::size_t outbox = 0;  // entries waiting for the log
  std::uint64_t not_delivered = 0;
  std::size_t remote_members = 0;
  std::uint64_t leases_lost = 0;
  std::uint64_t states_lost = 0;
};

class ClusterNode {
 public:
  // Hooks for the server: a member whose name went to someone else (tell the door).
  ClusterNode(reactor::EventLoop& loop, chat::Room& room, ClusterOptions options);
  ~ClusterNode();
  ClusterNode(const ClusterNode&) = delete;
  ClusterNode& operator=(const ClusterNode&) = delete;

  void start();
  // A clean stop: once every entry is written (or given up) the lease is released; `done`
  // runs after. The caller has already disconnected its clients (their departures queued).
  void stop(std::function<void()> done);

  chat::RoomFeed& feed() { return feed_; }
  chat::NameRegistry& names() { return names_; }
  void set_on_name_lost(std::function<void(chat::ClientId)> hook) { names_.set_on_lost(std::move(hook)); }
  // A leaver's leave is read back (or was given up): ChatCore::departure_settled.
  void set_on_departure_settled(std::function<void(chat::ClientId)> hook) {
    feed_.set_on_departure_settled(std::move(hook));
  }
  // Fired when the lease is held and the log is being followed: the node is part of the chat.
  void set_on_ready(std::function<void()> hook) { on_ready_ = std::move(hook); }
  // Runs before anything read from Redis reaches a client (the server's clock: timestamps).
  void set_before_telling(std::function<void()> hook) {
    before_telling_ = hook;
    feed_.set_before_telling(std::move(hook));
  }
  bool ready() const { return lease_.state() == bus::NodeLease::State::Held && reader_ready_; }
  const std::string& node() const { return options_.node; }
  ClusterStats stats() const;

 private:
  void granted(std::uint64_t fence, std::uint64_t last_seq);
  void lease_lost(std::string_view why);
  void entry(const bus::LogEntry& e);
  void state_lost(std::string_view why);
  void gap(std::uint64_t missed);
  void reap();
  void seed();
  void tell_everyone(const chat::ChatEvent& event);
  void check_ready();

  reactor::EventLoop& loop_;
  chat::Room& room_;
  ClusterOptions options_;
  bus::BusKeys keys_;
  bus::BusLink link_;
  bus::NodeLease lease_;
  bus::NameTable table_;
  bus::ChatLog log_;
  bus::Outbox outbox_;
  bus::LogReader reader_;
  ClusterRoom cluster_room_;
  ClusterFeed feed_;
  ClusterNames names_;
  reactor::TimerId reap_timer_;
  bool reader_ready_ = false;
  bool stopping_ = false;
  bool was_ready_ = false;
  std::uint64_t leases_lost_ = 0;
  std::uint64_t states_lost_ = 0;
  std::function<void()> on_ready_;
  std::function<void()> before_telling_;
};

}  // namespace cluster
