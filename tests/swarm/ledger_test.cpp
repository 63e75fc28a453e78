// Ledger: the truth rules on crafted histories. Ticks are chosen to be causally possible:
// a receipt always comes after the send it proves.
#include "bin/chat_swarm/ledger.h"

#include <gtest/gtest.h>

using namespace swarm;

namespace {

// Three bots in the room from the start: a (0) sends publicly, b (1) and c (2) listen.
struct Room3 : ::testing::Test {
  Ledger l;
  BotId a = l.add_bot(), b = l.add_bot(), c = l.add_bot();
  Tick now = 100;
  void SetUp() override {
    l.set_audience(a, Audience::Room);
    for (BotId x : {a, b, c}) {
      l.join_requested(x, 1 + x);
      l.welcomed(x, 10 + x);
    }
  }
  Seq send(BotId from) {
    ++now;
    return l.record_send(from, now, static_cast<std::int64_t>(now));
  }
  Receipt get(BotId to, BotId from, Seq q, Channel ch = Channel::Public) {
    return l.record_receipt(to, from, q, ch, ++now);
  }
};

}  // namespace

TEST_F(Room3, EveryoneGetsEverything) {
  for (int i = 0; i < 5; ++i) send(a);
  for (Seq q = 0; q < 5; ++q) {
    EXPECT_EQ(get(b, a, q), Receipt::Fresh);
    EXPECT_EQ(get(c, a, q), Receipt::Fresh);
  }
  Tally t = l.tally();
  EXPECT_EQ(t.sent, 5u);
  EXPECT_EQ(t.expected, 10u);
  EXPECT_EQ(t.delivered, 10u);
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.duplicates, 0u);
  EXPECT_EQ(t.reordered, 0u);
  EXPECT_EQ(t.unexpected, 0u);
  EXPECT_EQ(t.not_required, 0u);
  EXPECT_EQ(t.problem_streams, 0u);
}

TEST_F(Room3, AGapIsALossAndIsNamed) {
  for (int i = 0; i < 5; ++i) send(a);
  for (Seq q = 0; q < 5; ++q) {
    get(b, a, q);
    if (q != 2) get(c, a, q);
  }
  Tally t = l.tally();
  EXPECT_EQ(t.expected, 10u);
  EXPECT_EQ(t.delivered, 9u);
  EXPECT_EQ(t.lost, 1u);
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0].receiver, c);
  EXPECT_EQ(t.problems[0].sender, a);
  EXPECT_EQ(t.problems[0].lost, 1u);
  ASSERT_EQ(t.problems[0].missing.size(), 1u);
  EXPECT_EQ(t.problems[0].missing[0].lo, 2u);
  EXPECT_EQ(t.problems[0].missing[0].hi, 2u);
}

TEST_F(Room3, ALostTailCountsForReceiversThatStay) {
  for (int i = 0; i < 5; ++i) send(a);
  for (Seq q = 0; q < 5; ++q) get(b, a, q);
  for (Seq q = 0; q < 3; ++q) get(c, a, q);
  EXPECT_EQ(l.tally().lost, 2u);
}

TEST_F(Room3, AMessageNobodyReceivedIsLostEverywhere) {
  for (int i = 0; i < 5; ++i) send(a);
  for (Seq q = 0; q < 4; ++q) {
    get(b, a, q);
    get(c, a, q);
  }
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 2u);
  EXPECT_EQ(t.problem_streams, 2u);
}

TEST_F(Room3, NothingReceivedAtAllIsAllLost) {
  for (int i = 0; i < 3; ++i) send(a);
  Tally t = l.tally();
  EXPECT_EQ(t.expected, 6u);
  EXPECT_EQ(t.lost, 6u);
}

TEST_F(Room3, DuplicatesAreCountedNotDelivered) {
  for (int i = 0; i < 3; ++i) send(a);
  EXPECT_EQ(get(b, a, 0), Receipt::Fresh);
  EXPECT_EQ(get(b, a, 1), Receipt::Fresh);
  EXPECT_EQ(get(b, a, 1), Receipt::Duplicate);
  EXPECT_EQ(get(b, a, 2), Receipt::Fresh);
  for (Seq q = 0; q < 3; ++q) get(c, a, q);
  Tally t = l.tally();
  EXPECT_EQ(t.duplicates, 1u);
  EXPECT_EQ(t.delivered, 6u);
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.problem_streams, 1u);
}

