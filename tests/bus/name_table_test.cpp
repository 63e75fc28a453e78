// NameTable against a real Redis: the claim race, fencing, release, reaping a dead node's
// names and the listing.
#include "bus/name_table.h"

#include <gtest/gtest.h>

#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;
using bus_test::TestNode;

namespace {

NameEntry entry(const TestNode& n, const std::string& display, const std::string& client = "c1") {
  std::string key = display;
  for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return NameEntry{key, n.name, n.fence, client, display};
}

}  // namespace

TEST_F(BusTest, OfThreeSimultaneousClaimsExactlyOneWinsEveryRound) {
  ASSERT_TRUE(redis.ok());
  std::vector<TestNode> nodes;
  nodes.reserve(3);
  for (int i = 0; i < 3; ++i) nodes.push_back(node("node" + std::to_string(i), std::chrono::milliseconds(5000), i + 1));
  std::vector<std::unique_ptr<NameTable>> tables;
  tables.reserve(3);
  for (const auto& n : nodes) tables.push_back(std::make_unique<NameTable>(*n.link, keys));
  for (int round = 0; round < 100; ++round) {
    const std::string name = "Alice" + std::to_string(round);
    std::vector<ClaimOutcome> outcomes;
    // All three go out in the same loop iteration, on three connections.
    for (std::size_t i = 0; i < 3; ++i)
      tables[i]->claim(entry(nodes[i], i == 1 ? "ALICE" + std::to_string(round) : name),
                       [&](const ClaimResult& r) { outcomes.push_back(r.outcome); });
    ASSERT_TRUE(run_until([&] { return outcomes.size() == 3; }));
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), ClaimOutcome::Granted), 1) << "round " << round;
    EXPECT_EQ(std::count(outcomes.begin(), outcomes.end(), ClaimOutcome::Taken), 2) << "round " << round;
  }
}

