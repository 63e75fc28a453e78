// LoginSlots: the connections still logging in, counted per source, and whom admission
// evicts when there is no room (the oldest of the source holding the most).
#include "net/login_slots.h"

#include <gtest/gtest.h>

#include <string>

using net::LoginSlots;

TEST(LoginSlots, EmptyHasNoVictim) {
  LoginSlots s;
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.victim(), -1);
  EXPECT_EQ(s.count_from("10.0.0.1"), 0u);
  s.remove(3);  // absent: nothing happens
  EXPECT_EQ(s.size(), 0u);
}

TEST(LoginSlots, CountsInTotalAndPerSource) {
  LoginSlots s;
  s.add(5, "a");
  s.add(6, "a");
  s.add(7, "b");
  EXPECT_EQ(s.size(), 3u);
  EXPECT_EQ(s.count_from("a"), 2u);
  EXPECT_EQ(s.count_from("b"), 1u);
  EXPECT_TRUE(s.contains(6));
  s.remove(6);
  s.remove(6);  // twice: once counted
  EXPECT_FALSE(s.contains(6));
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.count_from("a"), 1u);
  s.add(5, "a");  // already present: ignored
  EXPECT_EQ(s.count_from("a"), 1u);
}

TEST(LoginSlots, VictimIsTheOldestOfTheSourceHoldingTheMost) {
  LoginSlots s;
  s.add(10, "legit");  // oldest of all, but its source holds only one
  for (int id : {11, 12, 13}) s.add(id, "flood-a");
  for (int id : {20, 21}) s.add(id, "flood-b");
  EXPECT_EQ(s.victim(), 11);
  s.remove(11);  // now a and b hold two each: either source's oldest, never legit's
  int v = s.victim();
  EXPECT_TRUE(v == 12 || v == 20) << v;
  s.remove(12);
  s.remove(20);
  v = s.victim();  // one each now
  EXPECT_TRUE(v == 10 || v == 13 || v == 21) << v;
}

TEST(LoginSlots, AFloodThatReplacesItselfNeverReachesTheLoneSource) {
  // The attack of the hardening issue: two sources keep the slots full, each new connection
  // from them evicting one; the single connection from a third source is never picked.
  LoginSlots s;
  int next = 100;
  for (int i = 0; i < 8; ++i) s.add(next++, "127.0.0.2");
  for (int i = 0; i < 8; ++i) s.add(next++, "127.0.0.3");
  s.add(1, "127.0.0.4");
  for (int round = 0; round < 1000; ++round) {
    int v = s.victim();
    ASSERT_NE(v, 1) << "round " << round;
    s.remove(v);
    s.add(next++, round % 2 ? "127.0.0.2" : "127.0.0.3");
  }
  EXPECT_TRUE(s.contains(1));
  EXPECT_EQ(s.size(), 17u);
}

TEST(LoginSlots, ArrivalOrderIsKeptWithinASource) {
  LoginSlots s;
  for (int id : {4, 9, 2, 7}) s.add(id, "x");
  s.remove(9);  // from the middle
  EXPECT_EQ(s.victim(), 4);
  s.remove(4);
  EXPECT_EQ(s.victim(), 2);
  s.remove(2);
  EXPECT_EQ(s.victim(), 7);
  s.remove(7);
  EXPECT_EQ(s.victim(), -1);
  EXPECT_EQ(s.count_from("x"), 0u);
  s.add(4, "x");  // a descriptor number is reused once freed
  EXPECT_EQ(s.victim(), 4);
}

TEST(LoginSlots, ForgetsSourcesThatHoldNothing) {
  LoginSlots s;
  for (int i = 0; i < 10000; ++i) {
    s.add(i % 50, "10.0." + std::to_string(i / 256 % 256) + "." + std::to_string(i % 256));
    s.remove(i % 50);
  }
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.victim(), -1);
  EXPECT_EQ(s.sources(), 0u);
}
