// chat_floor: this machine's cost of one send() per socket across N loopback sockets, the
// kernel's limit for one-line-per-write fan-out, with no server code involved.
#include "bench/fanout_bench.h"

int main(int argc, char** argv) { return bench::bench_main(argc, argv, true); }
