// Ledger: recording receipts as they arrive, and the verdict at the end (see ledger.h and
// docs/LOAD_TESTING.md for why each bound is sound).
#include "bin/chat_swarm/ledger.h"

#include <algorithm>
#include <optional>

namespace swarm {
namespace {

// Sequence bounds as signed numbers, so "none" is -1 and empty ranges are lo > hi.
struct Bounds {
  std::int64_t lo;
  std::int64_t hi;
  bool empty() const { return lo > hi; }
  std::uint64_t size() const { return empty() ? 0 : static_cast<std::uint64_t>(hi - lo + 1); }
};

Bounds intersect(Bounds a, Bounds b) { return {std::max(a.lo, b.lo), std::min(a.hi, b.hi)}; }

// The members of `set` inside `b`: how many, and the smallest and largest.
struct Inside {
  std::uint64_t count = 0;
  std::int64_t first = -1;
  std::int64_t last = -1;
};

Inside inside(const SeqSet& set, Bounds b) {
  Inside in;
  if (b.empty()) return in;
  for (const SeqRange& r : set.ranges()) {
    std::int64_t a = std::max<std::int64_t>(r.lo, b.lo), z = std::min<std::int64_t>(r.hi, b.hi);
    if (a > z) continue;
    if (in.count == 0) in.first = a;
    in.last = z;
    in.count += static_cast<std::uint64_t>(z - a + 1);
  }
  return in;
}

// Of one sender's messages, what a receiver may have been sent and what it surely was owed.
struct Window {
  Bounds possible{0, -1};
  Bounds certain{0, -1};
};

// Adds one (receiver, sender) stream to the verdict: `got` is what the receiver received of
// the sender's messages (null: nothing), `dups` and `late` the faults counted on arrival.
// `slice`: the sender's messages that count (all of them, unless the tally is of a slice).
void judge_stream(Tally& t, std::size_t problem_limit, BotId rid, BotId sid, Window w, const SeqSet* got_set,
                  std::uint64_t dups, std::uint64_t late, std::optional<Bounds> slice) {
  if (!got_set && w.certain.empty()) {
    t.not_required += slice ? intersect(w.possible, *slice).size() : w.possible.size();
    return;
  }
  Inside got = got_set ? inside(*got_set, w.possible) : Inside{};
  std::uint64_t stray = got_set ? got_set->size() - got.count : 0;
  // Owed: what was surely owed, plus everything between deliveries the server did make
  // (one sender's lines are processed in order, and membership is one interval).
  Bounds owed = w.certain;
  if (got.count) {
    owed.lo = w.certain.empty() ? got.first : std::min(owed.lo, got.first);
    owed.hi = w.certain.empty() ? got.last : std::max(owed.hi, got.last);
  }
  if (slice) {  // what was owed, and got, of the slice's messages
    const Bounds owed_here = intersect(owed, *slice);
    const std::uint64_t got_here = got_set ? inside(*got_set, owed_here).count : 0;
    t.expected += owed_here.size();
    t.delivered += got_here;
    t.lost += owed_here.size() - got_here;
    t.not_required += intersect(w.possible, *slice).size() - owed_here.size();
    return;
  }
  std::uint64_t lost = owed.size() - got.count;
  t.expected += owed.size();
  t.delivered += got.count;
  t.lost += lost;
  t.unexpected += stray;
  t.not_required += w.possible.size() - owed.size();
  t.duplicates += dups;
  t.reordered += late;
  if (!lost && !stray && !dups && !late) return;
  ++t.problem_streams;
  if (t.problems.size() >= problem_limit) return;
  StreamProblem p{rid, sid, owed.size(), lost, dups, late, stray, {}};
  if (lost && owed.lo >= 0) {
    const auto lo = static_cast<Seq>(owed.lo), hi = static_cast<Seq>(owed.hi);
    p.missing = got_set ? got_set->missing_in(lo, hi, 3) : SeqSet().missing_in(lo, hi, 3);
  }
  t.problems.push_back(std::move(p));
}

// A sender's messages queued in the slice: one interval, since they are queued in order.
template <typename Messages>
Bounds in_slice(const Messages& sent, const TimeSlice& slice) {
  auto by_time = [](const auto& m, std::int64_t ns) { return m.queued_ns < ns; };
  auto from = std::lower_bound(sent.begin(), sent.end(), slice.from_ns, by_time);
  auto to = std::lower_bound(sent.begin(), sent.end(), slice.to_ns, by_time);
  return Bounds{from - sent.begin(), (to - sent.begin()) - 1};
}

}  // namespace

// Per-sender lookups used by the verdict: when each message was queued, and the earliest
// receipt of it or of any later message (receipts prove processing, and the server
// processes one sender's lines in order).
struct Ledger::Ranges {
  std::vector<Tick> queued;
  std::vector<Tick> witnessed_suffix_min;
  // With several nodes, the same per node (node-major): what that node surely processed.
  std::vector<std::vector<Tick>> node_suffix_min;
  std::int64_t certain_limit;  // last message that surely reached the server
  bool sender_vanished;

