// The fan-out benchmarks (BM_WriteFloor, BM_Broadcast, BM_ServerFanout), registered per
// client count, and the fixed-work profiling mode used under callgrind and perf.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace bench {

// The client counts `make bench` measures; the largest that fits one process's descriptors
// with the receivers in a child is a little under 20 000.
std::vector<std::size_t> default_client_counts();
// Parses "1000,5000,10000"; false on anything else.
bool parse_client_counts(const std::string& text, std::vector<std::size_t>& out);

// Registers, for each count in order: the floor (one line, then a burst, per write), and
// unless `floor_only`, the chat server's broadcast and its server-side cost, each for one
// line and for a burst. Grouped by count so each world is built once.
void register_fanout_benchmarks(const std::vector<std::size_t>& counts, bool floor_only);

// Lines per round in the burst variants.
inline constexpr std::size_t kBurst = 16;

// "--profile=chat|floor,CLIENTS,ROUNDS[,BURST]": builds that world and runs exactly ROUNDS
// rounds in profiled_rounds(), so callgrind can collect just that function
// (--toggle-collect='bench::profiled_rounds*') and instruction counts repeat run to run.
// Returns the process exit status; prints what it did.
int run_profile(const std::string& spec);

// The main() of chat_bench and chat_floor: takes --clients=LIST and --profile=SPEC, passes
// the rest to Google Benchmark. Returns the exit status.
int bench_main(int argc, char** argv, bool floor_only);

}  // namespace bench