TEST_F(Room3, ReorderingIsCountedOnceAndIsNotLoss) {
  for (int i = 0; i < 5; ++i) send(a);
  EXPECT_EQ(get(b, a, 0), Receipt::Fresh);
  EXPECT_EQ(get(b, a, 1), Receipt::Fresh);
  EXPECT_EQ(get(b, a, 3), Receipt::Fresh);
  EXPECT_EQ(get(b, a, 2), Receipt::Late);
  EXPECT_EQ(get(b, a, 4), Receipt::Fresh);
  for (Seq q = 0; q < 5; ++q) get(c, a, q);
  Tally t = l.tally();
  EXPECT_EQ(t.reordered, 1u);
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.delivered, 10u);
}

TEST_F(Room3, OwnPublicLinesAndUnsentMessagesAreUnexpected) {
  send(a);
  EXPECT_EQ(get(a, a, 0), Receipt::Unexpected);                    // the sender never gets its own line
  EXPECT_EQ(get(b, a, 7), Receipt::Unexpected);                    // never sent
  EXPECT_EQ(get(b, c, 0), Receipt::Unexpected);                    // c sends nothing
  EXPECT_EQ(get(b, a, 0, Channel::Private), Receipt::Unexpected);  // a's lines are public
  get(b, a, 0);
  get(c, a, 0);
  Tally t = l.tally();
  EXPECT_EQ(t.unexpected, 4u);
  EXPECT_EQ(t.lost, 0u);
}

// d asks to join while a is sending. Before its join request: never owed (and receiving one
// is a fault). Between request and welcome: may or may not arrive. After the welcome: owed.
struct LateJoiner : Room3 {
  BotId d = l.add_bot();
  void SetUp() override {
    Room3::SetUp();
    send(a);       // q0
    get(b, a, 0);  // witnessed: processed before d asks to join
    l.join_requested(d, ++now);
    send(a);  // q1: queued after d's request, before its welcome
    l.welcomed(d, ++now);
    send(a);  // q2: queued after d's welcome
    get(b, a, 1);
    get(b, a, 2);
    for (Seq q = 0; q < 3; ++q) get(c, a, q);
  }
};

TEST_F(LateJoiner, OwedFromTheWelcomeOn) {
  get(d, a, 2);
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.expected, 7u);      // b 3, c 3, d 1
  EXPECT_EQ(t.not_required, 1u);  // q1 at d
}

TEST_F(LateJoiner, AMessageBetweenRequestAndWelcomeMayArrive) {
  get(d, a, 1);
  get(d, a, 2);
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.expected, 8u);
  EXPECT_EQ(t.not_required, 0u);
}

TEST_F(LateJoiner, MissingWhatWasOwedIsLost) {
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 1u);
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0].receiver, d);
}

TEST_F(LateJoiner, AMessageProcessedBeforeTheJoinRequestIsUnexpected) {
  get(d, a, 0);
  get(d, a, 2);
  Tally t = l.tally();
  EXPECT_EQ(t.unexpected, 1u);
  EXPECT_EQ(t.lost, 0u);
}

// b leaves with @sair while a keeps sending.
struct Leaver : Room3 {
  void SetUp() override {
    Room3::SetUp();
    send(a);  // q0
    get(c, a, 0);
    get(b, a, 0);
    send(a);  // q1, witnessed before b leaves: owed to b
    get(c, a, 1);
    l.leave_initiated(b, ++now);
    send(a);  // q2, witnessed only after b's leave: may or may not reach b
    get(c, a, 2);
  }
  void bye() {
    l.departure_seen(b, ++now);
    send(a);  // q3, queued after b's departure was seen: never owed to b
    get(c, a, 3);
  }
};

TEST_F(Leaver, OwedUntilTheLeave) {
  get(b, a, 1);
  bye();
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.expected, 6u);      // c 4, b 2
  EXPECT_EQ(t.not_required, 1u);  // q2 at b
}

TEST_F(Leaver, MissingAMessageWitnessedBeforeTheLeaveIsALoss) {
  bye();
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 1u);
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0].receiver, b);
  EXPECT_EQ(t.problems[0].missing[0].lo, 1u);
}

