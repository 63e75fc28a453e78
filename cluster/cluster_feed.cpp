// ClusterFeed: events -> log entries; the outbox's verdicts -> "not delivered" and releases.
#include "cluster/cluster_feed.h"

#include <algorithm>
#include <vector>

#include "net/log.h"

namespace cluster {

ClusterFeed::ClusterFeed(reactor::EventLoop& loop, bus::Outbox& outbox, chat::Room& room, std::string node,
                         std::chrono::milliseconds deadline, std::size_t max_held_bytes)
    : loop_(loop),
      outbox_(outbox),
      room_(room),
      node_(std::move(node)),
      deadline_(deadline),
      max_held_bytes_(std::max(max_held_bytes, kMaxHeldBytes)) {
  outbox_.set_on_written([this](std::uint64_t seq, const std::string&) {
    lines_.erase(seq);
    tell_verdict(seq, true);
    settled(seq);
  });
  outbox_.set_on_given_up([this](const bus::OutboxEntry& entry) {
    auto it = lines_.find(entry.seq);
    if (it != lines_.end()) {
      tell_not_delivered(it->second.id, it->second.start);
      lines_.erase(it);
    }
    tell_verdict(entry.seq, false);
    settled(entry.seq);
  });
}

ClusterFeed::~ClusterFeed() { loop_.cancel_timer(held_timer_); }

LogEvent ClusterFeed::event_of(LogKind kind, chat::ClientId id, std::string_view name) const {
  LogEvent e;
  e.kind = kind;
  e.owner = node_;
  e.client = id.value();
  e.name = name;
  return e;
}

bool ClusterFeed::publish(const LogEvent& event, std::function<void(bool written)> verdict) {
  std::optional<std::uint64_t> seq = outbox_.add(encode(event, node_));
  if (!seq) return false;
  pending_.insert(*seq);
  if (verdict) verdicts_.emplace(*seq, std::move(verdict));
  return true;
}

void ClusterFeed::tell_verdict(std::uint64_t seq, bool written) {
  auto it = verdicts_.find(seq);
  if (it == verdicts_.end()) return;
  std::function<void(bool)> verdict = std::move(it->second);
  verdicts_.erase(it);
  verdict(written);
}

void ClusterFeed::line(const LogEvent& event, chat::ClientId author) {
  const Speech speech = speech_ ? speech_(author) : Speech::Now;
  if (speech == Speech::Refused) {
    tell_not_delivered(author, line_start(event.text));
    return;
  }
  // Behind the author's own waiting lines, if any: one author's lines keep their order.
  const bool behind =
      std::any_of(held_.begin(), held_.end(), [author](const HeldLine& h) { return h.author == author; });
  if (speech == Speech::Soon || behind) {
    hold(author, encode(event, node_), line_start(event.text));
    return;
  }
  write_line(author, encode(event, node_), line_start(event.text), std::nullopt);
}

void ClusterFeed::write_line(chat::ClientId author, bus::EntryFields fields, std::string start,
                             std::optional<reactor::Clock::time_point> arrived) {
  std::optional<std::uint64_t> seq = outbox_.add(std::move(fields), arrived);
  if (!seq) {
    tell_not_delivered(author, start, outbox_.writing() ? chat::Undelivered::Busy : chat::Undelivered::Reconnecting);
    return;
  }
  pending_.insert(*seq);
  lines_.emplace(*seq, Author{author, std::move(start)});
}

void ClusterFeed::hold(chat::ClientId author, bus::EntryFields fields, std::string start) {
  std::size_t bytes = 0;
  for (const auto& [f, v] : fields) bytes += f.size() + v.size();
  // Lines wait here only while their author's name is claimed again after a reconnect.
  if (held_.size() >= kMaxHeldLines || held_bytes_ + bytes > max_held_bytes_) {
    tell_not_delivered(author, start);
    return;
  }
  held_.push_back(HeldLine{author, std::move(fields), std::move(start), bytes, loop_.now()});
  held_bytes_ += bytes;
  if (!held_timer_) arm_held_deadline();
}

void ClusterFeed::arm_held_deadline() {
  loop_.cancel_timer(held_timer_);
  if (held_.empty()) return;
  const auto wait = std::max(reactor::Clock::duration::zero(), held_.front().arrived + deadline_ - loop_.now());
  held_timer_ = loop_.add_timer(wait, [this] {
    held_timer_ = {};
    const auto now = loop_.now();
    refuse_held_if([this, now](const HeldLine& h) { return h.arrived + deadline_ <= now; });
  });
}

void ClusterFeed::speak_held(chat::ClientId id) {
  std::vector<HeldLine> go;
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->author != id) {
      ++it;
      continue;
    }
    held_bytes_ -= it->bytes;
    go.push_back(std::move(*it));
    it = held_.erase(it);
  }
  arm_held_deadline();
  for (HeldLine& h : go) {
    if (speech_ && speech_(id) != Speech::Now) {
      tell_not_delivered(id, h.start);
    } else {
      write_line(id, std::move(h.fields), std::move(h.start), h.arrived);
    }
  }
}

