#!/usr/bin/env bash
# Profiles the broadcast path: the server's side of fixed-work rounds (chat_bench --profile),
# with debug information, in build/profile; results in build/bench/. Needs valgrind and
# linux-perf (apt-get install valgrind linux-perf).
#
#   bench/profile.sh callgrind [CLIENTS] [ROUNDS] [BURST]  instructions, repeatable run to run
#   bench/profile.sh perf      [CLIENTS] [ROUNDS] [BURST]  where the time goes, kernel included
#   bench/profile.sh floor     [CLIENTS] [ROUNDS] [BURST]  perf of the floor (bare write() loop)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-callgrind}
clients=${2:-1000}
rounds=${3:-}
burst=${4:-1}
build=build/profile
out=build/bench
mkdir -p "$out"

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS="-g -fno-omit-frame-pointer" \
  -DCHAT_BENCH=ON -DCHAT_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target chat_bench >/dev/null
bin="$build/bench/chat_bench"

case "$mode" in
  callgrind)
    rounds=${rounds:-200}
    rm -f "$out"/callgrind.out.*
    # Collect only inside bench::profiled_rounds: the rounds, not the logins before them.
    # The forked receivers run under valgrind too and collect nothing.
    valgrind --tool=callgrind --callgrind-out-file="$out/callgrind.out.%p" \
      --toggle-collect='bench::profiled_rounds*' --dump-instr=no \
      "$bin" --profile="chat,$clients,$rounds,$burst"
    file=$(grep -l '^summary: [1-9]' "$out"/callgrind.out.* | head -1)
    total=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$file")
    deliveries=$((clients * rounds * burst))
    echo
    echo "callgrind: $total instructions in $rounds rounds to $clients clients ($burst line(s) each):" \
      "$((total / deliveries)) per delivery, $((total / (rounds * burst))) per line ($file)"
    echo
    callgrind_annotate --inclusive=no "$file" 2>/dev/null | sed -n '/^Ir/,$p' | head -30
    echo
    callgrind_annotate --inclusive=yes "$file" 2>/dev/null | sed -n '/^Ir/,$p' | head -30
    ;;
  perf | floor)
    kind=chat
    [ "$mode" = floor ] && kind=floor
    rounds=${rounds:-2000}
    ctl="$out/perf.ctl" ack="$out/perf.ack"
    rm -f "$ctl" "$ack"
    mkfifo "$ctl" "$ack"
    # -D -1: sampling starts disabled; chat_bench enables it around the rounds only.
    CHAT_BENCH_PERF_CTL="$ctl" CHAT_BENCH_PERF_ACK="$ack" \
      perf record -e cpu-clock -F 2999 -g -D -1 --control="fifo:$ctl,$ack" -o "$out/perf.$kind.data" \
      "$bin" --profile="$kind,$clients,$rounds,$burst"
    rm -f "$ctl" "$ack"
    echo
    # The measured process only (the receivers' process is named bench-receivers).
    perf report -i "$out/perf.$kind.data" --comm chat_bench --no-children --sort symbol --stdio 2>/dev/null |
      grep -E '^ +[0-9]' | head -30
    echo
    perf report -i "$out/perf.$kind.data" --comm chat_bench --children --sort symbol --stdio -g none 2>/dev/null |
      grep -E '^ +[0-9]' | head -40
    ;;
  *)
    sed -n '2,9p' "$0"
    exit 2
    ;;
esac
