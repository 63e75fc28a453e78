// NameTable: claim, release, reap and list as Lua scripts (see name_table.h). Scripts read
// lease keys they build from the prefix: fine on one Redis, not on Redis Cluster.
#include "bus/name_table.h"

#include <memory>

namespace bus {
namespace {

// KEYS: names. ARGV: lease key prefix, name key, node, fence, "node|fence|client|", display,
// since ('0': a new claim, stamped now). -> {verdict, previous value or '', since}.
constexpr std::string_view kClaim = R"lua(
if redis.call('GET', ARGV[1] .. ARGV[3]) ~= ARGV[4] then return {'fenced', '', ''} end
local since = ARGV[7]
if since == '0' then
  local t = redis.call('TIME')
  since = t[1] .. string.format('%06d', tonumber(t[2]))
end
local cur = redis.call('HGET', KEYS[1], ARGV[2])
local verdict = 'granted'
if cur and string.sub(cur, 1, #ARGV[5]) ~= ARGV[5] then
  local owner, token, held = string.match(cur, '^([^|]*)|([^|]*)|[^|]*|([^|]*)|')
  if owner and redis.call('GET', ARGV[1] .. owner) == token then
    if ARGV[7] == '0' or not tonumber(held) or tonumber(held) <= tonumber(ARGV[7]) then return {'taken', cur, ''} end
    verdict = 'displaced'
  end
end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[5] .. since .. '|' .. ARGV[6])
return {verdict, cur or '', since}
)lua";

// KEYS: names, the caller's lease. ARGV: name key, "node|fence|", fence.
constexpr std::string_view kRelease = R"lua(
if redis.call('GET', KEYS[2]) ~= ARGV[3] then return 0 end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur and string.sub(cur, 1, #ARGV[2]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
  return 1
end
return 0
)lua";

// KEYS: names, nodes, fence counter, reaped. ARGV: lease key prefix. -> {key, value, key,
// value...} of what it removed. The walk of every name runs only when it can find something:
// a registered node's lease is gone, or a node registered since the last walk (its names of
// an earlier lease are stale). Otherwise the cost is one EXISTS per node.
constexpr std::string_view kReap = R"lua(
local dead = {}
local any = false
for _, n in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('EXISTS', ARGV[1] .. n) == 0 then
    dead[#dead + 1] = n
    any = true
  end
end
local fence = redis.call('GET', KEYS[3]) or '0'
if not any and redis.call('GET', KEYS[4]) == fence then return {} end
local all = redis.call('HGETALL', KEYS[1])
local live = {}
local out = {}
for i = 1, #all, 2 do
  local owner, token = string.match(all[i + 1], '^([^|]*)|([^|]*)|')
  local alive = false
  if owner then
    if live[owner] == nil then live[owner] = redis.call('GET', ARGV[1] .. owner) or false end
    alive = live[owner] == token
  end
  if not alive then
    redis.call('HDEL', KEYS[1], all[i])
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
for _, n in ipairs(dead) do redis.call('SREM', KEYS[2], n) end
redis.call('SET', KEYS[4], fence)
return out
)lua";

std::optional<std::vector<NameEntry>> pairs_to_entries(const resp::RespResult& r) {
  if (r.status != resp::RespStatus::Ok) return std::nullopt;
  auto flat = flat_strings(*r.reply);
  if (!flat || flat->size() % 2 != 0) return std::nullopt;
  std::vector<NameEntry> out;
  for (std::size_t i = 0; i < flat->size(); i += 2)
    if (auto e = parse_name_entry((*flat)[i], (*flat)[i + 1])) out.push_back(std::move(*e));
  return out;
}

}  // namespace

std::optional<NameEntry> parse_name_entry(std::string_view key, std::string_view value) {
  std::string_view parts[4];
  for (std::string_view& part : parts) {
    const std::size_t bar = value.find('|');
    if (bar == std::string_view::npos) return std::nullopt;
    part = value.substr(0, bar);
    value.remove_prefix(bar + 1);
  }
  auto fence = to_int(parts[1]);
  auto since = to_int(parts[3]);
  if (!fence || *fence < 0 || !since || *since < 0) return std::nullopt;
  return NameEntry{std::string(key),      std::string(parts[0]), static_cast<std::uint64_t>(*fence),
                   std::string(parts[2]), std::string(value),    static_cast<std::uint64_t>(*since)};
}

