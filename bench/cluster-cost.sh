#!/usr/bin/env bash
# What the cluster costs (docs/SCALING.md, "Measured costs"): the same chat-swarm fan-out
# (N listeners, P senders, 64-byte lines, closed loop) against one standalone node and
# against one cluster node with its Redis, alternating which goes first, each started
# fresh. For each run: deliveries, the node's CPU seconds and Redis's over the measured
# window (utime+stime from /proc/PID/stat), hence node CPU per delivery (cluster over
# standalone: the bus's cost on the node), Redis CPU per public line, and the deliveries per
# send system call of the node (perf's syscall tracepoints: how many lines share a write).
#
#   bench/cluster-cost.sh                 N=1000 and 5000, P=10, 5 s each, 3 rounds
#   NS="1000" PS="1 10" DURATION=3 ROUNDS=1 bench/cluster-cost.sh
#   PROFILE=1 ...                         also perf-records the node over each window
#   RATE=100 ...                          a fixed rate (lines/s of all senders) instead of closed loop
set -euo pipefail
cd "$(dirname "$0")/.."
NS=${NS:-"1000 5000"}
PS=${PS:-"10"}
DURATION=${DURATION:-5}
ROUNDS=${ROUNDS:-3}
bin=${BIN:-build/release/bin}
out=build/cluster-cost
mkdir -p "$out"
# shellcheck source=bench/cluster-lib.sh
source bench/cluster-lib.sh

run() {  # mode n p round -> one line: mode n p delivered sent node_cpu redis_cpu node_writes
  local mode=$1 n=$2 p=$3 round=$4 port rport node redis="" args=()
  port=$(free_port)
  if [[ $mode == cluster ]]; then
    rport=$(free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
      --dir "$out" --appendfilename "cost-$rport.aof" --loglevel warning >"$out/redis.log" 2>&1 &
    redis=$!
    pids+=("$redis")
    wait_port "$rport"
    args=(--redis "127.0.0.1:$rport" --node-name "cost$round")
  fi
  CHAT_PASSWORD=123456 "$bin/chat-server" --port "$port" --bind 127.0.0.1 --rate 0 --max-queue 268435456 \
    --max-per-ip 0 --max-unauthenticated-per-ip 0 --max-unauthenticated 19000 "${args[@]}" >"$out/node.log" 2>&1 &
  node=$!
  pids+=("$node")
  wait_port "$port"
  [[ $mode == cluster ]] && until grep -q "joined the cluster" "$out/node.log"; do sleep 0.05; done
  local err="$out/$mode-$n-$p-$round.err" json="$out/$mode-$n-$p-$round.json" load=(--closed-loop)
  [[ -n ${RATE:-} ]] && load=(--rate "$RATE")
  rm -f "$err" "$json"
  "$bin/chat-swarm" --scenario fanout --port "$port" --password 123456 --clients "$n" --senders "$p" --size 64 \
    "${load[@]}" --duration "$DURATION" --hold 1 --quiet --ready-timeout 60 --json "$json" >/dev/null 2>"$err" &
  local swarm=$!
  wait_text "$err" "holding (in the room)" "$swarm" || true
  local n1 r1=0 n2 r2=0 sends
  count_sends "$node" "$out/sends.txt"
  local recorder=""
  if [[ -n ${PROFILE:-} ]]; then  # where the node's time goes in the window: perf report -i FILE
    perf record -q -F 2000 -p "$node" -o "$out/$mode-$n-$p-$round.perf" >/dev/null 2>&1 &
    recorder=$!
  fi
  n1=$(ticks "$node"); [[ -n $redis ]] && r1=$(ticks "$redis")
  wait_text "$err" "holding (drained)" "$swarm" || true
  n2=$(ticks "$node"); [[ -n $redis ]] && r2=$(ticks "$redis")
  stop_counting_sends
  [[ -n $recorder ]] && { kill -INT "$recorder"; wait "$recorder" 2>/dev/null || true; }
  sends=$(sends_counted "$out/sends.txt")
  wait "$swarm" || echo "cluster-cost: swarm reported a problem ($mode $n $p)" >&2
  kill -TERM "$node"; wait "$node" 2>/dev/null || true
  [[ -n $redis ]] && { kill -TERM "$redis"; wait "$redis" 2>/dev/null || true; rm -f "$out"/cost-*.aof "$out"/appendonlydir -r; }
  pids=()
  python3 - "$json" "$mode" "$n" "$p" "$(( n2 - n1 ))" "$(( r2 - r1 ))" "$clk" "$sends" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1])); m = rep.get("messages", {})
clk = float(sys.argv[7])
print(sys.argv[2], sys.argv[3], sys.argv[4], m.get("delivered", 0), m.get("sent", 0),
      int(sys.argv[5]) / clk, int(sys.argv[6]) / clk, sys.argv[8])
PY
}

results="$out/results.txt"
: >"$results"
for round in $(seq "$ROUNDS"); do
  modes="standalone cluster"; ((round % 2 == 0)) && modes="cluster standalone"
  for n in $NS; do for p in $PS; do for mode in $modes; do run "$mode" "$n" "$p" "$round" | tee -a "$results"; done; done; done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
cells = {}
for mode, n, p, delivered, sent, node_cpu, redis_cpu, writes in rows:
    cells.setdefault((int(n), int(p)), {}).setdefault(mode, []).append(
        (int(delivered), int(sent), float(node_cpu), float(redis_cpu), int(writes)))
print(f"{'N':>6} {'P':>3} {'node us/deliv alone':>20} {'in cluster':>11} {'ratio':>6} {'Redis us/line':>14}"
      f" {'deliveries/send alone':>22} {'in cluster':>11}")
for (n, p), m in sorted(cells.items()):
    def per(mode, i):
        return statistics.median(r[2] / r[0] * 1e6 for r in m.get(mode, []) if r[0])
    alone, clus = per("standalone", 0), per("cluster", 0)
    redis = statistics.median(r[3] / r[1] * 1e6 for r in m.get("cluster", []) if r[1])
    def batch(mode):
        return statistics.median([r[0] / r[4] for r in m.get(mode, []) if r[4]] or [0])
    print(f"{n:>6} {p:>3} {alone:>20.3f} {clus:>11.3f} {clus / alone:>6.2f} {redis:>14.1f}"
          f" {batch('standalone'):>22.2f} {batch('cluster'):>11.2f}")
PY
