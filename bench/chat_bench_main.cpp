// chat_bench: every benchmark of bench/ (micro-benchmarks, the floor, the chat server's
// fan-out). `chat_bench --help` lists the flags; docs/PERFORMANCE.md says how to read it.
#include "bench/fanout_bench.h"

int main(int argc, char** argv) { return bench::bench_main(argc, argv, false); }