TEST_F(Leaver, AMessageAfterTheDepartureIsUnexpected) {
  get(b, a, 1);
  bye();
  get(b, a, 3);
  Tally t = l.tally();
  EXPECT_EQ(t.unexpected, 1u);
}

TEST_F(Room3, AVanishedReceiverOwesOnlyTheGapsBetweenWhatItGot) {
  for (int i = 0; i < 6; ++i) send(a);
  for (Seq q = 0; q < 6; ++q) get(c, a, q);
  get(b, a, 0);
  get(b, a, 2);
  l.vanished(b);
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 1u);  // q1: b was in the room for q0 and q2
  EXPECT_EQ(t.expected, 6u + 3u);
  EXPECT_EQ(t.not_required, 3u);
}

TEST_F(Room3, AVanishedSenderOwesOnlyWhatReachedTheServer) {
  for (int i = 0; i < 3; ++i) send(a);
  get(b, a, 0);
  get(c, a, 0);
  l.vanished(a);
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.expected, 2u);
  EXPECT_EQ(t.not_required, 4u);
}

TEST(LedgerPrivate, PartnerAndEchoAreOwed) {
  Ledger l;
  BotId a = l.add_bot(), b = l.add_bot(), c = l.add_bot();
  Tick t = 0;
  for (BotId x : {a, b, c}) {
    l.join_requested(x, ++t);
    l.welcomed(x, ++t);
  }
  l.set_audience(a, Audience::Peer, b);
  for (int i = 0; i < 3; ++i) l.record_send(a, ++t, 0);
  EXPECT_EQ(l.record_receipt(b, a, 0, Channel::Private, ++t), Receipt::Fresh);
  EXPECT_EQ(l.record_receipt(a, a, 0, Channel::Echo, ++t), Receipt::Fresh);
  EXPECT_EQ(l.record_receipt(b, a, 1, Channel::Private, ++t), Receipt::Fresh);
  EXPECT_EQ(l.record_receipt(b, a, 2, Channel::Private, ++t), Receipt::Fresh);
  EXPECT_EQ(l.record_receipt(a, a, 2, Channel::Echo, ++t), Receipt::Fresh);
  EXPECT_EQ(l.record_receipt(c, a, 1, Channel::Private, ++t), Receipt::Unexpected);  // not for c
  EXPECT_EQ(l.record_receipt(b, a, 1, Channel::Public, ++t), Receipt::Unexpected);   // not public
  EXPECT_EQ(l.record_receipt(b, a, 1, Channel::Echo, ++t), Receipt::Unexpected);     // echo is a's
  Tally tally = l.tally();
  EXPECT_EQ(tally.expected, 6u);
  EXPECT_EQ(tally.delivered, 5u);
  EXPECT_EQ(tally.lost, 1u);  // the echo of q1
  EXPECT_EQ(tally.unexpected, 3u);
  ASSERT_EQ(tally.problems.size(), 1u);
  EXPECT_EQ(tally.problems[0].receiver, a);
}

TEST_F(Room3, DrainWaitsForEachStayersLastMessage) {
  for (int i = 0; i < 3; ++i) send(a);
  for (Seq q = 0; q < 3; ++q) get(b, a, q);
  get(c, a, 0);
  l.begin_drain();
  EXPECT_EQ(l.drain_pending(), 1u);
  get(c, a, 1);
  EXPECT_EQ(l.drain_pending(), 1u);
  get(c, a, 2);
  EXPECT_EQ(l.drain_pending(), 0u);
  get(c, a, 2);  // a duplicate changes nothing
  EXPECT_EQ(l.drain_pending(), 0u);
}

TEST_F(Room3, DrainForgetsBotsThatVanish) {
  for (int i = 0; i < 3; ++i) send(a);
  l.begin_drain();
  EXPECT_EQ(l.drain_pending(), 2u);
  l.vanished(c);
  EXPECT_EQ(l.drain_pending(), 1u);
  l.vanished(a);  // the sender is gone: nobody waits for its last message
  EXPECT_EQ(l.drain_pending(), 0u);
}

TEST(LedgerDrain, LeaversAndLateJoinersAreNotWaitedFor) {
  Ledger l;
  BotId a = l.add_bot(), b = l.add_bot(), c = l.add_bot();
  l.set_audience(a, Audience::Room);
  l.join_requested(a, 1);
  l.welcomed(a, 2);
  l.join_requested(b, 3);
  l.welcomed(b, 4);
  l.record_send(a, 5, 0);
  l.join_requested(c, 6);
  l.welcomed(c, 7);  // after a's last message was queued: not owed
  l.leave_initiated(b, 8);
  l.begin_drain();
  EXPECT_EQ(l.drain_pending(), 0u);
}