TEST_F(BusTest, ANodeWhoseLeaseExpiredCannotClaimAndLosesItsNamesToALiveNode) {
  ASSERT_TRUE(redis.ok());
  TestNode frozen = node("frozen", std::chrono::milliseconds(300));
  TestNode alive = node("alive", std::chrono::milliseconds(5000), 2);
  NameTable frozen_names(*frozen.link, keys);
  NameTable alive_names(*alive.link, keys);
  std::optional<ClaimResult> got;
  frozen_names.claim(entry(frozen, "bob"), [&](const ClaimResult& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->outcome, ClaimOutcome::Granted);

  frozen.lease.reset();  // frozen: no more renewals, and nothing released
  ASSERT_TRUE(run_until([&] { return call({"EXISTS", "test:node:frozen"}) == std::vector<std::string>{"0"}; }));

  got.reset();
  alive_names.claim(entry(alive, "Bob", "c9"), [&](const ClaimResult& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->outcome, ClaimOutcome::Granted);
  ASSERT_TRUE(got->previous.has_value());  // the dead holder, reaped on the way
  EXPECT_EQ(got->previous->node, "frozen");

  got.reset();
  frozen_names.claim(entry(frozen, "bob"), [&](const ClaimResult& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->outcome, ClaimOutcome::Fenced);
  got.reset();
  frozen_names.claim(entry(frozen, "carol"), [&](const ClaimResult& r) { got = r; });
  ASSERT_TRUE(run_until([&] { return got.has_value(); }));
  EXPECT_EQ(got->outcome, ClaimOutcome::Fenced);  // not even a free name

  std::optional<bool> released;
  frozen_names.release("bob", "frozen", frozen.fence, [&](bool ok) { released = ok; });
  ASSERT_TRUE(run_until([&] { return released.has_value(); }));
  EXPECT_FALSE(*released);
  std::vector<std::string> value = call({"HGET", "test:names", "bob"});
  ASSERT_EQ(value.size(), 1U);
  std::optional<NameEntry> held = parse_name_entry("bob", value[0]);
  ASSERT_TRUE(held);
  EXPECT_EQ(*held, (NameEntry{"bob", "alive", alive.fence, "c9", "Bob", held->since}));
  EXPECT_GT(held->since, 1'600'000'000'000'000U);  // Redis's clock, in microseconds
}

// After Redis lost its state a node claims its users' names again with their first claim's
// time: a live holder whose claim is later loses the name to it; an earlier one keeps it.
TEST_F(BusTest, AReclaimWithAnEarlierTimeDisplacesALaterHolderAndNeverAnEarlierOne) {
  ASSERT_TRUE(redis.ok());
  TestNode a = node("a", std::chrono::milliseconds(5000), 1);
  TestNode b = node("b", std::chrono::milliseconds(5000), 2);
  NameTable a_names(*a.link, keys);
  NameTable b_names(*b.link, keys);
  auto claim = [&](NameTable& t, const NameEntry& e) {
    std::optional<ClaimResult> got;
    t.claim(e, [&](const ClaimResult& r) { got = r; });
    EXPECT_TRUE(run_until([&] { return got.has_value(); }));
    return got.value_or(ClaimResult{});
  };
  ClaimResult newcomer = claim(b_names, entry(b, "zoe", "c2"));
  ASSERT_EQ(newcomer.outcome, ClaimOutcome::Granted);
  EXPECT_FALSE(newcomer.displaced);
  NameEntry fresh = entry(a, "Zoe");
  EXPECT_EQ(claim(a_names, fresh).outcome, ClaimOutcome::Taken);  // a new claim displaces nobody

  NameEntry earlier = fresh;
  earlier.since = newcomer.since - 1;
  ClaimResult back = claim(a_names, earlier);
  EXPECT_EQ(back.outcome, ClaimOutcome::Granted);
  EXPECT_TRUE(back.displaced);
  EXPECT_EQ(back.since, earlier.since);
  ASSERT_TRUE(back.previous);
  EXPECT_EQ(back.previous->node, "b");
  EXPECT_EQ(back.previous->client, "c2");

  NameEntry later = entry(b, "ZOE", "c2");
  later.since = earlier.since + 1;
  ClaimResult refused = claim(b_names, later);
  EXPECT_EQ(refused.outcome, ClaimOutcome::Taken);
  ASSERT_TRUE(refused.previous);
  EXPECT_EQ(refused.previous->node, "a");
  EXPECT_EQ(claim(a_names, earlier).outcome, ClaimOutcome::Granted);  // its own entry, again: still its own
}

TEST_F(BusTest, ReleaseFreesANameAndReapingRemovesOnlyDeadNodesNames) {
  ASSERT_TRUE(redis.ok());
  TestNode dead = node("dead", std::chrono::milliseconds(300));
  TestNode alive = node("alive", std::chrono::milliseconds(5000), 2);
  NameTable dead_names(*dead.link, keys);
  NameTable names(*alive.link, keys);
  int granted = 0;
  for (const char* n : {"d1", "d2"})
    dead_names.claim(entry(dead, n), [&](const ClaimResult& r) { granted += r.outcome == ClaimOutcome::Granted; });
  for (const char* n : {"a1", "a2"})
    names.claim(entry(alive, n), [&](const ClaimResult& r) { granted += r.outcome == ClaimOutcome::Granted; });
  ASSERT_TRUE(run_until([&] { return granted == 4; }));

  std::optional<bool> released;
  names.release("a2", "alive", alive.fence, [&](bool ok) { released = ok; });
  ASSERT_TRUE(run_until([&] { return released.has_value(); }));
  EXPECT_TRUE(*released);

  dead.lease.reset();
  ASSERT_TRUE(run_until([&] { return call({"EXISTS", "test:node:dead"}) == std::vector<std::string>{"0"}; }));
  std::optional<std::optional<std::vector<NameEntry>>> reaped;
  names.reap_dead([&](auto r) { reaped = std::move(r); });
  ASSERT_TRUE(run_until([&] { return reaped.has_value(); }));
  ASSERT_TRUE(reaped->has_value());
  std::vector<std::string> keys_reaped;
  for (const NameEntry& e : **reaped) keys_reaped.push_back(e.key);
  std::sort(keys_reaped.begin(), keys_reaped.end());
  EXPECT_EQ(keys_reaped, (std::vector<std::string>{"d1", "d2"}));

  std::optional<std::optional<std::vector<NameEntry>>> listed;
  names.list([&](auto r) { listed = std::move(r); });
  ASSERT_TRUE(run_until([&] { return listed.has_value(); }));
  ASSERT_TRUE(listed->has_value());
  ASSERT_EQ((*listed)->size(), 1U);
  EXPECT_EQ((**listed)[0], (NameEntry{"a1", "alive", alive.fence, "c1", "a1", (**listed)[0].since}));
}

TEST(NameEntryText, RoundTripsWithBarsInTheDisplayName) {
  NameEntry e{"k", "n1", 42, "7:3", "a|b", 1700000000123456};
  EXPECT_EQ(name_value(e), "n1|42|7:3|1700000000123456|a|b");
  EXPECT_EQ(parse_name_entry("k", name_value(e)), e);
  EXPECT_FALSE(parse_name_entry("k", "n1|x|c|1|d").has_value());
  EXPECT_FALSE(parse_name_entry("k", "n1|4|c|x|d").has_value());
  EXPECT_FALSE(parse_name_entry("k", "n1|4|c|d").has_value());
  EXPECT_FALSE(parse_name_entry("k", "n1|4").has_value());
}
