// NodeLease: register, renew, release, loss (see node_lease.h).
#include "bus/node_lease.h"

#include <memory>

namespace bus {
namespace {

// KEYS: fence counter, lease, seen, nodes. ARGV: lease ms, node. -> {token, highest seq seen}
constexpr std::string_view kRegister = R"lua(
local token = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[2], token, 'PX', ARGV[1])
redis.call('SADD', KEYS[4], ARGV[2])
local last = redis.call('ZRANGE', KEYS[3], -1, -1)
return {token, last[1] or '0'}
)lua";

// KEYS: lease. ARGV: token, lease ms. -> 1 renewed, 0 not ours (expired or taken over)
constexpr std::string_view kRenew = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
)lua";

// KEYS: lease. ARGV: token. -> 1 released, 0 it was not ours anymore
constexpr std::string_view kRelease = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua";

}  // namespace

NodeLease::NodeLease(reactor::EventLoop& loop, BusLink& link, BusKeys keys, std::string node, NodeLeaseOptions options)
    : loop_(loop),
      link_(link),
      keys_(std::move(keys)),
      node_(std::move(node)),
      options_(options),
      register_script_(kRegister),
      renew_script_(kRenew),
      release_script_(kRelease) {}

NodeLease::~NodeLease() {
  ++attempt_;
  loop_.cancel_timer(timer_);
}

void NodeLease::start() {
  ++attempt_;
  loop_.cancel_timer(timer_);
  state_ = State::Registering;
  try_register();
}

void NodeLease::try_register() {
  const std::uint64_t attempt = attempt_;
  const auto sent = loop_.now();
  auto retry = [this] { timer_ = loop_.add_timer(options_.renew_every, [this] { try_register(); }); };
  resp::RespStatus s = register_script_.run(
      link_.client(), {keys_.fence(), keys_.node(node_), keys_.seen(node_), keys_.nodes()},
      {std::to_string(options_.lease.count()), node_}, [this, attempt, sent, retry](const resp::RespResult& r) {
        if (attempt != attempt_) return;
        auto got = r.status == resp::RespStatus::Ok ? flat_strings(*r.reply) : std::nullopt;
        auto token = got && got->size() == 2 ? to_int((*got)[0]) : std::nullopt;
        auto seen = got && got->size() == 2 ? to_int((*got)[1]) : std::nullopt;
        if (!token || !seen) {
          retry();
          return;
        }
        fence_ = static_cast<std::uint64_t>(*token);
        state_ = State::Held;
        confirmed_until_ = sent + options_.lease;
        timer_ = loop_.add_timer(options_.renew_every, [this] { renew(); });
        if (on_granted_) on_granted_(fence_, static_cast<std::uint64_t>(*seen));
      });
  if (s != resp::RespStatus::Ok) retry();
}

void NodeLease::renew() {
  if (state_ != State::Held) return;
  if (loop_.now() >= confirmed_until_) {
    lose("no renewal confirmed for a whole lease");
    return;
  }
  timer_ = loop_.add_timer(options_.renew_every, [this] { renew(); });
  const std::uint64_t attempt = attempt_;
  const auto sent = loop_.now();
  renew_script_.run(link_.client(), {keys_.node(node_)},
                    {std::to_string(fence_), std::to_string(options_.lease.count())},
                    [this, attempt, sent](const resp::RespResult& r) {
                      if (attempt != attempt_ || state_ != State::Held) return;
                      if (r.status != resp::RespStatus::Ok || r.reply->is_error()) return;  // next tick tries again
                      if (r.reply->top.type == resp::RespType::Integer && r.reply->top.integer == 1) {
                        confirmed_until_ = sent + options_.lease;
                      } else {
                        lose("the lease is no longer ours");
                      }
                    });
}

void NodeLease::lose(std::string_view why) {
  ++attempt_;
  loop_.cancel_timer(timer_);
  state_ = State::Lost;
  if (on_lost_) on_lost_(why);
}

void NodeLease::release(std::function<void()> done) {
  ++attempt_;
  loop_.cancel_timer(timer_);
  const bool held = state_ == State::Held;
  state_ = State::Released;
  if (!held) {
    if (done) done();
    return;
  }
  auto finish = std::make_shared<std::function<void()>>(std::move(done));
  resp::RespStatus s = release_script_.run(link_.client(), {keys_.node(node_)}, {std::to_string(fence_)},
                                           [finish](const resp::RespResult&) {
                                             if (*finish) (*finish)();
                                           });
  if (s != resp::RespStatus::Ok && *finish) (*finish)();
}

}  // namespace bus
