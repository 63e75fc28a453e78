// ClusterNode: wiring of the bus to the chat, and the node's reactions to what Redis does.
#include "cluster/cluster_node.h"

#include <algorithm>
#include <random>

#include "net/log.h"

namespace cluster {
namespace {

bus::BusLinkOptions link_options(const ClusterOptions& o, std::uint64_t salt,
                                 std::chrono::milliseconds blocks_for = std::chrono::milliseconds(0)) {
  bus::BusLinkOptions l;
  l.client.password = o.password;
  if (o.answer_timeout.count() > 0) l.client.answer_timeout = o.answer_timeout + blocks_for;
  // Jitter: nodes that lost Redis together do not all come back in the same millisecond.
  l.seed = std::random_device{}() ^ salt;
  return l;
}

// A few of the longest lines this node accepts fit the outbox, and all of the outbox fits
// the writer's queue of commands.
ClusterOptions sized_for_lines(ClusterOptions o) {
  o.outbox.max_bytes = std::max(o.outbox.max_bytes, 4 * event_bytes_for(o.max_line));
  return o;
}

bus::BusLinkOptions writer_options(const ClusterOptions& o) {
  bus::BusLinkOptions l = link_options(o, 1);
  l.client.max_pending_bytes = std::max(l.client.max_pending_bytes, o.outbox.max_bytes + (std::size_t{1} << 20));
  return l;
}

// Whatever another node's max-line, one stream entry (an append call: Outbox::kBatchBytes,
// or one entry past them) fits a reply; LogReader asks for fewer at a time after a reply
// that did not fit.
bus::BusLinkOptions reader_link_options(const ClusterOptions& o, std::chrono::milliseconds blocks_for) {
  bus::BusLinkOptions l = link_options(o, 2, blocks_for);
  l.client.limits.max_bulk = std::max(l.client.limits.max_bulk, kMaxEventBytes + (std::size_t{64} << 10));
  l.client.limits.max_reply =
      std::max(l.client.limits.max_reply, 2 * (kMaxEventBytes + bus::Outbox::kBatchBytes) + (std::size_t{1} << 20));
  return l;
}

bus::BusKeys keys_of(const ClusterOptions& o) {
  bus::BusKeys k;
  k.prefix = o.prefix;
  return k;
}

bus::LogReaderOptions reader_options(const ClusterOptions& o) {
  bus::LogReaderOptions r;
  r.own_node = o.node;
  return r;
}

}  // namespace

ClusterNode::ClusterNode(reactor::EventLoop& loop, chat::Room& room, ClusterOptions options)
    : loop_(loop),
      room_(room),
      options_(sized_for_lines(std::move(options))),
      keys_(keys_of(options_)),
      link_(loop, options_.redis, writer_options(options_)),
      lease_(loop, link_, keys_, options_.node, bus::NodeLeaseOptions{options_.lease, options_.renew_every}),
      table_(link_, keys_),
      log_(link_, keys_, options_.log_length),
      outbox_(loop, link_, log_, options_.node, options_.outbox),
      reader_(loop, options_.redis, keys_, reader_options(options_),
              reader_link_options(options_, reader_options(options_).block)),
      cluster_room_(room, options_.node),
      feed_(loop, outbox_, room, options_.node, options_.outbox.deadline, 2 * event_bytes_for(options_.max_line)),
      names_(loop, table_, cluster_room_, feed_, options_.node, options_.claim_patience) {
  feed_.set_speech([this](chat::ClientId id) { return names_.speech(id); });
  cluster_room_.set_on_own_join([this](chat::ClientId id) { names_.joined(id); });
  cluster_room_.set_on_displaced([this](chat::ClientId id, std::string_view name) { names_.displaced(id, name); });
  cluster_room_.set_on_own_leave([this](chat::ClientId id) { feed_.leave_read_back(id); });
  lease_.set_on_granted([this](std::uint64_t fence, std::uint64_t last_seq) { granted(fence, last_seq); });
  lease_.set_on_lost([this](std::string_view why) { lease_lost(why); });
  reader_.set_on_entry([this](const bus::LogEntry& e) { entry(e); });
  reader_.set_on_gap([this](std::uint64_t missed) { gap(missed); });
  reader_.set_on_state_lost([this](std::string_view why) { state_lost(why); });
  reader_.set_on_ready([this] {
    reader_ready_ = true;
    seed();
    check_ready();
  });
  auto report_down = [this](std::string_view why) {
    if (!stopping_)
      net::log_event(net::LogLevel::Warn, "cluster_redis_down", "lost the connection to Redis; reconnecting",
                     {{"node", options_.node}, {"why", why}});
  };
  link_.add_on_down(report_down);
  link_.add_on_up([this] {
    net::log_event(net::LogLevel::Info, "cluster_redis_up", "connected to Redis", {{"node", options_.node}});
  });
}

ClusterNode::~ClusterNode() {
  loop_.cancel_timer(reap_timer_);
  reader_.stop();
  link_.stop();
}

void ClusterNode::start() {
  // The reader first, so that it is positioned at the log's end before this node writes.
  reader_.start();
  link_.start();
  lease_.start();
  reap_timer_ = loop_.add_timer(options_.reap_every, [this] { reap(); });
}

void ClusterNode::check_ready() {
  if (was_ready_ || !ready()) return;
  was_ready_ = true;
  net::log_event(net::LogLevel::Info, "cluster_ready", "joined the cluster", {{"node", options_.node}});
  if (on_ready_) on_ready_();
}

void ClusterNode::granted(std::uint64_t fence, std::uint64_t last_seq) {
  net::log_event(net::LogLevel::Info, "cluster_lease", "lease granted", {{"node", options_.node}, {"fence", fence}});
  outbox_.set_fence(fence, last_seq);
  names_.set_fence(fence);
  check_ready();
}

void ClusterNode::lease_lost(std::string_view why) {
  ++leases_lost_;
  net::log_event(net::LogLevel::Warn, "cluster_lease_lost", "the node's lease is gone; registering again",
                 {{"node", options_.node}, {"why", why}});
  outbox_.set_fence(0);
  names_.set_fence(0);
  // Others may have announced this node's users as gone: what they said before must not
  // appear after that under a new lease.
  outbox_.give_up_unwritten();
  feed_.refuse_all_held();
  if (!stopping_) lease_.start();
}

void ClusterNode::entry(const bus::LogEntry& e) {
  std::optional<LogEvent> event = decode(e);
  if (!event) {
    net::log_event(net::LogLevel::Warn, "cluster_bad_entry", "ignored a log entry that is not a chat event",
                   {{"id", e.id}});
    return;
  }
  if (before_telling_) before_telling_();
  cluster_room_.apply(*event);
}

void ClusterNode::tell_everyone(const chat::ChatEvent& event) {
  if (before_telling_) before_telling_();
  room_.broadcast(event, std::nullopt);
}

void ClusterNode::gap(std::uint64_t missed) {
  net::log_event(net::LogLevel::Warn, "cluster_gap", "fell behind the log; lines were missed",
                 {{"node", options_.node}, {"missed", missed}});
  chat::ChatEvent e;
  e.kind = chat::EventKind::LinesMissed;
  e.count = missed;
  tell_everyone(e);
  names_.log_skipped();
  feed_.log_skipped();
  seed();  // joins and departures may be among what was missed
}

void ClusterNode::state_lost(std::string_view why) {
  ++states_lost_;
  net::log_event(net::LogLevel::Warn, "cluster_state_lost", "Redis lost the chat's state; claiming names again",
                 {{"node", options_.node}, {"why", why}});
  chat::ChatEvent e;
  e.kind = chat::EventKind::ChatReset;
  tell_everyone(e);
  cluster_room_.forget_all_remote();  // each node's users come back as they are claimed again
  names_.log_lost();
  feed_.log_lost();
  // The lease key went with the rest: the renewal will say so; ask for a new one now.
  if (lease_.state() == bus::NodeLease::State::Held) lease_lost("Redis lost its state");
}

void ClusterNode::seed() {
  table_.list([this](std::optional<std::vector<bus::NameEntry>> names) {
    if (names) cluster_room_.seed(*names);
  });
}

void ClusterNode::reap() {
  reap_timer_ = loop_.add_timer(options_.reap_every, [this] { reap(); });
  if (lease_.state() != bus::NodeLease::State::Held || !link_.up()) return;
  table_.reap_dead([this](std::optional<std::vector<bus::NameEntry>> gone) {
    if (!gone) return;
    for (const bus::NameEntry& n : *gone) {
      if (n.node == options_.node) continue;  // our own stale entries: reclaimed, not announced
      net::log_event(net::LogLevel::Info, "cluster_reaped", "a dead node's user is gone",
                     {{"node", n.node}, {"name", n.display}});
      names_.announce_gone(n);
    }
  });
}

void ClusterNode::stop(std::function<void()> done) {
  stopping_ = true;
  loop_.cancel_timer(reap_timer_);
  feed_.refuse_all_held();  // their authors are told, not left wondering
  feed_.after_pending([this, done = std::move(done)]() mutable { lease_.release(std::move(done)); });
}

ClusterStats ClusterNode::stats() const {
  ClusterStats s;
  s.written = log_.entries_written();
  s.read = reader_.entries_read();
  s.gaps = reader_.gaps();
  s.lag_ms = reader_.last_lag_ms();
  s.reconnects = link_.reconnects() + reader_.link().reconnects();
  s.round_trip = link_.last_round_trip();
  s.outbox = outbox_.size();
  s.not_delivered = feed_.not_delivered();
  s.remote_members = cluster_room_.remote_members();
  s.leases_lost = leases_lost_;
  s.states_lost = states_lost_;
  return s;
}

}  // namespace cluster
