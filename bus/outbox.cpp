// Outbox: bounded queue, in-order (re)sending, the deadline (see outbox.h).
#include "bus/outbox.h"

#include <algorithm>
#include <memory>
#include <vector>

namespace bus {

Outbox::Outbox(reactor::EventLoop& loop, BusLink& link, ChatLog& log, std::string node, OutboxOptions options)
    : loop_(loop), link_(link), log_(log), node_(std::move(node)), options_(options) {
  link_.add_on_up([this] {
    send_pending();
    settle();
  });
  link_.add_on_down([this](std::string_view) {
    ++connection_;
    for (OutboxEntry& e : entries_) {
      if (e.in_flight) e.maybe_stored = true;
      e.in_flight = false;
    }
    for (OutboxEntry& e : settling_) e.in_flight = false;
    move_doomed_to_settling();
  });
}

Outbox::~Outbox() {
  loop_.cancel_timer(deadline_timer_);
  loop_.cancel_timer(send_timer_);
}

void Outbox::set_fence(std::uint64_t fence, std::uint64_t last_seq_seen) {
  fence_ = fence;
  // Entries already numbered keep their seq; new ones come after anything Redis saw.
  next_seq_ = std::max(next_seq_, last_seq_seen + 1);
  // Before the first grant, entries were numbered without knowing what an earlier process
  // of this node name wrote: renumber them after it. Later, a seq Redis saw was ours, and
  // the re-send is answered Duplicate (stored).
  if (!granted_once_ && !entries_.empty() && entries_.front().seq <= last_seq_seen)
    for (OutboxEntry& e : entries_) e.seq = next_seq_++;
  if (fence != 0) granted_once_ = true;
  send_pending();
}

std::optional<std::uint64_t> Outbox::add(EntryFields fields, std::optional<reactor::Clock::time_point> arrived) {
  std::size_t entry_bytes = 0;
  for (const auto& [f, v] : fields) entry_bytes += f.size() + v.size();
  if (entries_.size() >= options_.max_entries || bytes_ + entry_bytes > options_.max_bytes) return std::nullopt;
  const std::uint64_t seq = next_seq_++;
  entries_.push_back(OutboxEntry{seq, std::move(fields), entry_bytes, arrived.value_or(loop_.now()), false});
  bytes_ += entry_bytes;
  // An earlier `arrived` (a line that waited in the feed, about a round trip) is looked at
  // by the timer already armed: re-arming here would cancel expire()'s re-check of late
  // entries on the wire, and scan every entry on every add.
  if (!deadline_timer_) arm_deadline();
  // At the end of this event-loop turn (a timer due now runs after the turn's input): the
  // lines read in one turn share one script call, and none waits longer than the turn.
  if (!send_timer_) {
    send_timer_ = loop_.add_timer(std::chrono::milliseconds(0), [this] {
      send_timer_ = {};
      send_pending();
    });
  }
  return seq;
}

void Outbox::send_pending() {
  if (fence_ == 0 || !link_.up()) return;
  const std::uint64_t connection = connection_;
  const std::uint64_t fence = fence_;
  // Everything not yet on the wire, in order, in batches of bounded size, one script call
  // each (ChatLog::append_batch). A batch is built and handed over before anything can
  // change entries_; an answer that comes at once (the command could not even be queued)
  // ends the round, as the link's reconnect or the next add() sends again.
  for (;;) {
    std::vector<ChatLog::Item> batch;
    std::vector<std::uint64_t> seqs;
    std::size_t batch_bytes = 0;
    for (OutboxEntry& e : entries_) {
      if (e.in_flight) continue;
      e.in_flight = true;
      batch.push_back(ChatLog::Item{e.seq, &e.fields});
      seqs.push_back(e.seq);
      batch_bytes += e.bytes;
      if (batch.size() >= kBatchEntries || batch_bytes >= kBatchBytes) break;
    }
    if (batch.empty()) return;
    auto calling = std::make_shared<bool>(true);
    auto answered_at_once = std::make_shared<bool>(false);
    log_.append_batch(node_, fence, batch,
                      [this, seqs, connection, calling, answered_at_once](const std::vector<AppendResult>& results) {
                        if (*calling) *answered_at_once = true;
                        for (std::size_t i = 0; i < seqs.size() && i < results.size(); ++i)
                          sent(seqs[i], connection, results[i]);
                      });
    *calling = false;
    if (*answered_at_once || connection != connection_) return;
  }
}

std::deque<OutboxEntry>::iterator Outbox::find(std::uint64_t seq) {
  return std::find_if(entries_.begin(), entries_.end(), [seq](const OutboxEntry& e) { return e.seq == seq; });
}

void Outbox::sent(std::uint64_t seq, std::uint64_t connection, const AppendResult& result) {
  auto it = find(seq);
  if (it == entries_.end()) return;       // given up meanwhile
  if (connection != connection_) return;  // the down hook already marked it for re-sending
  if (result.outcome == AppendOutcome::Appended || result.outcome == AppendOutcome::Duplicate) {
    bytes_ -= it->bytes;
    entries_.erase(it);
    if (on_written_) on_written_(seq, result.id);
    return;
  }
  it->in_flight = false;
  if (it->doomed) {  // refused: it never will be written
    OutboxEntry gone = std::move(*it);
    entries_.erase(it);
    bytes_ -= gone.bytes;
    ++given_up_count_;
    if (on_given_up_) on_given_up_(gone);
    return;
  }
  // Fenced: the lease is gone; hold until the owner hands over a new fence. Failed (no
  // answer): the link's reconnect re-sends it. The deadline applies either way.
  if (result.outcome == AppendOutcome::Fenced) fence_ = 0;
}

void Outbox::give_up_unwritten() {
  std::vector<OutboxEntry> gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->in_flight) {
      it->doomed = true;
      ++it;
      continue;
    }
    if (it->maybe_stored) {
      settling_.push_back(std::move(*it));
    } else {
      bytes_ -= it->bytes;
      ++given_up_count_;
      gone.push_back(std::move(*it));
    }
    it = entries_.erase(it);
  }
  settle();
  for (const OutboxEntry& e : gone)
    if (on_given_up_) on_given_up_(e);
}

