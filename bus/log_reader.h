// LogReader: follows the chat's stream on its own connection (an XREAD BLOCK holds the
// connection, so nothing else can share it) and hands out entries in stream order. After a
// reconnect it resumes from the last id it handed out, never from "now". It reports a gap
// (entries trimmed before it read them: their numbers n are missing) and lost state (Redis
// came back empty or from an older snapshot: the cluster epoch changed, or the stream ends
// before what was already read).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/chat_log.h"

namespace bus {

struct LogEntry {
  std::string id;       // the stream entry's: the entries of one append call share it
  std::uint64_t n = 0;  // its number in the log: 1, 2, 3...
  std::string node;
  std::uint64_t seq = 0;
  std::int64_t wall_ms = 0;  // the writer's clock when it appended
  EntryFields fields;        // the caller's own fields
};

struct LogReaderOptions {
  std::chrono::milliseconds block{1000};
  // COUNT per XREAD: stream entries, each an append call's (up to 64 chat entries or about
  // 256 KiB: Outbox, or one longer entry). A reply can still break the link's
  // RespLimits::max_reply when its entries hold long lines: the connection is then lost,
  // and the reader asks for half as many on the next one, down to one stream entry (which
  // the limits must hold), and twice as many again after each reply that arrived.
  std::size_t batch = 64;
  // On the very first connect: true reads everything the log still holds; false starts
  // after its last entry (read atomically, so nothing appended later is missed).
  bool from_start = false;
  std::string own_node;  // entries of this node count into the lag
};

class LogReader {
 public:
  LogReader(reactor::EventLoop& loop, std::vector<reactor::SocketAddress> redis, BusKeys keys,
            LogReaderOptions options = {}, BusLinkOptions link_options = {});
  LogReader(const LogReader&) = delete;
  LogReader& operator=(const LogReader&) = delete;

  void start() { link_.start(); }
  void stop() { link_.stop(); }

  void set_on_entry(std::function<void(const LogEntry&)> hook) { on_entry_ = std::move(hook); }
  // `missed` entries were trimmed before this reader got them.
  void set_on_gap(std::function<void(std::uint64_t missed)> hook) { on_gap_ = std::move(hook); }
  // Redis lost what the cluster had written. The reader goes on from the new log's start
  // when Redis came back empty (all of it was written since), else after its current end.
  void set_on_state_lost(std::function<void(std::string_view why)> hook) { on_state_lost_ = std::move(hook); }
  // The first connection's check passed: entries follow (for owners and tests that wait).
  void set_on_ready(std::function<void()> hook) { on_ready_ = std::move(hook); }

  const std::string& last_id() const { return last_id_; }
  std::uint64_t entries_read() const { return read_; }
  std::uint64_t gaps() const { return gaps_; }
  std::int64_t last_lag_ms() const { return last_lag_ms_; }
  BusLink& link() { return link_; }
  const BusLink& link() const { return link_; }

 private:
  void check_state();
  void checked(const std::string& epoch, const std::string& end_id, std::uint64_t end_n);
  void read_more();
  void deliver(const resp::RespReply& reply);
  void deliver(const LogEntry& entry);

  BusLink link_;
  BusKeys keys_;
  LogReaderOptions options_;
  std::string my_epoch_;  // what this reader offers with SET NX
  std::string epoch_;     // the cluster's, as first seen; "" before
  std::string last_id_ = "0-0";
  std::uint64_t last_n_ = 0;
  bool positioned_ = false;  // last_id_ is a real position (not yet on the first connect)
  std::uint64_t connection_ = 0;
  std::size_t count_ = 1;  // COUNT of the next XREAD: options_.batch, less after a lost connection
  std::uint64_t read_ = 0;
  std::uint64_t gaps_ = 0;
  std::int64_t last_lag_ms_ = 0;
  std::function<void(const LogEntry&)> on_entry_;
  std::function<void(std::uint64_t)> on_gap_;
  std::function<void(std::string_view)> on_state_lost_;
  std::function<void()> on_ready_;
};

// "a-b" stream ids compared as numbers; false when either is malformed.
bool stream_id_less(std::string_view a, std::string_view b);

}  // namespace bus
