// The one-order check: receivers that saw the same interleaving pass, whoever missed what;
// one receiver that saw two lines the other way round is counted, and only that one.
#include "bin/chat_swarm/order_check.h"

#include <gtest/gtest.h>

using namespace swarm;

namespace {
void feed(OrderCheck& check, BotId receiver, const std::vector<std::uint32_t>& lines) {
  for (std::uint32_t l : lines) check.observe(receiver, l);
}
}  // namespace

TEST(OrderCheck, OneOrderPassesEvenWhereTheLogOrderIsNotTheSendOrder) {
  OrderCheck check;
  // Lines 0..5 sent in that order, but the chat's one order is 1 0 3 2 5 4.
  for (BotId r = 0; r < 5; ++r) feed(check, r, {1, 0, 3, 2, 5, 4});
  OrderVerdict v = check.verdict();
  EXPECT_EQ(v.receivers, 5u);
  EXPECT_EQ(v.differing, 0u);
  EXPECT_TRUE(v.complete);
}

TEST(OrderCheck, SendersMissingTheirOwnLinesStillAgree) {
  // Chatter: each receiver lacks its own lines (receiver r sent line r and r + 3).
  OrderCheck check;
  const std::vector<std::uint32_t> order = {0, 1, 2, 3, 4, 5};
  for (BotId r = 0; r < 3; ++r) {
    std::vector<std::uint32_t> seen;
    for (std::uint32_t l : order)
      if (l % 3 != r) seen.push_back(l);
    feed(check, r, seen);
  }
  EXPECT_EQ(check.verdict().differing, 0u);
}

TEST(OrderCheck, LateJoinersAndLossDoNotCount) {
  OrderCheck check;
  feed(check, 0, {0, 1, 2, 3, 4, 5, 6});
  feed(check, 1, {4, 5, 6});     // joined late
  feed(check, 2, {0, 2, 3, 6});  // lost some (the ledger counts those)
  EXPECT_EQ(check.verdict().differing, 0u);
}

TEST(OrderCheck, ASwapAcrossSendersIsCountedForThatReceiverOnly) {
  OrderCheck check;
  for (BotId r = 0; r < 4; ++r) feed(check, r, {0, 1, 2, 3});
  feed(check, 4, {0, 2, 1, 3});
  OrderVerdict v = check.verdict();
  EXPECT_EQ(v.receivers, 5u);
  EXPECT_EQ(v.differing, 1u);
  EXPECT_EQ(v.first_differing, 4u);
}

TEST(OrderCheck, ALineOnlyTheSecondReferenceHasIsPlacedAndChecked) {
  // Receiver 0 (the longest trace) never gets line 9, its own; the others place it
  // between 1 and 2; receiver 3 puts it after 2, which the others contradict.
  OrderCheck check;
  feed(check, 0, {0, 1, 2, 3, 4});
  feed(check, 1, {0, 1, 9, 2, 3});
  feed(check, 2, {1, 9, 2});
  feed(check, 3, {1, 2, 9});
  OrderVerdict v = check.verdict();
  EXPECT_EQ(v.differing, 1u);
  EXPECT_EQ(v.first_differing, 3u);
}

TEST(OrderCheck, NothingObservedIsNothingChecked) {
  OrderCheck check;
  OrderVerdict v = check.verdict();
  EXPECT_EQ(v.receivers, 0u);
  EXPECT_EQ(v.differing, 0u);
}

TEST(OrderCheck, NeighboursOnlyOneReferenceEachLacksAreNotAFalseAlarm) {
  // The one order is b x y z; receiver 0 lacks x (its own), receiver 1 lacks b (its own),
  // receiver 2 lacks z. The two references cannot tell whether x or b comes first; the
  // third receiver's b-before-x is not a contradiction of anything.
  OrderCheck check;
  feed(check, 0, {0, 2, 3});  // b=0 y=2 z=3
  feed(check, 1, {1, 2, 3});  // x=1
  feed(check, 2, {0, 1, 2});
  EXPECT_EQ(check.verdict().differing, 0u);
}

TEST(OrderCheck, ACycleAmongReceiversIsCounted) {
  // Two receivers see a before b, one sees b before a: the odd one out is counted.
  OrderCheck check;
  feed(check, 0, {0, 1, 2});
  feed(check, 1, {0, 1, 2});
  feed(check, 2, {1, 0, 2});
  OrderVerdict v = check.verdict();
  EXPECT_EQ(v.differing, 1u);
  EXPECT_EQ(v.first_differing, 2u);
}