std::string name_value(const NameEntry& e) { return holder_prefix(e) + std::to_string(e.since) + "|" + e.display; }

std::string holder_prefix(const NameEntry& e) { return e.node + "|" + std::to_string(e.fence) + "|" + e.client + "|"; }

NameTable::NameTable(BusLink& link, BusKeys keys)
    : link_(link), keys_(std::move(keys)), claim_script_(kClaim), release_script_(kRelease), reap_script_(kReap) {}

void NameTable::claim(const NameEntry& entry, std::function<void(const ClaimResult&)> done) {
  auto finish = std::make_shared<std::function<void(const ClaimResult&)>>(std::move(done));
  const std::string key = entry.key;
  resp::RespStatus s = claim_script_.run(link_.client(), {keys_.names()},
                                         {keys_.node_prefix(), entry.key, entry.node, std::to_string(entry.fence),
                                          holder_prefix(entry), entry.display, std::to_string(entry.since)},
                                         [finish, key](const resp::RespResult& r) {
                                           ClaimResult result;
                                           auto got =
                                               r.status == resp::RespStatus::Ok ? flat_strings(*r.reply) : std::nullopt;
                                           if (!got || got->size() != 3) {
                                             result.why = failure_of(r);
                                             (*finish)(result);
                                             return;
                                           }
                                           const std::string& verdict = (*got)[0];
                                           if (!(*got)[1].empty()) result.previous = parse_name_entry(key, (*got)[1]);
                                           if (verdict == "granted" || verdict == "displaced") {
                                             result.outcome = ClaimOutcome::Granted;
                                             result.displaced = verdict == "displaced";
                                             result.since = static_cast<std::uint64_t>(to_int((*got)[2]).value_or(0));
                                           } else if (verdict == "taken") {
                                             result.outcome = ClaimOutcome::Taken;
                                           } else if (verdict == "fenced") {
                                             result.outcome = ClaimOutcome::Fenced;
                                           } else {
                                             result.why = "unknown verdict " + verdict;
                                           }
                                           (*finish)(result);
                                         });
  if (s != resp::RespStatus::Ok) (*finish)(ClaimResult{ClaimOutcome::Failed, std::nullopt, resp::to_string(s)});
}

void NameTable::release(std::string_view key, std::string_view node, std::uint64_t fence,
                        std::function<void(bool)> done) {
  auto finish = std::make_shared<std::function<void(bool)>>(std::move(done));
  const std::string token = std::to_string(fence);
  const std::string holder = std::string(node) + "|" + token + "|";
  resp::RespStatus s = release_script_.run(link_.client(), {keys_.names(), keys_.node(node)},
                                           {std::string(key), holder, token}, [finish](const resp::RespResult& r) {
                                             const bool removed = r.status == resp::RespStatus::Ok &&
                                                                  r.reply->top.type == resp::RespType::Integer &&
                                                                  r.reply->top.integer == 1;
                                             if (*finish) (*finish)(removed);
                                           });
  if (s != resp::RespStatus::Ok && *finish) (*finish)(false);
}

void NameTable::reap_dead(std::function<void(std::optional<std::vector<NameEntry>>)> done) {
  auto finish = std::make_shared<decltype(done)>(std::move(done));
  resp::RespStatus s =
      reap_script_.run(link_.client(), {keys_.names(), keys_.nodes(), keys_.fence(), keys_.reaped()},
                       {keys_.node_prefix()}, [finish](const resp::RespResult& r) { (*finish)(pairs_to_entries(r)); });
  if (s != resp::RespStatus::Ok) (*finish)(std::nullopt);
}

void NameTable::list(std::function<void(std::optional<std::vector<NameEntry>>)> done) {
  auto finish = std::make_shared<decltype(done)>(std::move(done));
  const std::string names = keys_.names();
  resp::RespStatus s = link_.client().command({"HGETALL", names},
                                              [finish](const resp::RespResult& r) { (*finish)(pairs_to_entries(r)); });
  if (s != resp::RespStatus::Ok) (*finish)(std::nullopt);
}

}  // namespace bus
