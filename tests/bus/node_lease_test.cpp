// NodeLease against a real Redis: tokens grow, the lease is renewed past its length, its
// loss is reported, and a clean stop releases it at once.
#include "bus/node_lease.h"

#include <gtest/gtest.h>

#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

TEST_F(BusTest, ALeaseIsRenewedPastItsLengthAndReleasedOnCleanStop) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1", std::chrono::milliseconds(500));
  EXPECT_EQ(call({"GET", "test:node:n1"}), std::vector<std::string>{std::to_string(n.fence)});
  bool lost = false;
  n.lease->set_on_lost([&](std::string_view) { lost = true; });
  run_for(std::chrono::milliseconds(1200));  // over two leases long: only renewals keep it
  EXPECT_FALSE(lost);
  EXPECT_EQ(n.lease->state(), NodeLease::State::Held);
  EXPECT_EQ(call({"GET", "test:node:n1"}), std::vector<std::string>{std::to_string(n.fence)});
  bool released = false;
  n.lease->release([&] { released = true; });
  ASSERT_TRUE(run_until([&] { return released; }));
  EXPECT_EQ(call({"EXISTS", "test:node:n1"}), std::vector<std::string>{"0"});
  EXPECT_FALSE(lost);
}

TEST_F(BusTest, ALeaseTakenOverIsReportedLostAndANewRegistrationGetsAGreaterToken) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1", std::chrono::milliseconds(500));
  std::string why;
  n.lease->set_on_lost([&](std::string_view w) { why = w; });
  call({"SET", "test:node:n1", "someone-else"});  // as if its lease had expired and been re-taken
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_EQ(n.lease->state(), NodeLease::State::Lost);
  EXPECT_EQ(why, "the lease is no longer ours");
  std::uint64_t fence = 0;
  n.lease->set_on_granted([&](std::uint64_t f, std::uint64_t) { fence = f; });
  n.lease->start();
  ASSERT_TRUE(run_until([&] { return fence != 0; }));
  EXPECT_GT(fence, n.fence);
}

TEST_F(BusTest, ALeaseWhoseRenewalsGoUnansweredIsLostOnTheNodesOwnClock) {
  ASSERT_TRUE(redis.ok());
  auto n = node("n1", std::chrono::milliseconds(300));
  std::string why;
  n.lease->set_on_lost([&](std::string_view w) { why = w; });
  n.link->stop();  // Redis unreachable: no renewal can be confirmed
  ASSERT_TRUE(run_until([&] { return !why.empty(); }));
  EXPECT_EQ(why, "no renewal confirmed for a whole lease");
}
