// The fan-out benchmarks: one round = `burst` lines to every client, timed until the last
// client has read them. items_processed counts deliveries (lines x clients), so the report's
// items/s is deliveries/s.
#include "bench/fanout_bench.h"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "bench/fanout_world.h"

namespace bench {

// Kept out of line under a stable name so callgrind can collect exactly this function.
__attribute__((noinline)) bool profiled_rounds(FanoutWorld& world, std::size_t rounds, std::size_t burst,
                                               RoundTime& total) {
  for (std::size_t i = 0; i < rounds; ++i) {
    RoundTime t;
    if (!world.round(burst, t)) return false;
    total.wall_ns += t.wall_ns;
    total.sending_ns += t.sending_ns;
  }
  return true;
}

namespace {

// This thread's user and system CPU time, in ns (the kernel's accounting: tick-sampled
// unless it counts precisely, so meaningful over many rounds only).
struct CpuSplit {
  double user_ns = 0;
  double sys_ns = 0;
};
CpuSplit thread_cpu() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  auto ns = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e9 + static_cast<double>(t.tv_usec) * 1e3; };
  return {ns(u.ru_utime), ns(u.ru_stime)};
}

// Under `perf record --control=fifo:CTL,ACK -D -1` (bench/profile.sh) samples are taken
// only between "enable" and "disable": the rounds, not the logins before them.
void perf_control(const char* command) {
  const char* ctl = std::getenv("CHAT_BENCH_PERF_CTL");
  const char* ack = std::getenv("CHAT_BENCH_PERF_ACK");
  if (!ctl) return;
  int fd = ::open(ctl, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t ignored = write(fd, command, std::strlen(command));
  (void)ignored;
  close(fd);
  if (!ack) return;
  fd = ::open(ack, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char reply[8];
  ignored = read(fd, reply, sizeof reply);
  (void)ignored;
  close(fd);
}

enum class Timing {
  Wall,     // the whole round: deliveries/s as the clients see them
  Sending,  // only the sending side (the server's dispatch and flush, or the write loop)
};

void skip(benchmark::State& state, const std::string& why) {
  state.SkipWithError(why.c_str());
  release_world();  // it may be in any state now: the next benchmark builds afresh
}

void run_fanout(benchmark::State& state, WorldKind kind, std::size_t clients, std::size_t burst, Timing timing) {
  std::string error;
  FanoutWorld* world = acquire_world(kind, clients, error);
  if (!world) return skip(state, error);
  if (!world->expect(burst)) return skip(state, world->error());
  std::uint64_t rounds = 0, sending_ns = 0, wall_ns = 0;
  CpuSplit cpu_before = thread_cpu();
  for ([[maybe_unused]] auto _ : state) {
    RoundTime t;
    if (!world->round(burst, t)) return skip(state, world->error());
    if (timing == Timing::Sending) state.SetIterationTime(static_cast<double>(t.sending_ns) / 1e9);
    ++rounds;
    sending_ns += t.sending_ns;
    wall_ns += t.wall_ns;
  }
  CpuSplit cpu_after = thread_cpu();
  Tally tally;
  if (!world->tally(tally)) return skip(state, world->error());
  if (tally.min_lines != rounds * burst || tally.max_lines != rounds * burst) {
    return skip(state, "a client read " + std::to_string(tally.min_lines) + " to " + std::to_string(tally.max_lines) +
                           " lines; " + std::to_string(rounds * burst) + " were sent");
  }
  auto deliveries = static_cast<double>(rounds * clients * burst);
  state.SetItemsProcessed(static_cast<std::int64_t>(deliveries));
  state.counters["clients"] = static_cast<double>(clients);
  state.counters["burst"] = static_cast<double>(burst);
  state.counters["wall_ns_per_delivery"] = static_cast<double>(wall_ns) / deliveries;
  state.counters["sending_ns_per_delivery"] = static_cast<double>(sending_ns) / deliveries;
  state.counters["reader_cpu_ns_per_delivery"] = static_cast<double>(tally.reader_cpu_ns) / deliveries;
  state.counters["user_ns_per_delivery"] = (cpu_after.user_ns - cpu_before.user_ns) / deliveries;
  state.counters["sys_ns_per_delivery"] = (cpu_after.sys_ns - cpu_before.sys_ns) / deliveries;
  for (const auto& [name, value] : world->facts()) state.counters[name] = value;
}

void add(const std::string& name, WorldKind kind, std::size_t clients, std::size_t burst, Timing timing) {
  auto* b = benchmark::RegisterBenchmark(
      name.c_str(), [=](benchmark::State& state) { run_fanout(state, kind, clients, burst, timing); });
  b->Unit(benchmark::kMicrosecond);
  if (timing == Timing::Sending) {
    b->UseManualTime();
  } else {
    b->UseRealTime();
  }
}

}  // namespace

std::vector<std::size_t> default_client_counts() { return {1000, 5000, 10000, 15000, 19500}; }

bool parse_client_counts(const std::string& text, std::vector<std::size_t>& out) {
  out.clear();
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) return false;
    std::size_t n = std::stoul(item);
    if (n == 0) return false;
    out.push_back(n);
  }
  return !out.empty();
}

