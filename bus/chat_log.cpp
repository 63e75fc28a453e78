// ChatLog: the fenced, idempotent, numbered, trimmed append (see chat_log.h).
#include "bus/chat_log.h"

#include <chrono>
#include <memory>

namespace bus {
namespace {

// KEYS: stream, seen:<node> (sorted set of the node's recent seqs), node:<node> (lease),
// log:count. ARGV: fence, max length, node, t, seqs kept, count, then per entry: seq, number
// of fields, field, value... -> verdict, id, verdict, id... A seq older than every one kept
// counts as stored: its deadline passed long ago.
//
// Every command a script calls costs about as much again as the command itself (docs/
// SCALING.md, "Fewer commands per script call"), so the commands are per call, not per
// entry: the entries not stored before go into one stream entry, `n` (the first one's
// number), `node`, `t`, then per entry `s` (its seq) and its fields; one ZMSCORE asks which
// seqs were stored, one ZADD marks the new ones, after the XADD (an XADD that fails marks
// nothing, so the re-send is stored). The two trims run once in trim_every entries.
constexpr std::string_view kAppendBatch = R"lua(
local got = redis.call('MGET', KEYS[3], KEYS[4])
if got[1] ~= ARGV[1] then return {'fenced', ''} end
local kept = tonumber(ARGV[5])
local trim_every = 64
local card = redis.call('ZCARD', KEYS[2])
local floor = nil
if card >= kept then floor = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]) end
local entries = tonumber(ARGV[6])
if entries == 0 then return {} end
local seqs, at = {}, {}
local i = 7
for e = 1, entries do
  seqs[e] = ARGV[i]
  at[e] = i + 1
  i = i + 2 + 2 * tonumber(ARGV[i + 1])
end
local stored = redis.call('ZMSCORE', KEYS[2], unpack(seqs))
local n = tonumber(got[2] or '0')
local first_n = n
local xadd = {'XADD', KEYS[1], '*', 'n', n + 1, 'node', ARGV[3], 't', ARGV[4]}
local marks, taken, out = {}, {}, {}
for e = 1, entries do
  local seq = seqs[e]
  out[2 * e] = ''
  if stored[e] or taken[seq] or (floor and tonumber(seq) < floor) then
    out[2 * e - 1] = 'duplicate'
  else
    out[2 * e - 1] = 'appended'
    taken[seq] = true
    n = n + 1
    marks[#marks + 1] = seq
    marks[#marks + 1] = seq
    xadd[#xadd + 1] = 's'
    xadd[#xadd + 1] = seq
    for f = at[e] + 1, at[e] + 2 * tonumber(ARGV[at[e]]) do xadd[#xadd + 1] = ARGV[f] end
  end
end
if n == first_n then return out end
local id = redis.pcall(unpack(xadd))
if type(id) == 'table' and id.err then return id end
redis.call('ZADD', KEYS[2], unpack(marks))
for e = 1, entries do
  if out[2 * e - 1] == 'appended' then out[2 * e] = id end
end
redis.call('INCRBY', KEYS[4], n - first_n)
if math.floor(n / trim_every) ~= math.floor(first_n / trim_every) then
  redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
end
local over = card + n - first_n - kept
if over >= trim_every then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
return out
)lua";

// KEYS: seen:<node>. ARGV: seq. -> 1: it was stored; 0: it was not, and now never will be
constexpr std::string_view kAbandon = R"lua(
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 1 end
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[1])
return 0
)lua";

}  // namespace

ChatLog::ChatLog(BusLink& link, BusKeys keys, std::uint64_t max_length)
    : link_(link),
      keys_(std::move(keys)),
      max_length_(max_length),
      append_batch_script_(kAppendBatch),
      abandon_script_(kAbandon) {}

void ChatLog::append(const std::string& node, std::uint64_t fence, std::uint64_t seq, const EntryFields& fields,
                     std::function<void(const AppendResult&)> done) {
  append_batch(node, fence, {Item{seq, &fields}}, [done = std::move(done)](const std::vector<AppendResult>& results) {
    if (done) done(results.empty() ? AppendResult{AppendOutcome::Failed, {}, "no result"} : results.front());
  });
}

void ChatLog::append_batch(const std::string& node, std::uint64_t fence, const std::vector<Item>& items,
                           std::function<void(const std::vector<AppendResult>&)> done) {
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::vector<std::string> args = {std::to_string(fence),   std::to_string(max_length_), node,
                                   std::to_string(wall_ms), std::to_string(kSeqsKept),   std::to_string(items.size())};
  for (const Item& item : items) {
    args.push_back(std::to_string(item.seq));
    args.push_back(std::to_string(item.fields->size()));
    for (const auto& [field, value] : *item.fields) {
      args.push_back(field);
      args.push_back(value);
    }
  }
  const std::size_t count = items.size();
  auto finish = std::make_shared<std::function<void(const std::vector<AppendResult>&)>>(std::move(done));
  auto fail_all = [count, finish](const std::string& why) {
    if (*finish) (*finish)(std::vector<AppendResult>(count, AppendResult{AppendOutcome::Failed, {}, why}));
  };
  resp::RespStatus s = append_batch_script_.run(
      link_.client(), {keys_.log(), keys_.seen(node), keys_.node(node), keys_.log_count()}, args,
      [this, count, finish, fail_all](const resp::RespResult& r) {
        auto got = r.status == resp::RespStatus::Ok ? flat_strings(*r.reply) : std::nullopt;
        if (got && got->size() == 2 && (*got)[0] == "fenced") {
          if (*finish) (*finish)(std::vector<AppendResult>(count, AppendResult{AppendOutcome::Fenced, {}, {}}));
          return;
        }
        if (!got || got->size() != 2 * count) {
          fail_all(got ? "a reply of the wrong size" : failure_of(r));
          return;
        }
        std::vector<AppendResult> results(count);
        for (std::size_t i = 0; i < count; ++i) {
          const std::string& verdict = (*got)[2 * i];
          if (verdict == "appended") {
            results[i] = AppendResult{AppendOutcome::Appended, (*got)[2 * i + 1], {}};
            ++written_;
          } else if (verdict == "duplicate") {
            results[i].outcome = AppendOutcome::Duplicate;
          } else {
            results[i].why = "unknown verdict " + verdict;
          }
        }
        if (*finish) (*finish)(results);
      });
  if (s != resp::RespStatus::Ok) fail_all(resp::to_string(s));
}

void ChatLog::abandon(const std::string& node, std::uint64_t seq, std::function<void(std::optional<bool>)> done) {
  auto finish = std::make_shared<std::function<void(std::optional<bool>)>>(std::move(done));
  resp::RespStatus s = abandon_script_.run(
      link_.client(), {keys_.seen(node)}, {std::to_string(seq)}, [finish](const resp::RespResult& r) {
        std::optional<bool> stored;
        if (r.status == resp::RespStatus::Ok && r.reply->top.type == resp::RespType::Integer)
          stored = r.reply->top.integer == 1;
        (*finish)(stored);
      });
  if (s != resp::RespStatus::Ok) (*finish)(std::nullopt);
}

}  // namespace bus
