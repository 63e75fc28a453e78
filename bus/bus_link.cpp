// BusLink: reconnect with backoff, round-trip pings (see bus_link.h).
#include "bus/bus_link.h"

namespace bus {

BusLink::BusLink(reactor::EventLoop& loop, std::vector<reactor::SocketAddress> redis, BusLinkOptions options)
    : loop_(loop),
      redis_(std::move(redis)),
      options_(std::move(options)),
      client_(loop, options_.client),
      backoff_(options_.backoff_first, options_.backoff_cap, options_.seed) {
  client_.set_on_connect([this] {
    backoff_.reset();
    if (ever_up_) ++reconnects_;
    ever_up_ = true;
    ping();
    for (const auto& hook : on_up_) hook();
  });
  client_.set_on_disconnect([this](std::string_view why) { lost(why); });
}

BusLink::~BusLink() { stop(); }

void BusLink::start() {
  running_ = true;
  attempt();
}

void BusLink::stop() {
  running_ = false;
  loop_.cancel_timer(retry_);
  loop_.cancel_timer(ping_timer_);
  client_.close();
}

void BusLink::reconnect_now() {
  if (!running_ || client_.state() != resp::RespClient::State::Idle) return;
  loop_.cancel_timer(retry_);
  attempt();
}

void BusLink::attempt() { client_.connect(redis_); }

void BusLink::lost(std::string_view why) {
  loop_.cancel_timer(ping_timer_);
  for (const auto& hook : on_down_) hook(why);
  if (!running_ || client_.state() != resp::RespClient::State::Idle) return;  // the hook reconnected or stopped
  retry_ = loop_.add_timer(backoff_.next(), [this] { attempt(); });
}

void BusLink::ping() {
  const auto sent = std::chrono::steady_clock::now();
  client_.command({"PING"}, [this, sent](const resp::RespResult& r) {
    if (r.status != resp::RespStatus::Ok) return;
    round_trip_ = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - sent);
    if (options_.ping_every.count() > 0) ping_timer_ = loop_.add_timer(options_.ping_every, [this] { ping(); });
  });
}

}  // namespace bus