void register_fanout_benchmarks(const std::vector<std::size_t>& counts, bool floor_only) {
  const std::string burst = std::to_string(kBurst);
  for (std::size_t n : counts) {
    const std::string size = std::to_string(n);
    std::string size_burst = size;
    size_burst.append("/").append(burst);
    add("BM_WriteFloor/" + size, WorldKind::Floor, n, 1, Timing::Wall);
    add("BM_WriteFloorBurst/" + size_burst, WorldKind::Floor, n, kBurst, Timing::Wall);
    if (floor_only) continue;
    add("BM_Broadcast/" + size, WorldKind::Chat, n, 1, Timing::Wall);
    add("BM_BroadcastBurst/" + size_burst, WorldKind::Chat, n, kBurst, Timing::Wall);
    add("BM_ServerFanout/" + size, WorldKind::Chat, n, 1, Timing::Sending);
    add("BM_ServerFanoutBurst/" + size_burst, WorldKind::Chat, n, kBurst, Timing::Sending);
  }
}

int run_profile(const std::string& spec) {
  // chat|floor,CLIENTS,ROUNDS[,BURST]
  std::stringstream in(spec);
  std::string kind_text, clients_text, rounds_text, burst_text = "1";
  std::getline(in, kind_text, ',');
  std::getline(in, clients_text, ',');
  std::getline(in, rounds_text, ',');
  std::getline(in, burst_text, ',');
  std::vector<std::size_t> numbers;
  if ((kind_text != "chat" && kind_text != "floor") ||
      !parse_client_counts(clients_text + "," + rounds_text + "," + burst_text, numbers)) {
    (void)std::fprintf(stderr, "--profile wants chat|floor,CLIENTS,ROUNDS[,BURST], e.g. --profile=chat,1000,200\n");
    return 2;
  }
  std::size_t clients = numbers[0], rounds = numbers[1], burst = numbers[2];
  WorldKind kind = kind_text == "chat" ? WorldKind::Chat : WorldKind::Floor;
  std::string error;
  FanoutWorld* world = acquire_world(kind, clients, error);
  RoundTime total;
  Tally tally;
  bool ok = world && world->expect(burst);
  CpuSplit cpu_before = thread_cpu();
  if (ok) {
    perf_control("enable\n");
    ok = profiled_rounds(*world, rounds, burst, total);
    perf_control("disable\n");
  }
  CpuSplit cpu_after = thread_cpu();
  ok = ok && world->tally(tally);
  if (!ok) {
    (void)std::fprintf(stderr, "profile failed: %s\n", world ? world->error().c_str() : error.c_str());
    release_world();
    return 1;
  }
  auto deliveries = static_cast<double>(rounds * clients * burst);
  std::printf("profile %s: %zu clients, %zu rounds of %zu line(s): %.0f deliveries in %.3f s (%.0f/s)\n",
              kind_text.c_str(), clients, rounds, burst, deliveries, static_cast<double>(total.wall_ns) / 1e9,
              deliveries / (static_cast<double>(total.wall_ns) / 1e9));
  std::printf(
      "  sending side %.1f ns per delivery; receivers' CPU %.1f ns per delivery; every client read %llu lines\n",
      static_cast<double>(total.sending_ns) / deliveries, static_cast<double>(tally.reader_cpu_ns) / deliveries,
      static_cast<unsigned long long>(tally.min_lines));
  std::printf("  this thread's CPU: user %.1f ns, system %.1f ns per delivery\n",
              (cpu_after.user_ns - cpu_before.user_ns) / deliveries,
              (cpu_after.sys_ns - cpu_before.sys_ns) / deliveries);
  for (const auto& [name, value] : world->facts()) std::printf("  %s %.1f\n", name.c_str(), value);
  release_world();
  return tally.min_lines == rounds * burst && tally.max_lines == rounds * burst ? 0 : 1;
}

int bench_main(int argc, char** argv, bool floor_only) {
  std::vector<std::size_t> counts = default_client_counts();
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--clients=", 0) == 0) {
      if (!parse_client_counts(arg.substr(10), counts)) {
        (void)std::fprintf(stderr, "--clients wants a list of counts, e.g. --clients=1000,5000\n");
        return 2;
      }
    } else if (arg.rfind("--profile=", 0) == 0) {
      return run_profile(arg.substr(10));
    } else {
      if (arg == "--help" || arg == "-h") {
        std::printf(
            "%s [--clients=N,N,...] [--profile=chat|floor,CLIENTS,ROUNDS[,BURST]] [benchmark flags]\n"
            "  --clients  client counts of the fan-out benchmarks (default 1000,5000,10000,15000,19500)\n"
            "  --profile  build one world, run exactly ROUNDS rounds, print, exit (bench/profile.sh)\n\n",
            argv[0]);
      }
      rest.push_back(argv[i]);
    }
  }
  register_fanout_benchmarks(counts, floor_only);
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  release_world();
  return 0;
}

}  // namespace bench
