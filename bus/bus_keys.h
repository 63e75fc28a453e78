// The Redis key names of the bus, all under one prefix (default "chat:") so that several
// chats, or a test and a chat, can share one Redis. docs/SCALING.md lists what each holds.
#pragma once

#include <string>
#include <string_view>

namespace bus {

struct BusKeys {
  std::string prefix = "chat:";

  std::string fence() const { return prefix + "fence"; }                                          // INCR: fence tokens
  std::string node(std::string_view name) const { return prefix + "node:" + std::string(name); }  // lease
  std::string node_prefix() const { return prefix + "node:"; }    // scripts build lease keys
  std::string names() const { return prefix + "names"; }          // hash name key -> owner
  std::string log() const { return prefix + "log"; }              // the stream
  std::string log_count() const { return prefix + "log:count"; }  // entries ever appended
  std::string seen(std::string_view node) const { return prefix + "seen:" + std::string(node); }
  std::string epoch() const { return prefix + "epoch"; }    // SET NX once
  std::string nodes() const { return prefix + "nodes"; }    // set: every node that registered
  std::string reaped() const { return prefix + "reaped"; }  // the fence counter at the last full reap
};

// A node name goes into keys and into "node|fence|..." values: no '|', no control bytes,
// not empty, at most 64 bytes.
bool valid_node_name(std::string_view name);

}  // namespace bus