void Outbox::move_doomed_to_settling() {
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!it->doomed) {
      ++it;
      continue;
    }
    settling_.push_back(std::move(*it));
    it = entries_.erase(it);
  }
}

void Outbox::arm_deadline() {
  loop_.cancel_timer(deadline_timer_);
  if (entries_.empty()) return;
  // The earliest arrival among those not on the wire (arrivals are not in seq order: add()).
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (!it->in_flight && (oldest == entries_.end() || it->arrived < oldest->arrived)) oldest = it;
  // In-flight entries on a live connection wait for their reply: Redis decides them.
  const auto first = oldest == entries_.end() ? entries_.front().arrived : oldest->arrived;
  const auto wait = std::max(reactor::Clock::duration::zero(), first + options_.deadline - loop_.now());
  deadline_timer_ = loop_.add_timer(wait, [this] {
    deadline_timer_ = {};
    expire();
  });
}

void Outbox::expire() {
  const auto now = loop_.now();
  std::vector<OutboxEntry> gone;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->in_flight || it->arrived + options_.deadline > now) {
      ++it;
      continue;
    }
    if (it->maybe_stored) {
      settling_.push_back(std::move(*it));  // its bytes stay counted until it is settled
    } else {
      bytes_ -= it->bytes;
      gone.push_back(std::move(*it));
      ++given_up_count_;
    }
    it = entries_.erase(it);
  }
  if (!entries_.empty()) {
    // Entries still in flight are looked at again shortly; the rest at their own deadline.
    const bool any_in_flight_late = std::any_of(entries_.begin(), entries_.end(), [&](const OutboxEntry& e) {
      return e.in_flight && e.arrived + options_.deadline <= now;
    });
    if (any_in_flight_late) {
      deadline_timer_ = loop_.add_timer(std::chrono::milliseconds(100), [this] {
        deadline_timer_ = {};
        expire();
      });
    } else {
      arm_deadline();
    }
  }
  settle();
  // After the bookkeeping: a hook may add entries.
  for (const OutboxEntry& e : gone)
    if (on_given_up_) on_given_up_(e);
}

void Outbox::settle() {
  if (!link_.up()) return;
  const std::uint64_t connection = connection_;
  // Seqs first: an answer that comes at once may change settling_.
  std::vector<std::uint64_t> seqs;
  for (OutboxEntry& e : settling_) {
    if (e.in_flight) continue;
    e.in_flight = true;
    seqs.push_back(e.seq);
  }
  for (std::uint64_t seq : seqs) {
    log_.abandon(node_, seq, [this, seq, connection](std::optional<bool> stored) {
      auto it = std::find_if(settling_.begin(), settling_.end(), [seq](const OutboxEntry& x) { return x.seq == seq; });
      if (it == settling_.end() || connection != connection_) return;
      if (!stored) {
        it->in_flight = false;  // tried again on the next connection
        return;
      }
      OutboxEntry settled = std::move(*it);
      settling_.erase(it);
      bytes_ -= settled.bytes;
      if (*stored) {
        if (on_written_) on_written_(seq, "");
      } else {
        ++given_up_count_;
        if (on_given_up_) on_given_up_(settled);
      }
    });
    if (connection != connection_) return;
  }
}

}  // namespace bus