TEST_F(Room3, ProblemListIsCappedButEveryStreamIsCounted) {
  for (int i = 0; i < 20; ++i) {
    BotId x = l.add_bot();
    l.join_requested(x, 50);
    l.welcomed(x, 51);
  }
  send(a);
  Tally t = l.tally(5);
  EXPECT_EQ(t.problem_streams, 22u);
  EXPECT_EQ(t.problems.size(), 5u);
  EXPECT_EQ(t.lost, 22u);
}

TEST_F(Room3, ASliceCountsOnlyTheMessagesQueuedInIt) {
  // Messages 0..5 queued at 101..106 (queued_ns = tick); c misses 3 and 4, the middle ones.
  for (int i = 0; i < 6; ++i) send(a);
  for (Seq q = 0; q < 6; ++q) {
    get(b, a, q);
    if (q != 3 && q != 4) get(c, a, q);
  }
  const TimeSlice before{INT64_MIN, 103}, during{103, 105}, after{105, INT64_MAX};
  Tally t0 = l.tally(10, nullptr, &before), t1 = l.tally(10, nullptr, &during), t2 = l.tally(10, nullptr, &after);
  EXPECT_EQ(t0.sent, 2u);
  EXPECT_EQ(t0.expected, 4u);
  EXPECT_EQ(t0.lost, 0u);
  EXPECT_EQ(t1.sent, 2u);  // messages 2 and 3
  EXPECT_EQ(t1.expected, 4u);
  EXPECT_EQ(t1.delivered, 3u);
  EXPECT_EQ(t1.lost, 1u);  // 3 at c
  EXPECT_EQ(t2.sent, 2u);  // 4 and 5
  EXPECT_EQ(t2.lost, 1u);  // 4 at c
  Tally all = l.tally();
  EXPECT_EQ(t0.expected + t1.expected + t2.expected, all.expected);
  EXPECT_EQ(t0.lost + t1.lost + t2.lost, all.lost);
}

// Two nodes (a cluster): a and c on node 1, b and d on node 0; b quits after a's q1 reached
// node 1. Whether node 0 had q1 before b's leave is what decides if it was owed to b, and
// only a receipt on node 0 says so.
struct TwoNodes : ::testing::Test {
  Ledger l;
  BotId a = 0, b = 0, c = 0, d = 0;
  Tick now = 100;
  void SetUp() override {
    l.set_nodes(2);
    a = l.add_bot();
    b = l.add_bot();
    c = l.add_bot();
    d = l.add_bot();
    l.set_node(a, 1);
    l.set_node(c, 1);
    l.set_node(b, 0);
    l.set_node(d, 0);
    l.set_audience(a, Audience::Room);
    for (BotId x : {a, b, c, d}) {
      l.join_requested(x, 1 + x);
      l.welcomed(x, 10 + x);
    }
    send();  // q0: everyone has it
    for (BotId x : {b, c, d}) l.record_receipt(x, a, 0, Channel::Public, ++now);
    send();                                             // q1
    l.record_receipt(c, a, 1, Channel::Public, ++now);  // node 1 has it
  }
  void send() {
    ++now;
    l.record_send(a, now, static_cast<std::int64_t>(now));
  }
  void b_quits() {
    l.leave_initiated(b, ++now);
    l.departure_seen(b, ++now);
  }
};

TEST_F(TwoNodes, AWitnessOnAnotherNodeDoesNotMakeALeaverOweALine) {
  b_quits();
  l.record_receipt(d, a, 1, Channel::Public, ++now);  // node 0 read q1 only after b left
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 0u);
  EXPECT_EQ(t.not_required, 1u);  // q1 at b
}

TEST_F(TwoNodes, AWitnessOnTheLeaversOwnNodeDoes) {
  l.record_receipt(d, a, 1, Channel::Public, ++now);  // node 0 had q1 before b left
  b_quits();
  Tally t = l.tally();
  EXPECT_EQ(t.lost, 1u);
  ASSERT_EQ(t.problems.size(), 1u);
  EXPECT_EQ(t.problems[0].receiver, b);
}