  Ranges(const Bot& s, std::uint16_t nodes) {
    std::size_t n = s.sent.size();
    queued.resize(n);
    witnessed_suffix_min.resize(n);
    Tick low = kNever;
    certain_limit = -1;
    for (std::size_t i = n; i-- > 0;) {
      queued[i] = s.sent[i].queued;
      low = std::min(low, s.sent[i].witnessed);
      witnessed_suffix_min[i] = low;
      if (certain_limit < 0 && s.sent[i].witnessed != kNever) certain_limit = static_cast<std::int64_t>(i);
    }
    if (!s.vanished) certain_limit = static_cast<std::int64_t>(n) - 1;
    sender_vanished = s.vanished;
    if (nodes <= 1) return;
    node_suffix_min.assign(nodes, std::vector<Tick>(n));
    for (std::uint16_t node = 0; node < nodes; ++node) {
      Tick on_node = kNever;
      for (std::size_t i = n; i-- > 0;) {
        on_node = std::min(on_node, s.witnessed_on[i * nodes + node]);
        node_suffix_min[node][i] = on_node;
      }
    }
  }
  // What receiver `r` may have been sent and surely was owed; `self` when `r` is the sender,
  // which gets the echoes of its own private messages: all of them.
  Window window(const Bot& r, bool self) const {
    const Bounds all{0, static_cast<std::int64_t>(queued.size()) - 1};
    Window w;
    if (self) {
      w.possible = all;
      if (!sender_vanished) w.certain = all;
      return w;
    }
    if (r.join_requested != kNever)
      w.possible =
          intersect(all, {last_processed_before(r.join_requested, r.node) + 1, last_queued_before(r.departure_seen)});
    if (r.welcomed != kNever && !r.vanished) {
      std::int64_t hi = certain_limit;
      if (r.leave != kForever) hi = std::min(hi, last_processed_before(r.leave, r.node));
      w.certain = intersect(w.possible, {first_queued_after(r.welcomed), hi});
    }
    return w;
  }
  // The first message queued after t.
  std::int64_t first_queued_after(Tick t) const {
    return std::upper_bound(queued.begin(), queued.end(), t) - queued.begin();
  }
  // The last message queued before t.
  std::int64_t last_queued_before(Tick t) const {
    return (std::lower_bound(queued.begin(), queued.end(), t) - queued.begin()) - 1;
  }
  // The last message received by anyone before t (so it and all before it were processed
  // by the server before t).
  std::int64_t last_witnessed_before(Tick t) const { return last_before(witnessed_suffix_min, t); }
  // The same for one node's clients: what that node had processed (read from the log) by t.
  std::int64_t last_processed_before(Tick t, std::uint16_t node) const {
    return node_suffix_min.empty() ? last_witnessed_before(t) : last_before(node_suffix_min[node], t);
  }
  static std::int64_t last_before(const std::vector<Tick>& suffix_min, Tick t) {
    return (std::lower_bound(suffix_min.begin(), suffix_min.end(), t) - suffix_min.begin()) - 1;
  }
};

BotId Ledger::add_bot() {
  bots_.emplace_back();
  return static_cast<BotId>(bots_.size() - 1);
}

void Ledger::set_audience(BotId sender, Audience audience, BotId peer) {
  bots_[sender].audience = audience;
  bots_[sender].peer = peer;
}

void Ledger::join_requested(BotId bot, Tick t) { bots_[bot].join_requested = std::min(bots_[bot].join_requested, t); }
void Ledger::welcomed(BotId bot, Tick t) { bots_[bot].welcomed = std::min(bots_[bot].welcomed, t); }
void Ledger::leave_initiated(BotId bot, Tick t) { bots_[bot].leave = std::min(bots_[bot].leave, t); }
void Ledger::departure_seen(BotId bot, Tick t) { bots_[bot].departure_seen = std::min(bots_[bot].departure_seen, t); }

void Ledger::vanished(BotId id) {
  Bot& bot = bots_[id];
  if (bot.vanished) return;
  if (draining_) {
    // Its own wait is over, and so is everyone's wait for its last message.
    if (bot.drain_counted) {
      drain_pending_ -= bot.drain_outstanding;
      bot.drain_outstanding = 0;
      bot.drain_counted = false;
    }
    if (!bot.sent.empty()) {
      Seq last = static_cast<Seq>(bot.sent.size() - 1);
      for (BotId r = 0; r < bots_.size(); ++r) {
        Bot& receiver = bots_[r];
        if (!receiver.drain_counted || !owes_last(r, id)) continue;
        const Stream* s = find_stream(receiver, id);
        if (s && s->got.contains(last)) continue;
        --receiver.drain_outstanding;
        --drain_pending_;
      }
    }
  }
  bot.vanished = true;
}

Seq Ledger::record_send(BotId sender, Tick t, std::int64_t queued_ns) {
  Bot& s = bots_[sender];
  s.sent.push_back({t, kNever, queued_ns, messages_++});
  if (nodes_ > 1) s.witnessed_on.resize(s.sent.size() * nodes_, kNever);
  return static_cast<Seq>(s.sent.size() - 1);
}

bool Ledger::may_receive(const Bot& sender, BotId sender_id, BotId receiver, Channel channel) {
  switch (channel) {
    case Channel::Public: return sender.audience == Audience::Room && receiver != sender_id;
    case Channel::Private: return sender.audience == Audience::Peer && sender.peer == receiver && receiver != sender_id;
    case Channel::Echo: return sender.private_echo && sender.audience == Audience::Peer && receiver == sender_id;
  }
  return false;
}

bool Ledger::owes_last(BotId receiver, BotId sender) const {
  const Bot& s = bots_[sender];
  if (s.sent.empty() || s.vanished) return false;
  if (receiver == sender) return s.private_echo && s.audience == Audience::Peer;
  bool audience = s.audience == Audience::Room || (s.audience == Audience::Peer && s.peer == receiver);
  return audience && s.sent.back().queued > bots_[receiver].welcomed;
}

Ledger::Stream& Ledger::stream(Bot& receiver, BotId sender) {
  auto& v = receiver.streams;
  if (!v.empty() && v.back().sender < sender) return v.emplace_back(Stream{sender, {}, 0, 0});
  auto it = std::lower_bound(v.begin(), v.end(), sender, [](const Stream& s, BotId id) { return s.sender < id; });
  if (it != v.end() && it->sender == sender) return *it;
  return *v.insert(it, Stream{sender, {}, 0, 0});
}

const Ledger::Stream* Ledger::find_stream(const Bot& receiver, BotId sender) {
  const auto& v = receiver.streams;
  auto it = std::lower_bound(v.begin(), v.end(), sender, [](const Stream& s, BotId id) { return s.sender < id; });
  return it != v.end() && it->sender == sender ? &*it : nullptr;
}

Receipt Ledger::record_receipt(BotId receiver, BotId sender, Seq q, Channel channel, Tick t) {
  if (sender >= bots_.size() || receiver >= bots_.size() || q >= bots_[sender].sent.size() ||
      !may_receive(bots_[sender], sender, receiver, channel)) {
    ++unexpected_;
    return Receipt::Unexpected;
  }
  Bot& s = bots_[sender];
  Message& m = s.sent[q];
  if (m.witnessed == kNever) m.witnessed = t;
  Bot& r = bots_[receiver];
  if (nodes_ > 1) {
    Tick& on_node = s.witnessed_on[static_cast<std::size_t>(q) * nodes_ + r.node];
    on_node = std::min(on_node, t);
  }
  Stream& st = stream(r, sender);
  bool later_seen = !st.got.empty() && st.got.max() > q;
  if (!st.got.insert(q)) {
    ++st.duplicates;
    return Receipt::Duplicate;
  }
  if (draining_ && r.drain_counted && q + 1 == s.sent.size() && owes_last(receiver, sender)) {
    --r.drain_outstanding;
    --drain_pending_;
  }
  if (later_seen) {
    ++st.reordered;
    return Receipt::Late;
  }
  return Receipt::Fresh;
}

void Ledger::begin_drain() {
  draining_ = true;
  drain_pending_ = 0;
  std::vector<BotId> senders;
  for (BotId id = 0; id < bots_.size(); ++id)
    if (!bots_[id].sent.empty() && !bots_[id].vanished) senders.push_back(id);
  for (BotId id = 0; id < bots_.size(); ++id) {
    Bot& b = bots_[id];
    b.drain_outstanding = 0;
    b.drain_counted = !b.vanished && b.leave == kForever && b.welcomed != kNever;
    if (!b.drain_counted) continue;
    for (BotId s : senders) {
      if (!owes_last(id, s)) continue;
      const Stream* st = find_stream(b, s);
      if (st && st->got.contains(static_cast<Seq>(bots_[s].sent.size() - 1))) continue;
      ++b.drain_outstanding;
      ++drain_pending_;
    }
  }
}

Tally Ledger::tally(std::size_t problem_limit, const std::vector<bool>* bots, const TimeSlice* slice) const {
  Tally t;
  t.unexpected = bots ? 0 : unexpected_;
  auto counted = [bots](BotId id) { return !bots || (id < bots->size() && (*bots)[id]); };
  for (BotId sid = 0; sid < bots_.size(); ++sid) {
    const Bot& s = bots_[sid];
    const std::optional<Bounds> seqs = slice ? std::optional(in_slice(s.sent, *slice)) : std::nullopt;
    if (counted(sid)) t.sent += seqs ? seqs->size() : s.sent.size();
    if (s.sent.empty()) continue;
    const Ranges ranges(s, nodes_);
    auto judge = [&](BotId rid) {
      if (!counted(rid)) return;
      static const Stream kNothing{};  // the receiver got nothing from this sender
      const Stream* found = find_stream(bots_[rid], sid);
      const Stream& st = found ? *found : kNothing;
      judge_stream(t, problem_limit, rid, sid, ranges.window(bots_[rid], rid == sid), found ? &st.got : nullptr,
                   st.duplicates, st.reordered, seqs);
    };

    switch (s.audience) {
      case Audience::None: break;
      case Audience::Room:
        for (BotId rid = 0; rid < bots_.size(); ++rid)
          if (rid != sid) judge(rid);
        break;
      case Audience::Peer:
        if (s.peer != sid && s.peer < bots_.size()) judge(s.peer);
        if (s.private_echo) judge(sid);
        break;
    }
  }
  return t;
}

}  // namespace swarm
