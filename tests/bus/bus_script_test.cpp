// BusScript: our SHA-1 is the name Redis gives the script, and a script Redis forgot
// (SCRIPT FLUSH, a restart) is loaded again without the caller noticing. Backoff bounds.
#include "bus/bus_script.h"

#include <gtest/gtest.h>

#include "bus/backoff.h"
#include "bus/sha1.h"
#include "tests/bus/bus_fixture.h"

using namespace bus;
using bus_test::BusTest;

TEST(Sha1, KnownVectors) {
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex(std::string(1000, 'a')), "291e9a6c66994949b57ba5e650361e98fc36b1ba");
}

TEST_F(BusTest, ScriptShaIsTheOneRedisComputes) {
  ASSERT_TRUE(redis.ok());
  BusScript script("return ARGV[1] .. KEYS[1]");
  EXPECT_EQ(call({"SCRIPT", "LOAD", script.source()}), std::vector<std::string>{script.sha()});
}

TEST_F(BusTest, ScriptIsReloadedAfterRedisForgotIt) {
  ASSERT_TRUE(redis.ok());
  auto l = link();
  BusScript script("return ARGV[1] .. KEYS[1]");
  std::vector<std::string> got;
  auto run = [&] {
    script.run(l->client(), {"k"}, {"v"}, [&](const resp::RespResult& r) {
      got.push_back(r.status == resp::RespStatus::Ok ? std::string(r.reply->top.text) : "status");
    });
  };
  run();  // never loaded: NOSCRIPT, load, run
  ASSERT_TRUE(run_until([&] { return got.size() == 1; }));
  call({"SCRIPT", "FLUSH"});
  run();
  run();  // both answered NOSCRIPT, both re-sent in order
  ASSERT_TRUE(run_until([&] { return got.size() == 3; }));
  EXPECT_EQ(got, (std::vector<std::string>{"vk", "vk", "vk"}));
}

TEST(Backoff, GrowsToItsCapWithJitterAndResets) {
  Backoff b(std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 7);
  std::vector<std::int64_t> delays;
  delays.reserve(10);
  for (int i = 0; i < 10; ++i) delays.push_back(b.next().count());
  EXPECT_GE(delays[0], 50);
  EXPECT_LE(delays[0], 100);
  for (std::int64_t d : delays) EXPECT_LE(d, 1000);
  EXPECT_GE(delays[9], 500);  // at the cap: within its upper half
  b.reset();
  EXPECT_LE(b.next().count(), 100);
  Backoff other(std::chrono::milliseconds(100), std::chrono::milliseconds(1000), 8);
  std::vector<std::int64_t> others;
  others.reserve(10);
  for (int i = 0; i < 10; ++i) others.push_back(other.next().count());
  EXPECT_NE(delays, others);  // two nodes do not retry in step
}
