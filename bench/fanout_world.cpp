// FanoutWorld: what both worlds share (talking to the receivers) and the one-world cache.
#include "bench/fanout_world.h"

#include "reactor/socket.h"

namespace bench {

bool FanoutWorld::expect(std::size_t burst) {
  Message m(Op::Expect, static_cast<std::uint64_t>(burst * clients_));
  if (!receivers_.send(m)) return fail("cannot talk to the receiver process");
  return await(Op::Expecting);
}

bool FanoutWorld::tally(Tally& out) {
  if (!receivers_.send(Message(Op::Tally))) return fail("cannot talk to the receiver process");
  Message m;
  if (!await(Op::Tally, m, kSetupTimeoutMs)) return false;
  out = {m.a, m.b, m.c};
  return true;
}

bool FanoutWorld::check_descriptors(std::size_t extra) {
  std::uint64_t limit = reactor::raise_descriptor_limit();
  if (clients_ + extra <= limit) return true;
  return fail(std::to_string(clients_) + " clients need " + std::to_string(clients_ + extra) +
              " descriptors in this process; its limit is " + std::to_string(limit));
}

namespace {
struct Current {
  WorldKind kind = WorldKind::Floor;
  std::unique_ptr<FanoutWorld> world;
};
Current& current() {
  static Current c;
  return c;
}
}  // namespace

FanoutWorld* acquire_world(WorldKind kind, std::size_t clients, std::string& error) {
  Current& c = current();
  if (c.world && c.kind == kind && c.world->clients() == clients) return c.world.get();
  c.world.reset();  // its descriptors first: two large worlds do not fit
  c.world = kind == WorldKind::Floor ? make_floor_world(clients, error) : make_chat_world(clients, error);
  c.kind = kind;
  return c.world.get();
}

void release_world() { current().world.reset(); }

}  // namespace bench
