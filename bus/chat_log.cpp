// ChatLog: the fenced, idempotent, numbered, trimmed append (see chat_log.h).
#include "bus/chat_log.h"

#include <chrono>
#include <memory>

namespace bus {
namespace {

// KEYS: stream, seen:<node> (sorted set of recent seqs), node:<node> (lease), log:count.
// ARGV: fence, seq, max length, node, t, seqs kept, then field, value, field, value...
// A seq older than every one kept counts as stored: its deadline passed long ago.
constexpr std::string_view kAppend = R"lua(
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'fenced', ''} end
if redis.call('ZSCORE', KEYS[2], ARGV[2]) then return {'duplicate', ''} end
local kept = tonumber(ARGV[6])
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if oldest[2] and redis.call('ZCARD', KEYS[2]) >= kept and tonumber(ARGV[2]) < tonumber(oldest[2]) then
  return {'duplicate', ''}
end
local n = redis.call('INCR', KEYS[4])
local xadd = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[3], '*', 'n', n, 'node', ARGV[4], 'seq', ARGV[2], 't', ARGV[5]}
for i = 7, #ARGV do xadd[#xadd + 1] = ARGV[i] end
local id = redis.call(unpack(xadd))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[2])
local over = redis.call('ZCARD', KEYS[2]) - kept
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
return {'appended', id}
)lua";

// The same for several entries. KEYS as above. ARGV: fence, max length, node, t, seqs kept,
// count, then per entry: seq, number of fields, field, value... -> verdict, id, verdict, id...
constexpr std::string_view kAppendBatch = R"lua(
if redis.call('GET', KEYS[3]) ~= ARGV[1] then return {'fenced', ''} end
local kept = tonumber(ARGV[5])
-- Looked at once per call (only this script's own ZADDs change them meanwhile): the
-- per-entry work is one ZSCORE, the XADD and its ZADD.
local card = redis.call('ZCARD', KEYS[2])
local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
local floor = (oldest[2] and card >= kept) and tonumber(oldest[2]) or nil
local n = tonumber(redis.call('GET', KEYS[4]) or '0')
local first_n = n
local out = {}
local i = 7
for e = 1, tonumber(ARGV[6]) do
  local seq = ARGV[i]
  local nf = tonumber(ARGV[i + 1])
  i = i + 2
  local verdict, id = 'appended', ''
  if (floor and tonumber(seq) < floor) or redis.call('ZSCORE', KEYS[2], seq) then
    verdict = 'duplicate'
  else
    n = n + 1
    local xadd = {'XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 'n', n, 'node', ARGV[3], 'seq', seq, 't', ARGV[4]}
    for f = 0, 2 * nf - 1 do xadd[#xadd + 1] = ARGV[i + f] end
    id = redis.call(unpack(xadd))
    redis.call('ZADD', KEYS[2], seq, seq)
    card = card + 1
    if not floor and card >= kept then
      oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      floor = tonumber(oldest[2])
    end
  end
  i = i + 2 * nf
  out[#out + 1] = verdict
  out[#out + 1] = id
end
if n ~= first_n then redis.call('INCRBY', KEYS[4], n - first_n) end
local over = card - kept
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
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
      append_script_(kAppend),
      append_batch_script_(kAppendBatch),
      abandon_script_(kAbandon) {}

void ChatLog::append(const std::string& node, std::uint64_t fence, std::uint64_t seq, const EntryFields& fields,
                     std::function<void(const AppendResult&)> done) {
  const auto wall_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  std::vector<std::string> args = {std::to_string(fence),   std::to_string(seq),      std::to_string(max_length_), node,
                                   std::to_string(wall_ms), std::to_string(kSeqsKept)};
  args.reserve(args.size() + 2 * fields.size());
  for (const auto& [field, value] : fields) {
    args.push_back(field);
    args.push_back(value);
  }
  auto finish = std::make_shared<std::function<void(const AppendResult&)>>(std::move(done));
  resp::RespStatus s =
      append_script_.run(link_.client(), {keys_.log(), keys_.seen(node), keys_.node(node), keys_.log_count()}, args,
                         [this, finish](const resp::RespResult& r) {
                           AppendResult result;
                           auto got = r.status == resp::RespStatus::Ok ? flat_strings(*r.reply) : std::nullopt;
                           if (!got || got->size() != 2) {
                             result.why = failure_of(r);
                           } else if ((*got)[0] == "appended") {
                             result.outcome = AppendOutcome::Appended;
                             result.id = (*got)[1];
                             ++written_;
                           } else if ((*got)[0] == "duplicate") {
                             result.outcome = AppendOutcome::Duplicate;
                           } else if ((*got)[0] == "fenced") {
                             result.outcome = AppendOutcome::Fenced;
                           } else {
                             result.why = "unknown verdict " + (*got)[0];
                           }
                           if (*finish) (*finish)(result);
                         });
  if (s != resp::RespStatus::Ok && *finish) (*finish)(AppendResult{AppendOutcome::Failed, {}, resp::to_string(s)});
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
