#!/usr/bin/env bash
# Side by side with Redis: the same chat-swarm workload (N listeners, P dedicated senders,
# 64-byte messages) against redis-server pub/sub (--proto redis: SUBSCRIBE/PUBLISH) and
# against chat-server (--proto chat), one after the other, each server started fresh for
# each run and stopped by its PID. For each run: deliveries/s, latency percentiles, the
# server's CPU seconds (utime+stime from /proc/PID/stat over the measured window), deliveries
# per server CPU-second, and server RSS per connected idle client (VmRSS with every client
# connected and idle after the traffic, minus VmRSS before any connected, over the clients);
# then the ratios
# ours/Redis. Results: build/compare/results.json (+ each swarm report); charts with
# bench/plot-compare.sh.
#
#   bench/compare-redis.sh            N in 1000 5000 10000, P in 1 10, closed loop, 8 s each,
#                                     plus a fixed-rate latency run: about 6 minutes
#   bench/compare-redis.sh --quick    N in 1000 5000, P 10, 3 s each: about a minute
#   NS="1000 2000" PS="1 10" DURATION=5 RATE=200 RATE_N=1000 RATE_P=10 bench/compare-redis.sh
#   CHAT_SERVER_BIN=build/release/bin/chat-server bench/compare-redis.sh   (another server build)
#   REPEAT=3 bench/compare-redis.sh   every cell three times, the two servers' order alternating;
#                                     the report gives each cell's median and the ratios' range
set -euo pipefail
cd "$(dirname "$0")/.."

NS=${NS:-"1000 5000 10000"}
PS=${PS:-"1 10"}
DURATION=${DURATION:-8}
RATE=${RATE:-200}        # fixed-rate run: messages/s in total, offered identically to both
RATE_N=${RATE_N:-1000}
RATE_P=${RATE_P:-10}
HOLD=${HOLD:-2}          # idle seconds with every client in, before sending and after draining
REPEAT=${REPEAT:-1}      # rounds of the whole matrix; each round alternates which server goes first
if [[ "${1:-}" == "--quick" || "${QUICK:-0}" == 1 ]]; then
  NS=${QUICK_NS:-"1000 5000"}
  PS=${QUICK_PS:-"10"}
  DURATION=3
  HOLD=1
fi

build=build/compare
out=$build
mkdir -p "$out/runs"

# ---- what is needed ----------------------------------------------------------------------
if ! command -v redis-server >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "compare-redis: installing redis-server (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server >/dev/null
  else
    echo "compare-redis: redis-server is not installed: sudo apt-get install redis-server" >&2
    exit 2
  fi
fi
# The Debian package may start a system-wide redis on 6379; ours uses its own free port.
redis_version=$(redis-server --version | sed -n 's/.*v=\([0-9.]*\).*/\1/p')

# CHAT_SERVER_BIN=path compares another build of the server (the swarm is always this one).
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCHAT_TESTS=OFF -DCHAT_BENCH=OFF >/dev/null
if [[ -n "${CHAT_SERVER_BIN:-}" ]]; then
  server_bin=$CHAT_SERVER_BIN
  cmake --build "$build" -j "$(nproc)" --target chat-swarm >/dev/null
else
  server_bin=$build/bin/chat-server
  cmake --build "$build" -j "$(nproc)" --target chat-server chat-swarm >/dev/null
fi
swarm_bin=$build/bin/chat-swarm
# Every swarm connection comes from 127.0.0.1: lift the per-address limit where there is one.
per_ip=()
"$server_bin" --help 2>/dev/null | grep -q -- --max-per-ip && per_ip=(--max-per-ip 0)
# Likewise the caps on logins in progress: a login storm may have every client logging in.
"$server_bin" --help 2>/dev/null | grep -q -- --max-unauthenticated &&
  per_ip+=(--max-unauthenticated-per-ip 0 --max-unauthenticated 19000)

ulimit -n "$(ulimit -Hn)"  # both servers and the swarm inherit it
clk_tck=$(getconf CLK_TCK)