void ClusterFeed::refuse_held(chat::ClientId id) {
  refuse_held_if([id](const HeldLine& h) { return h.author == id; });
}

void ClusterFeed::refuse_all_held() {
  refuse_held_if([](const HeldLine&) { return true; });
}

void ClusterFeed::refuse_held_if(const std::function<bool(const HeldLine&)>& which) {
  std::vector<HeldLine> gone;
  for (auto it = held_.begin(); it != held_.end();) {
    if (!which(*it)) {
      ++it;
      continue;
    }
    held_bytes_ -= it->bytes;
    gone.push_back(std::move(*it));
    it = held_.erase(it);
  }
  arm_held_deadline();
  for (const HeldLine& h : gone) tell_not_delivered(h.author, h.start);
}

void ClusterFeed::said(chat::ClientId id, std::string_view name, std::string_view text, std::string_view rich) {
  LogEvent e = event_of(LogKind::Say, id, name);
  e.text = text;
  e.rich = rich;
  line(e, id);
}

void ClusterFeed::whispered(chat::ClientId from, std::string_view from_name, chat::ClientId /*to*/,
                            std::string_view to_name, std::string_view text, std::string_view rich) {
  LogEvent e = event_of(LogKind::Whisper, from, from_name);
  e.peer = to_name;
  e.text = text;
  e.rich = rich;
  line(e, from);
}

void ClusterFeed::departed(chat::ClientId id, std::string_view name, chat::EventKind kind, chat::Departure why) {
  refuse_held(id);  // what it said must not come after its departure
  // A node that stops (Silent) still tells the other nodes: its users are gone from the chat.
  LogKind k = kind == chat::EventKind::Left     ? LogKind::Leave
              : why == chat::Departure::TooSlow ? LogKind::TooSlow
                                                : LogKind::Disconnect;
  std::function<void(bool)> verdict;
  if (k == LogKind::Leave) {  // the leaver waits in the room for it; a log that refused it lets them go
    leaving_[id] = false;
    verdict = [this, id](bool written) {
      if (!written) {
        settle_leave(id);
      } else if (auto it = leaving_.find(id); it != leaving_.end()) {
        it->second = true;
      }
    };
  }
  if (publish(event_of(k, id, name), std::move(verdict))) return;
  net::log_event(net::LogLevel::Warn, "cluster_outbox_full", "departure not written: the outbox is full");
  if (k == LogKind::Leave) settle_leave(id);
}

void ClusterFeed::settle_leave(chat::ClientId id) {
  if (leaving_.erase(id) == 0) return;  // settled already (read back, then its verdict)
  if (on_departure_settled_) on_departure_settled_(id);
}

void ClusterFeed::leave_read_back(chat::ClientId id) { settle_leave(id); }

void ClusterFeed::log_skipped() {
  std::vector<chat::ClientId> stored;
  for (const auto& [id, written] : leaving_)
    if (written) stored.push_back(id);
  for (chat::ClientId id : stored) settle_leave(id);
}

void ClusterFeed::log_lost() {
  std::vector<chat::ClientId> all;
  for (const auto& [id, written] : leaving_) all.push_back(id);
  for (chat::ClientId id : all) settle_leave(id);
}

void ClusterFeed::tell_not_delivered(chat::ClientId id, std::string_view start, chat::Undelivered why) {
  ++not_delivered_;
  if (before_telling_) before_telling_();
  chat::ChatEvent e;
  e.kind = chat::EventKind::NotDelivered;
  e.text = start;
  e.undelivered = why;
  room_.send_to(id, e);  // nothing when the sender has left meanwhile
}

void ClusterFeed::after_pending(std::function<void()> then) {
  if (pending_.empty()) {
    then();
    return;
  }
  after_.emplace_back(*pending_.rbegin(), std::move(then));
}

void ClusterFeed::settled(std::uint64_t seq) {
  pending_.erase(seq);
  // Every entry up to the one a waiter waits for is settled once nothing at or before it is pending.
  while (!after_.empty() && (pending_.empty() || *pending_.begin() > after_.front().first)) {
    std::function<void()> then = std::move(after_.front().second);
    after_.pop_front();
    then();
  }
}

}  // namespace cluster
