#!/usr/bin/env bash
# Soak: chat-server under a mix of churn, floods and misbehaving peers for a long time, with
# its memory and descriptors sampled every second. Not part of `make test` (docs/RELIABILITY.md).
#
#   bench/soak.sh [--seconds N] [--bin DIR] [--out DIR] [--clients N]
#
#   --seconds N   how long the load runs (default $SOAK_SECONDS, else 600)
#   --bin DIR     use chat-server and chat-swarm from DIR instead of building build/soak (Release)
#   --out DIR     where the samples, logs and reports go (default build/soak/run-YYYYmmdd-HHMMSS)
#   --clients N   clients of each churn round (default $SOAK_CLIENTS, else 300)
#
# The mix, all at once against one server (flood control on, as in production):
#   churn  chat-swarm --scenario churn in back-to-back rounds of 30 s: half the clients stay,
#          the others join, talk and leave by @sair, close or reset; every delivery checked
#   flood  chat-swarm --scenario fanout, one sender firing 200 lines in half a second, over and
#          over: the server paces it (lines delayed, never dropped) and every delivery is checked
#   peers  bench/soak_peers.py: slow readers, stalled readers that reset, connections that
#          never speak, half-closers, resets in the middle of a line
# Phases: idle (5 s, the descriptor baseline), load, then cool-down (up to 30 s for the peers'
# last connections to be reaped). Passes only if bench/soak_judge.py finds every swarm run
# passed with nothing lost, RSS flat after warm-up, and descriptors back to the baseline.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SOAK_SECONDS:-600}
clients=${SOAK_CLIENTS:-300}
bin=""
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ "$seconds" =~ ^[0-9]+$ && "$seconds" -ge 20 ]] || { echo "soak.sh: --seconds must be a whole number >= 20" >&2; exit 2; }

if [ -z "$bin" ]; then
  cmake -S . -B build/soak -DCMAKE_BUILD_TYPE=Release -DCHAT_TESTS=OFF -DCHAT_BENCH=OFF >/dev/null
  cmake --build build/soak -j "$(nproc 2>/dev/null || echo 2)" --target chat-server chat-swarm >/dev/null
  bin=build/soak/bin
fi
server_bin=$bin/chat-server
swarm_bin=$bin/chat-swarm
if [ ! -x "$server_bin" ] || [ ! -x "$swarm_bin" ]; then
  echo "soak.sh: no chat-server/chat-swarm in $bin" >&2
  exit 2
fi

out=${out:-build/soak/run-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out/swarm"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

password=soak-password
auth_timeout=5
server_args=(--port 0 --rate 20 --burst 50 --auth-timeout "$auth_timeout" --max-queue 262144)
# One address is every client's here: lift the per-address cap where the server has one.
if "$server_bin" --help 2>&1 | grep -q -- '--max-per-ip'; then server_args+=(--max-per-ip 0); fi
# ...and the cap on logins in progress from one address (churn logs in many at once).
if "$server_bin" --help 2>&1 | grep -q -- '--max-unauthenticated-per-ip'; then
  server_args+=(--max-unauthenticated-per-ip 0)
fi

pids=()
server_pid=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

CHAT_PASSWORD=$password "$server_bin" "${server_args[@]}" 2>"$out/server.log" &
server_pid=$!
port=""
for _ in $(seq 100); do
  port=$(grep -o 'listening on [^ ]*' "$out/server.log" 2>/dev/null | grep -o '[0-9]*$' || true)
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$out/server.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "soak.sh: the server did not report its port" >&2; exit 1; }

echo "soak: chat-server pid $server_pid port $port (${server_args[*]}), load $seconds s, $clients churn clients; output in $out"
echo "idle" >"$out/phase"

# One sample a second: elapsed seconds, phase, resident memory (KiB), open descriptors.
sample() {
  local start ms rss fds
  start=$(date +%s%N)
  echo "t_s,phase,rss_kib,fds" >"$out/samples.csv"
  while kill -0 "$server_pid" 2>/dev/null; do
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$server_pid/status" 2>/dev/null || true)
    fds=$(find "/proc/$server_pid/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    [ -n "$rss" ] && printf '%d.%d,%s,%s,%s\n' $((ms / 1000)) $((ms % 1000 / 100)) "$(cat "$out/phase")" "$rss" "$fds" >>"$out/samples.csv"
    sleep 1
  done
}
sample &
pids+=($!)

sleep 5
echo "load" >"$out/phase"
load_end=$(( $(date +%s) + seconds ))

# Back-to-back swarm runs of one kind until the load ends; each leaves a JSON report.
churn_rounds() {
  local n=0 left len
  while :; do
    left=$(( load_end - $(date +%s) ))
    [ "$left" -ge 8 ] || break
    len=$(( left < 30 ? left - 2 : 30 ))
    "$swarm_bin" --port "$port" --password "$password" --scenario churn --clients "$clients" --rate 200 \
      --duration "$len" --seed "$((n + 1))" --name-prefix "ch${n}_" --drain-timeout 20 --quiet \
      --json "$out/swarm/churn-$(printf %03d "$n").json" >"$out/swarm/churn-$(printf %03d "$n").txt" 2>&1 || true
    n=$((n + 1))
  done
}
flood_rounds() {
  local n=0
  while [ $(( load_end - $(date +%s) )) -ge 12 ]; do
    "$swarm_bin" --port "$port" --password "$password" --scenario fanout --clients 10 --senders 1 \
      --messages 200 --rate 400 --name-prefix "fl${n}_" --drain-timeout 30 --quiet \
      --json "$out/swarm/flood-$(printf %03d "$n").json" >"$out/swarm/flood-$(printf %03d "$n").txt" 2>&1 || true
    n=$((n + 1))
  done
}
churn_rounds &
churn_pid=$!
flood_rounds &
flood_pid=$!
python3 bench/soak_peers.py --port "$port" --password "$password" --seconds "$((seconds - 10))" \
  --auth-timeout "$auth_timeout" >"$out/peers.json" 2>"$out/peers.log" &
peers_pid=$!
pids+=("$churn_pid" "$flood_pid" "$peers_pid")

# The load ends when the last swarm round has drained and the peers have left.
wait "$churn_pid" "$flood_pid" "$peers_pid" || true
echo "cooldown" >"$out/phase"
for _ in $(seq 30); do
  sleep 1
  tail -1 "$out/samples.csv" | awk -F, -v base="$(awk -F, '$2 == "idle" {print $4}' "$out/samples.csv" | sort -n | head -1)" \
    '{exit !($4 <= base)}' && break
done
sleep 2  # two more samples at rest
echo "done" >"$out/phase"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=""
kill "${pids[0]}" 2>/dev/null || true

python3 bench/soak_judge.py --dir "$out" --seconds "$seconds" --server-exit "$status"
