// --max-output-total's default: a quarter of the smaller of physical memory and the cgroup's
// limit, at least 64 MiB, 1 GiB when neither is known; a configured value stands as given.
#include "net/output_budget.h"

#include <gtest/gtest.h>

#include <cstdint>

using net::default_output_budget;
using net::effective_output_budget;

namespace {
constexpr std::uint64_t kMiB = std::uint64_t{1} << 20;
constexpr std::uint64_t kGiB = std::uint64_t{1} << 30;
}  // namespace

TEST(OutputBudget, QuarterOfPhysicalMemory) { EXPECT_EQ(default_output_budget(16 * kGiB, 0), 4 * kGiB); }

TEST(OutputBudget, ASmallerCgroupLimitWins) {
  EXPECT_EQ(default_output_budget(64 * kGiB, 2 * kGiB), 512 * kMiB);
  EXPECT_EQ(default_output_budget(2 * kGiB, 64 * kGiB), 512 * kMiB);  // cgroup v1's "no limit"
  EXPECT_EQ(default_output_budget(0, 2 * kGiB), 512 * kMiB);
}

TEST(OutputBudget, AtLeast64MiBAndOneGiBWhenUnknown) {
  EXPECT_EQ(default_output_budget(128 * kMiB, 0), 64 * kMiB);
  EXPECT_EQ(default_output_budget(0, 0), kGiB);
}

TEST(OutputBudget, ConfiguredValueStandsAndZeroMeansTheDefault) {
  EXPECT_EQ(effective_output_budget(2 * kMiB), 2 * kMiB);
  EXPECT_GE(effective_output_budget(0), 64 * kMiB);
}
