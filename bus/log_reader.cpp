// LogReader: the state check on every connect, then XREAD BLOCK in a loop (see log_reader.h).
#include "bus/log_reader.h"

#include <algorithm>
#include <memory>
#include <random>

namespace bus {
namespace {

bool parse_id(std::string_view id, std::uint64_t& ms, std::uint64_t& seq) {
  const std::size_t dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  auto a = to_int(id.substr(0, dash));
  auto b = to_int(id.substr(dash + 1));
  if (!a || !b || *a < 0 || *b < 0) return false;
  ms = static_cast<std::uint64_t>(*a);
  seq = static_cast<std::uint64_t>(*b);
  return true;
}

std::string random_epoch() {
  std::random_device device;
  return std::to_string(device()) + "-" + std::to_string(device()) + "-" + std::to_string(device());
}

// One stream entry at items[i] ([id, [field, value...]]) into `entries`, the chat entries
// it holds; i moves past it. An append call stores its entries as one stream entry: n (the
// first one's number), node, t, then per entry s (its seq) and its fields. Entries written
// before 2026-12-07 hold one each, its seq in field seq.
bool read_entries(const std::vector<resp::RespItem>& items, std::size_t& i, std::vector<LogEntry>& entries) {
  const std::size_t end = i + resp::item_span(items, i);
  if (items[i].type != resp::RespType::Array || items[i].integer != 2 || end > items.size()) return false;
  const resp::RespItem& pairs = items[i + 2];
  if (pairs.type != resp::RespType::Array || pairs.integer % 2 != 0) return false;
  entries.clear();
  std::uint64_t first_n = 0;
  std::string node;
  std::int64_t wall_ms = 0;
  for (std::size_t at = i + 3; at + 1 < end; at += 2) {
    std::string_view field = items[at].text;
    std::string_view value = items[at + 1].text;
    if (field == "n") {
      first_n = static_cast<std::uint64_t>(to_int(value).value_or(0));
    } else if (field == "node") {
      node = std::string(value);
    } else if (field == "t") {
      wall_ms = to_int(value).value_or(0);
    } else if (field == "s" || field == "seq") {
      entries.emplace_back().seq = static_cast<std::uint64_t>(to_int(value).value_or(0));
    } else {
      if (entries.empty()) entries.emplace_back();
      entries.back().fields.emplace_back(field, value);
    }
  }
  if (entries.empty()) entries.emplace_back();
  for (std::size_t k = 0; k < entries.size(); ++k) {
    LogEntry& entry = entries[k];
    entry.id = std::string(items[i + 1].text);
    entry.n = first_n + k;
    entry.node = node;
    entry.wall_ms = wall_ms;
  }
  i = end;
  return true;
}

// A PING would wait behind the XREAD BLOCK: the round trip is measured on the command link.
BusLinkOptions without_pings(BusLinkOptions options) {
  options.ping_every = std::chrono::milliseconds(0);
  return options;
}

}  // namespace

bool stream_id_less(std::string_view a, std::string_view b) {
  std::uint64_t am = 0, as = 0, bm = 0, bs = 0;
  if (!parse_id(a, am, as) || !parse_id(b, bm, bs)) return false;
  return am < bm || (am == bm && as < bs);
}

LogReader::LogReader(reactor::EventLoop& loop, std::vector<reactor::SocketAddress> redis, BusKeys keys,
                     LogReaderOptions options, BusLinkOptions link_options)
    : link_(loop, std::move(redis), without_pings(std::move(link_options))),
      keys_(std::move(keys)),
      options_(std::move(options)) {
  count_ = std::max<std::size_t>(1, options_.batch);
  link_.add_on_up([this] {
    ++connection_;
    check_state();
  });
  // The XREAD is nearly always on the wire, so this cannot tell a reply too large for the
  // limits from Redis going away; halving costs a few smaller reads after a restart, and
  // guarantees that a run of long entries is read, one by one if need be, and not retried
  // whole on every reconnect.
  link_.add_on_down([this](std::string_view) { count_ = std::max<std::size_t>(1, count_ / 2); });
}

// Pipelined: offer an epoch (kept only if there is none), read the epoch, read the log's
// last entry. All three are answered before anything else on this connection.
void LogReader::check_state() {
  const std::uint64_t connection = connection_;
  // A new offer every time: an epoch this reader offered once and Redis then lost must
  // not come back equal.
  my_epoch_ = random_epoch();
  resp::RespClient& c = link_.client();
  const std::string epoch_key = keys_.epoch();
  const std::string log_key = keys_.log();
  c.command({"SET", epoch_key, my_epoch_, "NX"}, nullptr);
  auto epoch = std::make_shared<std::string>();
  c.command({"GET", epoch_key}, [epoch](const resp::RespResult& r) {
    if (r.status == resp::RespStatus::Ok && r.reply->top.type == resp::RespType::Bulk) *epoch = r.reply->top.text;
  });
  c.command({"XREVRANGE", log_key, "+", "-", "COUNT", "1"}, [this, connection, epoch](const resp::RespResult& r) {
    if (connection != connection_ || r.status != resp::RespStatus::Ok || r.reply->is_error()) return;
    std::string end_id = "0-0";
    std::uint64_t end_n = 0;
    if (!r.reply->items.empty()) {
      std::size_t i = 0;
      std::vector<LogEntry> last;
      if (read_entries(r.reply->items, i, last)) {
        end_id = last.back().id;
        end_n = last.back().n;
      }
    }
    checked(*epoch, end_id, end_n);
  });
}

void LogReader::checked(const std::string& epoch, const std::string& end_id, std::uint64_t end_n) {
  std::string lost;
  bool empty_again = false;
  if (!epoch_.empty() && epoch != epoch_) {
    lost = "the cluster epoch changed: Redis came back without its data";
    empty_again = true;
  } else if (positioned_ && (stream_id_less(end_id, last_id_) || end_n < last_n_)) {
    lost = "the log ends before what was already read: Redis came back from an older snapshot";
  }
  epoch_ = epoch;
  if (!positioned_ && !options_.from_start) {
    last_id_ = end_id;
    last_n_ = end_n;
  }
  if (empty_again) {
    // Everything the log holds was written since Redis came back (nodes that reconnected
    // sooner claiming their names again): all of it is news.
    last_id_ = "0-0";
    last_n_ = 0;
  } else if (!lost.empty()) {
    // An older snapshot: what was read stays delivered; go on after what the log holds now.
    last_id_ = end_id;
    last_n_ = end_n;
  }
  const bool first = !positioned_;
  positioned_ = true;
  if (!lost.empty() && on_state_lost_) on_state_lost_(lost);
  if (first && on_ready_) on_ready_();
  read_more();
}

void LogReader::read_more() {
  if (!link_.up()) return;
  const std::uint64_t connection = connection_;
  const std::string block = std::to_string(options_.block.count());
  const std::string count = std::to_string(count_);
  const std::string log_key = keys_.log();
  link_.client().command({"XREAD", "COUNT", count, "BLOCK", block, "STREAMS", log_key, last_id_},
                         [this, connection](const resp::RespResult& r) {
                           if (connection != connection_ || r.status != resp::RespStatus::Ok) return;
                           if (!r.reply->is_error()) {
                             count_ = std::min(std::max<std::size_t>(1, options_.batch), count_ * 2);
                             deliver(*r.reply);
                           }
                           if (connection == connection_) read_more();
                         });
  link_.client().flush();
}

// [[stream, [entry, entry...]]] or a nil on timeout.
void LogReader::deliver(const resp::RespReply& reply) {
  const auto& items = reply.items;
  if (reply.top.type != resp::RespType::Array || items.size() < 3) return;
  std::size_t i = 3;  // past [stream, name, entries-array header]
  const std::size_t end = 2 + resp::item_span(items, 2);
  std::vector<LogEntry> entries;
  while (i < end && read_entries(items, i, entries)) {
    last_id_ = entries.front().id;
    for (const LogEntry& entry : entries) deliver(entry);
  }
}

void LogReader::deliver(const LogEntry& entry) {
  if (entry.n <= last_n_ && last_n_ != 0) return;  // not newer than what was delivered
  if (last_n_ != 0 && entry.n > last_n_ + 1) {
    ++gaps_;
    if (on_gap_) on_gap_(entry.n - last_n_ - 1);
  } else if (last_n_ == 0 && options_.from_start && entry.n > 1 && read_ == 0) {
    ++gaps_;
    if (on_gap_) on_gap_(entry.n - 1);
  }
  last_n_ = entry.n;
  ++read_;
  if (!options_.own_node.empty() && entry.node == options_.own_node) {
    last_lag_ms_ =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count() -
        entry.wall_ms;
  }
  if (on_entry_) on_entry_(entry);
}

}  // namespace bus
