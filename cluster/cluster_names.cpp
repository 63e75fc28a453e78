// ClusterNames: claims through the NameTable script, waiting for a lease, reclaiming after one.
#include "cluster/cluster_names.h"

#include <charconv>
#include <vector>

#include "net/log.h"
#include "protocol/names.h"

namespace cluster {

ClusterNames::ClusterNames(reactor::EventLoop& loop, bus::NameTable& table, ClusterRoom& room, ClusterFeed& feed,
                           std::string node, std::chrono::milliseconds patience)
    : loop_(loop), table_(table), room_(room), feed_(feed), node_(std::move(node)), patience_(patience) {
  // A re-claim whose connection dropped with it answered Failed; if the lease outlived the
  // drop, no new grant comes to retry it, and its user's lines would wait until refused.
  table_.link().add_on_up([this, alive = alive_] {
    if (*alive && fence_ != 0) reclaim_stale();
  });
}

ClusterNames::~ClusterNames() {
  *alive_ = false;
  loop_.cancel_timer(patience_timer_);
  loop_.cancel_timer(retry_timer_);
}

bus::NameEntry ClusterNames::entry_for(chat::ClientId id, std::string_view name, std::uint64_t since) const {
  return bus::NameEntry{chat::name_key(name), node_, fence_, std::to_string(id.value()), std::string(name), since};
}

void ClusterNames::claim(chat::ClientId id, std::string_view name, std::function<void(chat::NameAnswer)> done) {
  Waiting w{id, std::string(name), std::move(done), loop_.now()};
  if (fence_ == 0) {
    waiting_.push_back(std::move(w));
    if (!patience_timer_) expire_waiting();
    return;
  }
  ask(std::move(w));
}

void ClusterNames::ask(Waiting w) {
  const auto asked = reactor::Clock::now();
  const std::uint64_t fence = fence_;
  const std::uint64_t grant = grant_;
  bus::NameEntry entry = entry_for(w.id, w.name);
  table_.claim(entry, [this, alive = alive_, w = std::move(w), fence, grant, asked](const bus::ClaimResult& r) mutable {
    if (!*alive) return;
    ++claims_;
    claim_time_ += std::chrono::duration_cast<std::chrono::microseconds>(reactor::Clock::now() - asked);
    switch (r.outcome) {
      case bus::ClaimOutcome::Granted:
        if (r.previous && r.previous->node != node_) announce_gone(*r.previous);
        room_.forget_remote_named(w.name);
        granted(std::move(w), fence, grant, r.since);
        return;
      case bus::ClaimOutcome::Taken: w.done(chat::NameAnswer::Taken); return;
      case bus::ClaimOutcome::Fenced:
        if (fence_ == fence) fence_ = 0;  // the lease is gone; the node learns it too
        if (loop_.now() - w.since >= patience_) {
          w.done(chat::NameAnswer::Unavailable);
        } else if (fence_ != 0) {
          ask(std::move(w));
        } else {
          waiting_.push_back(std::move(w));
          if (!patience_timer_) expire_waiting();
        }
        return;
      case bus::ClaimOutcome::Failed: w.done(chat::NameAnswer::Unavailable); return;
    }
  });
}

void ClusterNames::granted(Waiting w, std::uint64_t fence, std::uint64_t grant, std::uint64_t since) {
  const chat::ClientId id = w.id;
  LogEvent join;
  join.kind = LogKind::Join;
  join.owner = node_;
  join.client = id.value();
  join.name = w.name;
  join.since = since;
  const std::uint64_t ticket = ++next_ticket_;
  joining_[id] = Joining{std::move(w.name), fence, grant, since, std::move(w.done), ticket};
  if (feed_.publish(join, [this, alive = alive_, id, ticket](bool written) {
        if (*alive) join_verdict(id, ticket, written);
      }))
    return;
  net::log_event(net::LogLevel::Warn, "cluster_outbox_full", "join not written: the outbox is full");
  auto it = joining_.find(id);
  Joining j = std::move(it->second);
  joining_.erase(it);
  release_later(j.name, j.fence);
  j.done(chat::NameAnswer::Unavailable);
}

void ClusterNames::join_verdict(chat::ClientId id, std::uint64_t ticket, bool written) {
  auto it = joining_.find(id);
  if (it == joining_.end() || it->second.ticket != ticket)
    return;  // read back already (the reader can be first), or lost
  if (written && !it->second.cancelled) {
    it->second.written = true;
    return;
  }
  Joining j = std::move(it->second);
  joining_.erase(it);
  if (written) {
    withdraw(id, j);
    return;
  }
  release_later(j.name, j.fence);
  if (!j.cancelled) j.done(chat::NameAnswer::Unavailable);
}

void ClusterNames::joined(chat::ClientId id) {
  auto it = joining_.find(id);
  if (it == joining_.end()) return;  // a join written again after a lost lease, or withdrawn
  Joining j = std::move(it->second);
  joining_.erase(it);
  if (j.cancelled) {
    withdraw(id, j);
    return;
  }
  room_.forget_remote_named(j.name);
  Held held{j.name, j.fence, j.grant, j.since, logs_lost_};
  held_[id] = held;
  // The lease changed while the join travelled: claim the name again under the new one.
  if (j.grant != grant_ && fence_ != 0) reclaim(id, held);
  j.done(chat::NameAnswer::Granted);
}

void ClusterNames::displaced(chat::ClientId id, std::string_view name) {
  const std::string key = chat::name_key(name);
  if (auto j = joining_.find(id); j != joining_.end() && chat::name_key(j->second.name) == key) {
    Joining gone = std::move(j->second);
    joining_.erase(j);
    if (!gone.cancelled) gone.done(chat::NameAnswer::Taken);
    return;
  }
  auto it = held_.find(id);
  if (it == held_.end() || chat::name_key(it->second.name) != key) return;  // holds another name by now
  net::log_event(net::LogLevel::Info, "cluster_name_lost", "an earlier claim of a name took it back",
                 {{"name", it->second.name}});
  held_.erase(it);  // not released: it is the earlier claimer's now
  feed_.refuse_held(id);
  if (on_lost_) on_lost_(id);
}

void ClusterNames::withdraw(chat::ClientId id, const Joining& j) {
  // The others were told (or will be) that this user joined: they hear that it went.
  LogEvent gone;
  gone.kind = LogKind::Disconnect;
  gone.owner = node_;
  gone.client = id.value();
  gone.name = j.name;
  if (!feed_.publish(gone))
    net::log_event(net::LogLevel::Warn, "cluster_outbox_full", "departure not written: the outbox is full");
  release_later(j.name, j.fence);
}

void ClusterNames::log_skipped() {
  std::vector<chat::ClientId> stored;
  for (const auto& [id, j] : joining_)
    if (j.written) stored.push_back(id);
  for (chat::ClientId id : stored) joined(id);
}

void ClusterNames::log_lost() {
  ++logs_lost_;
  std::unordered_map<chat::ClientId, Joining> lost = std::move(joining_);
  joining_.clear();
  for (auto& [id, j] : lost) {
    release_later(j.name, j.fence);
    if (!j.cancelled) j.done(chat::NameAnswer::Unavailable);
  }
}

void ClusterNames::release_later(std::string name, std::uint64_t fence) {
  feed_.after_pending([this, alive = alive_, name = std::move(name), fence] {
    if (!*alive) return;
    table_.release(chat::name_key(name), node_, fence, [](bool) {});
  });
}

void ClusterNames::expire_waiting() {
  patience_timer_ = {};
  const auto now = loop_.now();
  while (!waiting_.empty() && now - waiting_.front().since >= patience_) {
    Waiting w = std::move(waiting_.front());
    waiting_.pop_front();
    w.done(chat::NameAnswer::Unavailable);
  }
  if (waiting_.empty()) return;
  patience_timer_ = loop_.add_timer(waiting_.front().since + patience_ - now, [this] { expire_waiting(); });
}

void ClusterNames::cancel(chat::ClientId id) {
  std::erase_if(waiting_, [id](const Waiting& w) { return w.id == id; });
  auto it = joining_.find(id);
  if (it == joining_.end()) return;
  if (!it->second.written) {
    it->second.cancelled = true;  // its fate decides: withdrawn if stored, else only released
    return;
  }
  Joining j = std::move(it->second);
  joining_.erase(it);
  withdraw(id, j);
}

void ClusterNames::discard(chat::ClientId id, std::string_view /*name*/) {
  auto it = held_.find(id);
  if (it == held_.end()) return;
  Joining j{it->second.name, it->second.fence, it->second.grant, it->second.since, {}, 0};
  held_.erase(it);
  feed_.refuse_held(id);  // what waited for a re-claim goes nowhere now
  withdraw(id, j);
}

void ClusterNames::release(chat::ClientId id, std::string_view /*name*/) {
  auto it = held_.find(id);
  if (it == held_.end()) return;
  Held held = std::move(it->second);
  held_.erase(it);
  release_later(std::move(held.name), held.fence);
}

void ClusterNames::set_fence(std::uint64_t fence) {
  fence_ = fence;
  if (fence == 0) return;
  ++grant_;
  // The names held go first (one connection: Redis runs them first), so that a claim that
  // waited for this lease cannot take a name from a user who held it before.
  reclaim_stale();
  std::deque<Waiting> go = std::move(waiting_);
  waiting_.clear();
  loop_.cancel_timer(patience_timer_);
  for (Waiting& w : go) ask(std::move(w));
}

void ClusterNames::reclaim_stale() {
  std::vector<std::pair<chat::ClientId, Held>> stale;
  for (const auto& [id, held] : held_)  // a leaver's leave is in the log: not claimed again
    if (held.grant != grant_ && !feed_.leaving(id)) stale.emplace_back(id, held);
  for (const auto& [id, held] : stale) reclaim(id, held);
}

void ClusterNames::reclaim(chat::ClientId id, const Held& held) {
  const std::uint64_t fence = fence_;
  const std::uint64_t grant = grant_;
  const std::uint64_t since = held.logs != logs_lost_ ? held.since : 0;  // see Held::logs
  table_.claim(entry_for(id, held.name, since), [this, alive = alive_, id, held, fence,
                                                 grant](const bus::ClaimResult& r) {
    if (!*alive) return;
    auto it = held_.find(id);
    if (it == held_.end() || it->second.grant != held.grant) return;  // released or claimed again meanwhile
    switch (r.outcome) {
      case bus::ClaimOutcome::Granted: {
        it->second.fence = fence;
        it->second.grant = grant;
        it->second.logs = logs_lost_;
        if (r.since != 0) it->second.since = r.since;
        // Our own old entry still there: nobody noticed the gap, so nothing to say. Otherwise
        // the others were told this user disconnected (reaped), or forgot everyone (Redis
        // lost its state): they hear it join again, and whom its earlier claim displaced.
        const bool ours = r.previous && r.previous->node == node_ && r.previous->client == std::to_string(id.value());
        if (ours && !r.displaced) {
          feed_.speak_held(id);
          return;
        }
        if (r.previous && !r.displaced && r.previous->node != node_) announce_gone(*r.previous);
        LogEvent join;
        join.kind = LogKind::Join;
        join.owner = node_;
        join.client = id.value();
        join.name = held.name;
        join.since = it->second.since;
        if (r.displaced && r.previous) {
          join.displaced_owner = r.previous->node;
          join.displaced_since = r.previous->since;
          std::from_chars(r.previous->client.data(), r.previous->client.data() + r.previous->client.size(),
                          join.displaced_client);
        }
        if (!feed_.publish(join)) {
          net::log_event(net::LogLevel::Warn, "cluster_outbox_full", "join not written: the outbox is full");
          feed_.refuse_held(id);  // the others may think it gone: nothing of it without its join
          return;
        }
        feed_.speak_held(id);  // after its join
        return;
      }
      case bus::ClaimOutcome::Taken:
        held_.erase(it);
        feed_.refuse_held(id);
        net::log_event(net::LogLevel::Info, "cluster_name_lost",
                       "a name was claimed elsewhere while this node was cut off", {{"name", held.name}});
        if (on_lost_) on_lost_(id);
        return;
      case bus::ClaimOutcome::Fenced: return;  // the next grant tries again (its fence differs)
      case bus::ClaimOutcome::Failed:          // the link tries again when it is back; an error reply, in a while
        if (table_.link().up() && !retry_timer_) {
          retry_timer_ = loop_.add_timer(kRetryAfter, [this] {
            retry_timer_ = {};
            if (fence_ != 0) reclaim_stale();
          });
        }
        return;
    }
  });
}

void ClusterNames::announce_gone(const bus::NameEntry& gone) {
  std::uint64_t client = 0;
  std::from_chars(gone.client.data(), gone.client.data() + gone.client.size(), client);
  if (!chat::is_valid_name(gone.display)) return;
  LogEvent e;
  e.kind = LogKind::Disconnect;
  e.owner = gone.node;
  e.client = client;
  e.name = gone.display;
  if (!feed_.publish(e))
    net::log_event(net::LogLevel::Warn, "cluster_outbox_full",
                   "a dead node's departure not written: the outbox is full");
}

}  // namespace cluster
