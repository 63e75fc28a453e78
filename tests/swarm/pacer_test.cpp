// Pacer: deadlines fire in time order, never early, each once, with their generation.
#include "bin/chat_swarm/pacer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "reactor/poller.h"

using namespace std::chrono_literals;

TEST(Pacer, FiresInOrderAndNeverEarly) {
  reactor::EventLoop loop(reactor::make_poller(reactor::available_backends().front()));
  auto epoch = reactor::Clock::now();
  struct Fired {
    std::uint32_t key, generation;
    std::int64_t at_ns;
  };
  std::vector<Fired> fired;
  swarm::Pacer pacer(loop, epoch, [&](std::uint32_t key, std::uint32_t generation) {
    fired.push_back(
        {key, generation, std::chrono::duration_cast<std::chrono::nanoseconds>(reactor::Clock::now() - epoch).count()});
  });
  pacer.schedule(2, 7, 3'000'000);
  pacer.schedule(1, 8, 1'000'000);
  pacer.schedule(3, 9, 6'000'000);
  pacer.schedule(4, 1, 1'500'000);
  auto give_up = reactor::Clock::now() + 10s;  // a generous limit, not a speed check
  while (fired.size() < 4 && reactor::Clock::now() < give_up) loop.run_once(100);
  ASSERT_EQ(fired.size(), 4u);
  EXPECT_EQ(fired[0].key, 1u);
  EXPECT_EQ(fired[1].key, 4u);
  EXPECT_EQ(fired[2].key, 2u);
  EXPECT_EQ(fired[3].key, 3u);
  EXPECT_EQ(fired[0].generation, 8u);
  EXPECT_GE(fired[0].at_ns, 1'000'000);
  EXPECT_GE(fired[1].at_ns, 1'500'000);
  EXPECT_GE(fired[2].at_ns, 3'000'000);
  EXPECT_GE(fired[3].at_ns, 6'000'000);
}

TEST(Pacer, CallbacksMayScheduleMore) {
  reactor::EventLoop loop(reactor::make_poller(reactor::available_backends().front()));
  auto epoch = reactor::Clock::now();
  int count = 0;
  swarm::Pacer* self = nullptr;
  swarm::Pacer pacer(loop, epoch, [&](std::uint32_t key, std::uint32_t) {
    ++count;
    if (key < 5) self->schedule(key + 1, 0, 0);  // already due: runs in the same pass
  });
  self = &pacer;
  pacer.schedule(0, 0, 500'000);
  auto give_up = reactor::Clock::now() + 10s;
  while (count < 6 && reactor::Clock::now() < give_up) loop.run_once(100);
  EXPECT_EQ(count, 6);
}
