// First a quick reference order: keys are (position in the first reference + 1) << 32 for
// the lines it has, and the same high part with a rising low part for lines only the second
// reference has, placed right after the last line both have before them. Where a line only
// the first lacks and one only the second lacks are neighbours, that placement is a guess; so
// when any receiver contradicts the quick order, the verdict comes from every receiver's
// constraints instead: each trace says "a before b" for its neighbours, and the traces agree
// exactly when those constraints have no cycle (then nobody differs). With a cycle, the
// reference is a topological order that follows the quick order where it must break a
// cycle, and the receivers contradicting it are counted.
#include "bin/chat_swarm/order_check.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <tuple>
#include <utility>

namespace swarm {
namespace {

constexpr std::uint64_t kUnplaced = UINT64_MAX;

bool follows(const std::vector<std::uint32_t>& trace, const std::vector<std::uint64_t>& key) {
  std::uint64_t last = 0;
  bool first = true;
  for (std::uint32_t line : trace) {
    std::uint64_t k = key[line];
    if (k == kUnplaced) continue;
    if (!first && k < last) return false;
    last = k;
    first = false;
  }
  return true;
}

// Positions (as keys) in a topological order of every trace's neighbour constraints. Of the
// lines free to go next, the one earliest in `hint` (the quick order) goes first; when a
// cycle leaves none free, the line earliest in `hint` is placed anyway, breaking the cycle
// the way the receiver with the most lines saw it.
std::vector<std::uint64_t> constrained_order(const std::vector<std::vector<std::uint32_t>>& traces, std::uint32_t lines,
                                             const std::vector<std::uint64_t>& hint) {
  std::vector<std::uint64_t> edges;
  for (const auto& t : traces)
    for (std::size_t i = 1; i < t.size(); ++i) edges.push_back(std::uint64_t{t[i - 1]} << 32 | t[i]);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  std::vector<std::uint32_t> first_edge(lines + 1, 0), indegree(lines, 0);
  for (std::uint64_t e : edges) {
    ++first_edge[(e >> 32) + 1];
    ++indegree[e & 0xFFFFFFFFu];
  }
  for (std::uint32_t v = 0; v < lines; ++v) first_edge[v + 1] += first_edge[v];
  struct Entry {
    bool blocked;  // constraints still ahead of it
    std::uint64_t hint;
    std::uint32_t line;
    bool operator>(const Entry& o) const { return std::tie(blocked, hint, line) > std::tie(o.blocked, o.hint, o.line); }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> ready;
  for (std::uint32_t v = 0; v < lines; ++v) ready.push({indegree[v] > 0, hint[v], v});
  std::vector<std::uint64_t> key(lines, kUnplaced);
  std::uint64_t next = 0;
  while (!ready.empty()) {
    const Entry e = ready.top();
    ready.pop();
    if (key[e.line] != kUnplaced || e.blocked != (indegree[e.line] > 0)) continue;  // placed, or stale
    key[e.line] = next++;
    for (std::uint32_t i = first_edge[e.line]; i < first_edge[e.line + 1]; ++i) {
      auto w = static_cast<std::uint32_t>(edges[i] & 0xFFFFFFFFu);
      if (key[w] == kUnplaced && --indegree[w] == 0) ready.push({false, hint[w], w});
    }
  }
  return key;
}

}  // namespace

void OrderCheck::observe(BotId receiver, std::uint32_t line) {
  if (recorded_ >= kMaxRecorded) {
    complete_ = false;
    return;
  }
  if (receiver >= traces_.size()) traces_.resize(receiver + 1);
  traces_[receiver].push_back(line);
  lines_ = std::max(lines_, line + 1);
  ++recorded_;
}

OrderVerdict OrderCheck::verdict() const {
  OrderVerdict v;
  v.complete = complete_;
  BotId first = 0;
  for (BotId r = 0; r < traces_.size(); ++r) {
    if (traces_[r].empty()) continue;
    ++v.receivers;
    if (traces_[r].size() > traces_[first].size()) first = r;
  }
  if (v.receivers == 0) return v;
  v.reference = first;

  std::vector<std::uint64_t> key(lines_, kUnplaced);
  const std::vector<std::uint32_t>& a = traces_[first];
  for (std::size_t i = 0; i < a.size(); ++i) key[a[i]] = static_cast<std::uint64_t>(i + 1) << 32;

  // The second reference: the longest trace with a line the first lacks.
  const std::vector<std::uint32_t>* b = nullptr;
  for (BotId r = 0; r < traces_.size(); ++r) {
    if (r == first || (b && traces_[r].size() <= b->size())) continue;
    if (std::any_of(traces_[r].begin(), traces_[r].end(), [&](std::uint32_t l) { return key[l] == kUnplaced; }))
      b = &traces_[r];
  }
  if (b) {
    std::uint64_t base = 0, sub = 0;
    for (std::uint32_t line : *b) {
      if (key[line] != kUnplaced && (key[line] & 0xFFFFFFFFu) == 0) {
        base = key[line];
        sub = 0;
      } else if (key[line] == kUnplaced) {
        key[line] = base | ++sub;
      }
    }
  }

  auto count_differing = [&] {
    v.differing = 0;
    for (BotId r = 0; r < traces_.size(); ++r) {
      if (traces_[r].empty() || follows(traces_[r], key)) continue;
      if (v.differing++ == 0) v.first_differing = r;
    }
  };
  count_differing();
  if (v.differing == 0) return v;
  key = constrained_order(traces_, lines_, key);
  count_differing();
  return v;
}

}  // namespace swarm
