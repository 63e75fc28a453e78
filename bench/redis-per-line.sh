#!/usr/bin/env bash
# Redis's CPU per public line of one cluster node (docs/SCALING.md, "Where Redis's time
# goes"): a chat-swarm fan-out at a fixed rate or closed loop against one node and its Redis
# (appendonly yes, appendfsync everysec). Redis's CPU comes from its own INFO cpu (µs, all
# threads) over the sending window, less its idle CPU measured during the hold before it
# (the same node and clients connected, nobody talking); then INFO commandstats of the window.
#
#   bench/redis-per-line.sh                    N=100, P=10, 100 and 1000 lines/s, closed loop
#   N=1000 P=10 RATES="0" DURATION=4 bench/redis-per-line.sh      (0: closed loop)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100}
P=${P:-10}
RATES=${RATES:-"100 1000 0"}
DURATION=${DURATION:-4}
bin=${BIN:-build/release/bin}
out=build/redis-per-line
mkdir -p "$out"
# shellcheck source=bench/cluster-lib.sh
source bench/cluster-lib.sh

for rate in $RATES; do
  rport=$(free_port)
  port=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync everysec --dir "$out" \
    --appendfilename "rpl-$rport.aof" --loglevel warning >"$out/redis.log" 2>&1 &
  redis=$!
  pids+=("$redis")
  wait_port "$rport"
  CHAT_PASSWORD=123456 "$bin/chat-server" --port "$port" --bind 127.0.0.1 --rate 0 --max-queue 268435456 \
    --max-per-ip 0 --max-unauthenticated-per-ip 0 --redis "127.0.0.1:$rport" --node-name rpl >"$out/node.log" 2>&1 &
  node=$!
  pids+=("$node")
  wait_port "$port"
  until grep -q "joined the cluster" "$out/node.log"; do sleep 0.05; done
  cpu() { redis-cli -p "$rport" info cpu | awk -F: '/used_cpu_(sys|user):/ { s += $2 } END { printf "%.6f", s }'; }
  mode=(--rate "$rate")
  [[ $rate == 0 ]] && mode=(--closed-loop)
  "$bin/chat-swarm" --scenario fanout --port "$port" --password 123456 --clients "$N" --senders "$P" --size 64 \
    "${mode[@]}" --duration "$DURATION" --hold 3 --quiet --ready-timeout 60 --json "$out/swarm.json" \
    >/dev/null 2>"$out/swarm.err" &
  swarm=$!
  wait_text "$out/swarm.err" "holding (in the room)" "$swarm" || true
  # The hold lasts 3 s: idle from 1 s to 2 s into it, the window from 2.5 s to the drain.
  sleep 1; i1=$(cpu); sleep 1; i2=$(cpu); sleep 0.5
  redis-cli -p "$rport" config resetstat >/dev/null
  c1=$(cpu); t1=$(date +%s.%N)
  wait_text "$out/swarm.err" "holding (drained)" "$swarm" || true
  c2=$(cpu); t2=$(date +%s.%N)
  redis-cli -p "$rport" info commandstats | grep '^cmdstat' >"$out/commandstats-$rate.txt"
  wait "$swarm" || echo "redis-per-line: swarm reported a problem (rate $rate)" >&2
  kill -TERM "$node" "$redis"; wait "$node" "$redis" 2>/dev/null || true
  rm -rf "$out"/rpl-*.aof "$out/appendonlydir"
  pids=()
  python3 - "$out/swarm.json" "$rate" "$i1" "$i2" "$c1" "$c2" "$t1" "$t2" "$out/commandstats-$rate.txt" <<'PY'
import json, re, sys
m = json.load(open(sys.argv[1]))["messages"]
rate = "closed loop" if sys.argv[2] == "0" else sys.argv[2] + " lines/s"
i1, i2, c1, c2, t1, t2 = map(float, sys.argv[3:9])
idle, busy, span = i2 - i1, c2 - c1, t2 - t1
sent = max(m["sent"], 1)
calls = {}
for line in open(sys.argv[9]):
    name, stats = line.strip().split(":", 1)
    fields = dict(kv.split("=") for kv in stats.split(","))
    calls[name[len("cmdstat_"):]] = (int(fields["calls"]), int(fields["usec"]))
ev, xr = calls.get("evalsha", (0, 0)), calls.get("xread", (0, 0))
print(f"{rate:>14}: {m['sent']} lines, Redis {busy * 1e6 / sent:.1f} us per line "
      f"({(busy - idle * span) * 1e6 / sent:.1f} over idle); script calls {ev[0]} ({ev[1] / sent:.1f} us per line), "
      f"XREAD calls {xr[0]} ({xr[1] / sent:.1f} us per line)")
PY
done
