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
constexpr std::string_view kAppendBatch = R"lua(
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'fenced', ''} end
local kept = tonumber(ARGV[5])
-- Looked at once per call (only this script's own ZADDs change them meanwhile): the
-- per-entry work is one ZADD and the XADD.
local trim_every = 64
local card = redis.call('ZCARD', KEYS[2])
local floor = nil
if card >= kept then floor = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]) end
local n = tonumber(redis.call('GET', KEYS[4]) or '0')
local first_n = n
local out = {}
local failed = nil
local i = 7
for e = 1, tonumber(ARGV[6]) do
  local seq = ARGV[i]
  local nf = tonumber(ARGV[i + 1])
  i = i + 2
  local verdict, id = 'appended', ''
  -- ZADD NX both asks whether the seq was stored and marks it: one command, not two.
  if (floor and tonumber(seq) < floor) or redis.call('ZADD', KEYS[2], 'NX', seq, seq) == 0 then
    verdict = 'duplicate'
  else
    local xadd = {'XADD', KEYS[1], '*', 'n', n + 1, 'node', ARGV[3], 'seq', seq, 't', ARGV[4]}
    for f = 0, 2 * nf - 1 do xadd[#xadd + 1] = ARGV[i + f] end
    id = redis.pcall(unpack(xadd))
    if type(id) == 'table' and id.err then
      -- Not stored (the key holds something else): unmarked, so a re-send is no duplicate.
      redis.call('ZREM', KEYS[2], seq)
      failed = id
      break
    end
    n = n + 1
    card = card + 1
    if not floor and card >= kept then
      floor = tonumber(redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2])
    end
  end
  i = i + 2 * nf
  out[#out + 1] = verdict
  out[#out + 1] = id
end
-- Every command a script calls costs about as much again as the command itself: the two
-- trims run once in trim_every entries (the stream's is approximate anyway).
if n ~= first_n then
  redis.call('INCRBY', KEYS[4], n - first_n)
  if math.floor(n / trim_every) ~= math.floor(first_n / trim_every) then
    redis.call('XTRIM', KEYS[1], 'MAXLEN', '~', ARGV[2])
  end
end
local over = card - kept
if over >= trim_every then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
if failed then return failed end
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
