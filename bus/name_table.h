// NameTable: the cluster's one name space, a hash `names` (field: the name's key, e.g. its
// lower-case form; value: node|fence|client|since|display). A claim is one script, so of any
// number of simultaneous claims exactly one wins; a name whose holder's lease is gone counts
// as free (and is reaped by the claim). Every call carries the caller's fence: a node whose
// lease is gone can neither claim nor release. `since` is when the name was first claimed
// (Redis's clock, microseconds): a node claiming its users' names again after Redis lost its
// state passes it, and the earlier claim keeps the name, displacing a later one.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bus/bus_keys.h"
#include "bus/bus_link.h"
#include "bus/bus_script.h"

namespace bus {

struct NameEntry {
  std::string key;          // the hash field: what uniqueness is decided on
  std::string node;         // holder
  std::uint64_t fence;      // the holder's lease token when it claimed
  std::string client;       // the holder's id for the user (opaque here)
  std::string display;      // the name as the user typed it
  std::uint64_t since = 0;  // first claimed (µs, Redis's clock); 0 in a new claim: now

  bool operator==(const NameEntry&) const = default;
};
// "node|fence|client|since|display" (display may contain '|'); nullopt when malformed.
std::optional<NameEntry> parse_name_entry(std::string_view key, std::string_view value);
std::string name_value(const NameEntry& entry);
// "node|fence|client|": what the value starts with for this holder.
std::string holder_prefix(const NameEntry& entry);

enum class ClaimOutcome : std::uint8_t {
  Granted,  // ours now; `previous` is a dead node's entry reaped on the way, if any, or the
            // live holder this earlier claim displaced (`displaced`)
  Taken,    // `previous` holds it under a live lease
  Fenced,   // the caller's lease is not live: nothing changed
  Failed,   // no answer (Redis unreachable...): `why`
};
struct ClaimResult {
  ClaimOutcome outcome = ClaimOutcome::Failed;
  std::optional<NameEntry> previous;
  std::string why;
  bool displaced = false;   // Granted over a live holder whose claim was later
  std::uint64_t since = 0;  // Granted: the claim's time, as stored
};

class NameTable {
 public:
  NameTable(BusLink& link, BusKeys keys);

  // `client` and `entry.node` must not contain '|'. `done` always runs once: with the
  // reply, or at once (Failed) when the command cannot even be queued. With `entry.since`
  // set (a name held before Redis lost its state), a live holder that claimed later is
  // displaced; a new claim (since 0) never displaces anyone.
  void claim(const NameEntry& entry, std::function<void(const ClaimResult&)> done);
  // Removes the name iff (node, fence) still holds it; done(true) when it did.
  void release(std::string_view key, std::string_view node, std::uint64_t fence, std::function<void(bool)> done);
  // Removes every name whose holder has no live lease; hands out what it removed, so a
  // surviving node can announce those users as gone. nullopt: no answer.
  void reap_dead(std::function<void(std::optional<std::vector<NameEntry>>)> done);
  // Every name (HGETALL), for a node that starts or reconnects. nullopt: no answer.
  void list(std::function<void(std::optional<std::vector<NameEntry>>)> done);
  // The connection its commands go through (owners hook its reconnects).
  BusLink& link() { return link_; }

 private:
  BusLink& link_;
  BusKeys keys_;
  BusScript claim_script_;
  BusScript release_script_;
  BusScript reap_script_;
};

}  // namespace bus
