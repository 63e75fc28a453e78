// One connection to Redis that stays up: a RespClient that reconnects after every loss with
// Backoff, and measures the round trip (a PING on every connect and then every few
// seconds). Owners learn of each connection's start and end through hooks and re-issue
// their work on up; every callback of a lost connection has already run with Disconnected.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/backoff.h"
#include "reactor/event_loop.h"
#include "reactor/socket.h"
#include "resp/client.h"

namespace bus {

struct BusLinkOptions {
  resp::RespClientOptions client;
  std::chrono::milliseconds backoff_first{50};
  std::chrono::milliseconds backoff_cap{2000};
  std::chrono::milliseconds ping_every{2000};  // 0: only on connect
  std::uint64_t seed = 1;
};

class BusLink {
 public:
  BusLink(reactor::EventLoop& loop, std::vector<reactor::SocketAddress> redis, BusLinkOptions options = {});
  ~BusLink();
  BusLink(const BusLink&) = delete;
  BusLink& operator=(const BusLink&) = delete;

  void start();
  void stop();  // closes; no hook runs after
  // The next attempt happens now, not after the backoff delay (an owner that learns Redis
  // is back, or a test).
  void reconnect_now();

  resp::RespClient& client() { return client_; }
  bool up() const { return client_.ready(); }

  // Several owners share one link: each adds its hooks, run in the order added.
  void add_on_up(std::function<void()> hook) { on_up_.push_back(std::move(hook)); }
  void add_on_down(std::function<void(std::string_view why)> hook) { on_down_.push_back(std::move(hook)); }

  std::uint64_t reconnects() const { return reconnects_; }  // connections made after the first
  std::chrono::microseconds last_round_trip() const { return round_trip_; }

 private:
  void attempt();
  void lost(std::string_view why);
  void ping();

  reactor::EventLoop& loop_;
  std::vector<reactor::SocketAddress> redis_;
  BusLinkOptions options_;
  resp::RespClient client_;
  Backoff backoff_;
  reactor::TimerId retry_;
  reactor::TimerId ping_timer_;
  bool running_ = false;
  bool ever_up_ = false;
  std::uint64_t reconnects_ = 0;
  std::chrono::microseconds round_trip_{0};
  std::vector<std::function<void()>> on_up_;
  std::vector<std::function<void(std::string_view)>> on_down_;
};

}  // namespace bus