# ---- one server at a time, always stopped by its PID --------------------------------------
server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
swarm_pid=""
cleanup() {
  [[ -n "$swarm_pid" ]] && kill -TERM "$swarm_pid" 2>/dev/null || true
  stop_server
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

wait_listening() {  # port
  for _ in $(seq 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "compare-redis: nothing listens on port $1" >&2
  return 1
}

start_server() {  # kind port log
  case "$1" in
    redis)
      redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        --maxclients 19000 --loglevel warning >"$3" 2>&1 &
      ;;
    chat)
      CHAT_PASSWORD=123456 "$server_bin" --port "$2" --bind 127.0.0.1 --rate 0 --max-queue 268435456 \
        --max-clients 19000 "${per_ip[@]}" >"$3" 2>&1 &
      ;;
  esac
  server_pid=$!
  wait_listening "$2"
  sleep 0.3  # let the probe connection's close settle before the baseline RSS
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }  # utime + stime, after "(comm)"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

wait_for_line() {  # file text pid: until the swarm says it (or is gone)
  until grep -q "$2" "$1" 2>/dev/null; do
    kill -0 "$3" 2>/dev/null || return 1
    sleep 0.02
  done
}

# One measured run: prints one JSON object on stdout.
run_one() {  # kind n p mode(closed|rate) round
  local kind=$1 n=$2 p=$3 mode=$4 round=$5
  local name="$kind-n$n-p$p-$mode"
  [[ "$REPEAT" -gt 1 ]] && name+="-r$round"
  local port log err json
  port=$(free_port)
  log="$out/runs/$name.server.log"
  err="$out/runs/$name.swarm.err"
  json="$out/runs/$name.json"
  rm -f "$err" "$json"  # a previous run's markers must not be mistaken for this one's
  start_server "$kind" "$port" "$log"
  local rss0 rss1 cpu1 cpu2
  rss0=$(rss_kb "$server_pid")
  local load=(--closed-loop)
  [[ "$mode" == rate ]] && load=(--rate "$RATE")
  "$swarm_bin" --proto "$kind" --scenario pubsub --port "$port" --password 123456 --clients "$n" \
    --senders "$p" --size 64 "${load[@]}" --duration "$DURATION" --hold "$HOLD" --quiet \
    --ready-timeout 60 --json "$json" >"$out/runs/$name.txt" 2>"$err" &
  swarm_pid=$!
  wait_for_line "$err" "holding (in the room)" "$swarm_pid" || true
  cpu1=$(cpu_ticks "$server_pid")
  wait_for_line "$err" "holding (drained)" "$swarm_pid" || true
  cpu2=$(cpu_ticks "$server_pid")
  # Idle memory: every client still connected, the traffic (and the login storm's notices)
  # long written, three quarters into the final hold.
  sleep "$(awk -v h="$HOLD" 'BEGIN {print h * 0.75}')"
  rss1=$(rss_kb "$server_pid")
  local status=0
  wait "$swarm_pid" || status=$?
  swarm_pid=""
  stop_server
  printf '{"server": "%s", "n": %s, "p": %s, "mode": "%s", "round": %s, "swarm_status": %s, "rss_before_kb": %s, "rss_idle_kb": %s, "server_cpu_s": %s, "swarm_json": "%s"}\n' \
    "$kind" "$n" "$p" "$mode" "$round" "$status" "$rss0" "$rss1" \
    "$(awk -v a="$cpu1" -v b="$cpu2" -v t="$clk_tck" 'BEGIN {printf "%.3f", (b - a) / t}')" "$json"
  echo "compare-redis: $name done (swarm exit $status)" >&2
}

runs="$out/runs.jsonl"
: >"$runs"
# Odd rounds start with Redis, even rounds with chat-server: a drift in the machine's load
# during a round then favours neither.
for round in $(seq "$REPEAT"); do
  kinds="redis chat"
  ((round % 2 == 0)) && kinds="chat redis"
  for n in $NS; do
    for p in $PS; do
      for kind in $kinds; do run_one "$kind" "$n" "$p" closed "$round" >>"$runs"; done
    done
  done
  for kind in $kinds; do run_one "$kind" "$RATE_N" "$RATE_P" rate "$round" >>"$runs"; done
done

python3 bench/compare_redis_report.py "$runs" --redis-version "$redis_version" --rate "$RATE" \
  --duration "$DURATION" --out "$out/results.json"
