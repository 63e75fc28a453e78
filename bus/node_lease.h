// NodeLease: this node's claim to be alive, with a fence. Registering takes a new token
// from a counter (INCR) and stores it as the lease (SET node:<name> token PX lease); the
// lease is renewed about every second by a script that renews only while the stored token
// is still ours. Every write the node makes elsewhere (names, log) carries the token, and
// Redis refuses it once the lease is gone, so a node frozen past its lease cannot write.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/bus_script.h"

namespace bus {

struct NodeLeaseOptions {
  std::chrono::milliseconds lease{5000};
  std::chrono::milliseconds renew_every{1000};
};

class NodeLease {
 public:
  enum class State : std::uint8_t { Idle, Registering, Held, Lost, Released };

  // `node` must satisfy valid_node_name().
  NodeLease(reactor::EventLoop& loop, BusLink& link, BusKeys keys, std::string node, NodeLeaseOptions options = {});
  ~NodeLease();  // as a crash: timers stop, nothing is released (the lease expires)
  NodeLease(const NodeLease&) = delete;
  NodeLease& operator=(const NodeLease&) = delete;

  // Registers (again, after a loss: a new token). Retries while Redis is unreachable.
  void start();
  // Releases the lease at once if it is still ours (clean stop); `done` runs after.
  void release(std::function<void()> done = nullptr);

  // Granted: the token, and the highest log sequence Redis has seen from this node name,
  // so a restarted node numbers its entries after it (ChatLog's idempotency key).
  void set_on_granted(std::function<void(std::uint64_t fence, std::uint64_t last_seq)> hook) {
    on_granted_ = std::move(hook);
  }
  // The lease is gone: Redis said the token is no longer ours, or no renewal was confirmed
  // for a whole lease (so it may have expired). Writes with the old token will be refused.
  void set_on_lost(std::function<void(std::string_view why)> hook) { on_lost_ = std::move(hook); }

  State state() const { return state_; }
  std::uint64_t fence() const { return fence_; }
  const std::string& node() const { return node_; }

 private:
  void try_register();
  void renew();
  void lose(std::string_view why);

  reactor::EventLoop& loop_;
  BusLink& link_;
  BusKeys keys_;
  std::string node_;
  NodeLeaseOptions options_;
  BusScript register_script_;
  BusScript renew_script_;
  BusScript release_script_;
  State state_ = State::Idle;
  std::uint64_t fence_ = 0;
  std::uint64_t attempt_ = 0;  // changes on every start/release/loss: stale replies are ignored
  reactor::Clock::time_point confirmed_until_{};
  reactor::TimerId timer_;
  std::function<void(std::uint64_t, std::uint64_t)> on_granted_;
  std::function<void(std::string_view)> on_lost_;
};

}  // namespace bus
