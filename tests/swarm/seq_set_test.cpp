// SeqSet: insertion in any order, duplicates, merging of ranges, counting and gaps.
#include "bin/chat_swarm/seq_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>

using swarm::SeqSet;

TEST(SeqSet, InOrderIsOneRange) {
  SeqSet s;
  for (std::uint32_t q = 0; q < 1000; ++q) EXPECT_TRUE(s.insert(q));
  EXPECT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.size(), 1000u);
  EXPECT_EQ(s.min(), 0u);
  EXPECT_EQ(s.max(), 999u);
}

TEST(SeqSet, DuplicatesAreRefused) {
  SeqSet s;
  EXPECT_TRUE(s.insert(5));
  EXPECT_FALSE(s.insert(5));
  EXPECT_TRUE(s.insert(3));
  EXPECT_FALSE(s.insert(3));
  EXPECT_TRUE(s.insert(4));
  EXPECT_FALSE(s.insert(4));
  EXPECT_EQ(s.ranges().size(), 1u);
  EXPECT_EQ(s.size(), 3u);
}

TEST(SeqSet, GapsAndFilling) {
  SeqSet s;
  for (std::uint32_t q : {0u, 1u, 2u, 5u, 6u, 9u}) s.insert(q);
  EXPECT_EQ(s.ranges().size(), 3u);
  auto missing = s.missing_in(0, 10, 10);
  ASSERT_EQ(missing.size(), 3u);
  EXPECT_EQ(missing[0].lo, 3u);
  EXPECT_EQ(missing[0].hi, 4u);
  EXPECT_EQ(missing[1].lo, 7u);
  EXPECT_EQ(missing[1].hi, 8u);
  EXPECT_EQ(missing[2].lo, 10u);
  EXPECT_EQ(missing[2].hi, 10u);
  EXPECT_EQ(s.count_in(2, 6), 3u);
  EXPECT_EQ(s.count_in(7, 8), 0u);
  s.insert(4);
  s.insert(3);
  s.insert(8);
  s.insert(7);
  EXPECT_EQ(s.ranges().size(), 1u);
  EXPECT_TRUE(s.missing_in(0, 9, 10).empty());
}

TEST(SeqSet, MissingRespectsLimitAndBounds) {
  SeqSet s;
  EXPECT_EQ(s.missing_in(3, 7, 5).size(), 1u);
  for (std::uint32_t q = 0; q < 100; q += 2) s.insert(q);
  EXPECT_EQ(s.missing_in(0, 99, 3).size(), 3u);
  EXPECT_TRUE(s.missing_in(10, 9, 3).empty());
  auto m = s.missing_in(11, 11, 3);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].lo, 11u);
}

TEST(SeqSet, MatchesStdSetUnderRandomInsertion) {
  std::vector<std::uint32_t> values(2000);
  std::iota(values.begin(), values.end(), 0);
  std::mt19937 rng(11);
  std::shuffle(values.begin(), values.end(), rng);
  values.resize(1500);
  for (int i = 0; i < 300; ++i) values.push_back(values[rng() % values.size()]);  // duplicates
  SeqSet s;
  std::set<std::uint32_t> ref;
  for (std::uint32_t v : values) ASSERT_EQ(s.insert(v), ref.insert(v).second) << v;
  EXPECT_EQ(s.size(), ref.size());
  for (std::uint32_t v = 0; v < 2000; ++v) ASSERT_EQ(s.contains(v), ref.count(v) == 1) << v;
  for (std::size_t i = 1; i < s.ranges().size(); ++i)
    ASSERT_GT(s.ranges()[i].lo, s.ranges()[i - 1].hi + 1u);  // disjoint and never adjacent
  EXPECT_EQ(s.count_in(100, 1099), static_cast<std::uint64_t>(std::count_if(
                                       ref.begin(), ref.end(), [](std::uint32_t v) { return v >= 100 && v <= 1099; })));
}
