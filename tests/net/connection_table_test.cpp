// ConnectionTable: ids are slot + generation, so an id kept past its connection's departure
// (by a timer, a reply) finds nothing, even once a newcomer has the same descriptor and slot.
#include "net/connection_table.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <unordered_set>

#include "reactor/timer_queue.h"
#include "recording_door.h"

using chat::ClientId;
using net::Connection;
using net::ConnectionTable;

namespace {
net_test::RecordingDoor door;

std::unique_ptr<Connection> connection(int fd) {
  return std::make_unique<Connection>(fd, reactor::PeerAddress{"10.0.0.1", 4000}, door, 512, 0.0, 0.0);
}
}  // namespace

TEST(ConnectionTable, FindsByIdAndByDescriptorUntilErased) {
  ConnectionTable table;
  ClientId a = table.insert(connection(7));
  ClientId b = table.insert(connection(9));
  ASSERT_NE(table.find(a), nullptr);
  EXPECT_EQ(table.find(a)->fd(), 7);
  EXPECT_EQ(table.find(a)->id, a);
  EXPECT_EQ(table.find_fd(9), table.find(b));
  EXPECT_EQ(table.size(), 2u);
  table.erase(a);
  EXPECT_EQ(table.find(a), nullptr);
  EXPECT_EQ(table.find_fd(7), nullptr);
  EXPECT_EQ(table.find_fd(9), table.find(b));
  EXPECT_EQ(table.size(), 1u);
  table.erase(a);  // twice: nothing happens
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find_fd(-1), nullptr);
  EXPECT_EQ(table.find_fd(1000), nullptr);
  EXPECT_EQ(table.find(ClientId(1000, 1)), nullptr);
}

TEST(ConnectionTable, StaleIdAfterReuseOfTheSlotFindsNothing) {
  ConnectionTable table;
  ClientId a = table.insert(connection(7));
  table.erase(a);
  ClientId b = table.insert(connection(7));  // same descriptor, and the freed slot
  ASSERT_EQ(b.slot(), a.slot());
  EXPECT_NE(b, a);
  EXPECT_EQ(table.find(a), nullptr);
  ASSERT_NE(table.find(b), nullptr);
  EXPECT_EQ(table.find_fd(7), table.find(b));
}

TEST(ConnectionTable, IdsAreNeverIssuedTwice) {
  ConnectionTable table;
  std::unordered_set<ClientId> seen;
  for (int round = 0; round < 1000; ++round) {
    ClientId a = table.insert(connection(3 + (round % 5)));
    ClientId b = table.insert(connection(10 + (round % 3)));
    EXPECT_TRUE(seen.insert(a).second) << a;
    EXPECT_TRUE(seen.insert(b).second) << b;
    table.erase(round % 2 == 0 ? a : b);
    table.erase(round % 2 == 0 ? b : a);
  }
  EXPECT_EQ(table.size(), 0u);
}

TEST(ConnectionTable, ExhaustedGenerationRetiresTheSlotInsteadOfWrapping) {
  ConnectionTable table;
  ClientId first = table.insert(connection(5));
  table.erase(first);
  table.set_generation_for_test(first.slot(), UINT32_MAX);
  ClientId last = table.insert(connection(5));
  ASSERT_EQ(last.slot(), first.slot());
  EXPECT_EQ(last.generation(), UINT32_MAX);
  table.erase(last);
  // Wrapping would give generation 0, then 1: `first` again. The slot is retired instead.
  ClientId next = table.insert(connection(5));
  EXPECT_NE(next.slot(), first.slot());
  EXPECT_EQ(table.find(first), nullptr);
  EXPECT_EQ(table.find(last), nullptr);
  EXPECT_EQ(table.find_fd(5), table.find(next));
}

// What Server's timers do (auth timeout, flood-control resume, close deadline): capture the
// id, look the connection up when they fire. One that fires after its connection left, when
// a newcomer has its descriptor, must not touch the newcomer.
TEST(ConnectionTable, LateTimerForADepartedClientIsIgnored) {
  ConnectionTable table;
  reactor::TimerQueue timers;
  auto now = reactor::Clock::now();
  auto arm = [&](ClientId id) {
    timers.schedule(now, [&table, id] {
      if (Connection* c = table.find(id)) c->close_reason = "timeout";
    });
  };
  ClientId a = table.insert(connection(7));
  arm(a);
  table.erase(a);  // the timer is deliberately not cancelled: it arrives late
  ClientId b = table.insert(connection(7));
  ASSERT_EQ(table.find_fd(7), table.find(b));  // a lookup by descriptor would have found B
  timers.run_expired(now + std::chrono::seconds(1));
  EXPECT_EQ(table.find(b)->close_reason, "");

  arm(b);  // the same timer for a client still there does reach it
  timers.run_expired(now + std::chrono::seconds(1));
  EXPECT_EQ(table.find(b)->close_reason, "timeout");
}
