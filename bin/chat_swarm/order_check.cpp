// Reference order: keys are (position in the first reference + 1) << 32 for the lines it
// has, and the same high part with a rising low part for lines only the second reference
// has, placed right after the last line both have before them.
#include "bin/chat_swarm/order_check.h"

#include <algorithm>

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

  for (BotId r = 0; r < traces_.size(); ++r) {
    if (traces_[r].empty() || follows(traces_[r], key)) continue;
    if (v.differing++ == 0) v.first_differing = r;
  }
  return v;
}

}  // namespace swarm
