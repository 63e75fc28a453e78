#!/usr/bin/env bash
# Aggregate fan-out of a cluster (docs/SCALING.md, "Fan-out of a cluster"): the same
# chat-swarm run against a standalone node (nodes=0, the baseline, measured in the same
# run) and against clusters of 1, 2, ... nodes with their Redis, clients dealt over the nodes
# with --targets. For each run: deliveries per second in total, every node's CPU seconds
# summed, Redis's CPU seconds (utime+stime from /proc/PID/stat over the sending window),
# hence node CPU per delivery against the standalone node's, and Redis CPU per public line.
# Both modes: closed loop (as fast as the slowest listener allows) and a fixed rate.
#
#   bench/cluster-fanout.sh                          nodes 0 1 2, N=1000 5000, P=1 10, 4 s, 1 round
#   NODES="0 1 2 4" NS="1000" PS="10" MODES="closed" ROUNDS=3 bench/cluster-fanout.sh
#   RATE=200: the fixed rate, public lines per second in total (default 100)
#   HOLD=3: idle seconds with everyone in the room before sending (default 3); the CPU window
#   opens three quarters into it, once the login storm's N^2/2 join notices are written (at
#   N=10000 they are 50 million deliveries no run counts: inside the window they would be
#   billed to the few lines of a closed loop with one sender)
set -euo pipefail
cd "$(dirname "$0")/.."
NODES=${NODES:-"0 1 2"}
NS=${NS:-"1000 5000"}
PS=${PS:-"1 10"}
MODES=${MODES:-"closed rate"}
RATE=${RATE:-100}
DURATION=${DURATION:-4}
HOLD=${HOLD:-3}
ROUNDS=${ROUNDS:-1}
bin=${BIN:-build/release/bin}
out=build/cluster-fanout
mkdir -p "$out"
# shellcheck source=bench/cluster-lib.sh
source bench/cluster-lib.sh

run() {  # nodes n p mode round -> one line: nodes n p mode delivered sent send_s node_cpu redis_cpu
  local nodes=$1 n=$2 p=$3 mode=$4 round=$5 rport redis="" node_pids=() targets="" cluster_args=()
  if ((nodes > 0)); then
    rport=$(free_port)
    redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec \
      --dir "$out" --appendfilename "fanout-$rport.aof" --loglevel warning >"$out/redis.log" 2>&1 &
    redis=$!
    pids+=("$redis")
    wait_port "$rport"
  fi
  local count=$((nodes > 0 ? nodes : 1)) i port
  for ((i = 0; i < count; i++)); do
    port=$(free_port)
    ((nodes > 0)) && cluster_args=(--redis "127.0.0.1:$rport" --node-name "fan$i")
    CHAT_PASSWORD=123456 "$bin/chat-server" --port "$port" --bind 127.0.0.1 --rate 0 --max-queue 268435456 \
      --max-per-ip 0 --max-unauthenticated-per-ip 0 --max-unauthenticated 19000 "${cluster_args[@]}" \
      >"$out/node$i.log" 2>&1 &
    node_pids+=($!)
    pids+=($!)
    wait_port "$port"
    ((nodes > 0)) && until grep -q "joined the cluster" "$out/node$i.log"; do sleep 0.05; done
    targets+="${targets:+,}127.0.0.1:$port"
  done
  local load=(--closed-loop)
  [[ $mode == rate ]] && load=(--rate "$RATE")
  local err="$out/$nodes-$n-$p-$mode-$round.err" json="$out/$nodes-$n-$p-$mode-$round.json"
  rm -f "$err" "$json"
  "$bin/chat-swarm" --scenario fanout --targets "$targets" --password 123456 --clients "$n" --senders "$p" \
    --size 64 "${load[@]}" --duration "$DURATION" --hold "$HOLD" --quiet --ready-timeout 60 --json "$json" \
    >/dev/null 2>"$err" &
  local swarm=$!
  wait_text "$err" "holding (in the room)" "$swarm" || true
  sleep "$(python3 -c "print($HOLD * 0.75)")"
  local n1 r1=0 n2 r2=0 t1 t2
  t1=$(date +%s.%N); n1=$(ticks "${node_pids[@]}"); [[ -n $redis ]] && r1=$(ticks "$redis")
  wait_text "$err" "holding (drained)" "$swarm" || true
  t2=$(date +%s.%N); n2=$(ticks "${node_pids[@]}"); [[ -n $redis ]] && r2=$(ticks "$redis")
  wait "$swarm" || echo "cluster-fanout: swarm reported a problem (nodes=$nodes N=$n P=$p $mode)" >&2
  for i in "${node_pids[@]}"; do kill -TERM "$i"; done
  for i in "${node_pids[@]}"; do wait "$i" 2>/dev/null || true; done
  [[ -n $redis ]] && { kill -TERM "$redis"; wait "$redis" 2>/dev/null || true; rm -rf "$out"/fanout-*.aof "$out"/appendonlydir; }
  pids=()
  python3 - "$json" "$nodes" "$n" "$p" "$mode" "$(( n2 - n1 ))" "$(( r2 - r1 ))" "$clk" "$t1" "$t2" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1])); m = rep.get("messages", {})
clk = float(sys.argv[8]); wall = float(sys.argv[10]) - float(sys.argv[9])
# The rates divide by the swarm's sending time (the CPU window also holds the hold's last
# quarter and the drain).
print(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], m.get("delivered", 0), m.get("sent", 0),
      f"{m.get('send_s', wall):.3f}", int(sys.argv[6]) / clk, int(sys.argv[7]) / clk, "ok" if rep.get("ok") else "FAIL")
PY
}

results="$out/results.txt"
: >"$results"
for round in $(seq "$ROUNDS"); do
  for n in $NS; do for p in $PS; do for mode in $MODES; do
    order=$NODES; ((round % 2 == 0)) && order=$(echo "$NODES" | tr ' ' '\n' | tac | tr '\n' ' ')
    for nodes in $order; do run "$nodes" "$n" "$p" "$mode" "$round" | tee -a "$results"; done
  done; done; done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
cells = {}
for nodes, n, p, mode, delivered, sent, wall, node_cpu, redis_cpu, ok in rows:
    cells.setdefault((int(n), int(p), mode), {}).setdefault(int(nodes), []).append(
        (int(delivered), int(sent), float(wall), float(node_cpu), float(redis_cpu), ok))
print(f"{'N':>6} {'P':>3} {'mode':>6} {'nodes':>5} {'deliveries/s':>13} {'node us/deliv':>14} {'vs alone':>9} "
      f"{'Redis us/line':>14} {'lines/s':>8} {'verdict':>7}")
for (n, p, mode), by_nodes in sorted(cells.items()):
    med = lambda xs: statistics.median(xs) if xs else float("nan")
    alone = med([r[3] / r[0] * 1e6 for r in by_nodes.get(0, []) if r[0]])
    for nodes, rs in sorted(by_nodes.items()):
        per = med([r[3] / r[0] * 1e6 for r in rs if r[0]])
        rate = med([r[0] / r[2] for r in rs if r[2] > 0])
        lines = med([r[1] / r[2] for r in rs if r[2] > 0])
        redis = med([r[4] / r[1] * 1e6 for r in rs if r[1]]) if nodes else float("nan")
        verdict = "ok" if all(r[5] == "ok" for r in rs) else "FAIL"
        print(f"{n:>6} {p:>3} {mode:>6} {nodes if nodes else 'alone':>5} {rate:>13.0f} {per:>14.3f} "
              f"{per / alone:>9.2f} {redis:>14.1f} {lines:>8.0f} {verdict:>7}")
PY
