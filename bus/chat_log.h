// ChatLog: appends to the one stream that orders the chat. An append is one script that
// refuses a caller whose fence is not its node's live lease (a frozen node's late writes),
// drops a (node, seq) it has already stored (a re-send after a reconnect: the node's last
// kSeqsKept seqs are kept in a sorted set, so order of arrival does not matter), numbers the
// entries (n: 1, 2, 3... so readers see gaps), XADDs the call's entries as one stream entry
// (LogReader hands them out one by one) and trims the stream to about max_length of those.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/bus_script.h"

namespace bus {

// An entry's own fields, opaque to the bus. The bus adds n, node, s (the seq) and t (the
// writer's wall clock in ms, for the lag of its own entries); callers use other field names
// (and not seq, the seq's field in entries written before 2026-12-07).
using EntryFields = std::vector<std::pair<std::string, std::string>>;

enum class AppendOutcome : std::uint8_t {
  Appended,   // stored: `id`
  Duplicate,  // this (node, seq) or a later one was stored before: nothing done
  Fenced,     // the fence is not the node's live lease: refused
  Failed,     // no answer, or an error: `why`
};
struct AppendResult {
  AppendOutcome outcome = AppendOutcome::Failed;
  std::string id;
  std::string why;
};

class ChatLog {
 public:
  ChatLog(BusLink& link, BusKeys keys, std::uint64_t max_length = 100000);

  // `seq` is unique per `node` across its restarts (NodeLease hands out the highest one
  // Redis saw, to number after it); entries may arrive in any order. `done` runs once (at
  // once when not even queued). A batch of one.
  void append(const std::string& node, std::uint64_t fence, std::uint64_t seq, const EntryFields& fields,
              std::function<void(const AppendResult&)> done);

  // Several entries in one script call, in order, stored as one stream entry (they share its
  // id); `done` gets one result per entry. A node sends what accumulated in one event-loop
  // turn this way: one round of Redis's work, one XADD and one wake-up of every reader for
  // the lot, instead of one per line.
  struct Item {
    std::uint64_t seq;
    const EntryFields* fields;  // read before append_batch returns
  };
  void append_batch(const std::string& node, std::uint64_t fence, const std::vector<Item>& items,
                    std::function<void(const std::vector<AppendResult>&)> done);

  // Settles an entry whose fate is unknown (it was on the wire when a connection broke):
  // true, it was stored; false, it was not and from now on never will be (a later
  // append of it answers Duplicate). nullopt: no answer.
  void abandon(const std::string& node, std::uint64_t seq, std::function<void(std::optional<bool> stored)> done);

  std::uint64_t entries_written() const { return written_; }
  static constexpr std::uint64_t kSeqsKept = 10000;

 private:
  BusLink& link_;
  BusKeys keys_;
  std::uint64_t max_length_;
  BusScript append_batch_script_;
  BusScript abandon_script_;
  std::uint64_t written_ = 0;
};

}  // namespace bus
