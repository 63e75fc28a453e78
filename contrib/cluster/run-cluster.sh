#!/usr/bin/env bash
# `make cluster NODES=N`: a Redis on a private port with the shipped configuration, and N
# chat-server nodes sharing one port (SO_REUSEPORT), for trying a cluster on one machine.
# Ctrl-C stops all of them. Usage: run-cluster.sh BIN_DIR NODES PORT [REDIS_PORT]
set -euo pipefail
bin=${1:?bin dir}
nodes=${2:-2}
port=${3:-5000}
redis_port=${4:-6390}
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/chat-cluster-XXXXXX)
pids=()

stop() {
  trap - INT TERM EXIT
  echo "stopping ${#pids[@]} processes"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop INT TERM EXIT

redis-server "$here/contrib/redis/chat-redis.conf" --port "$redis_port" --dir "$work" \
  --logfile "$work/redis.log" --daemonize no &
pids+=($!)
for _ in $(seq 100); do
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
  sleep 0.05
done
echo "Redis on 127.0.0.1:$redis_port (data in $work)"

for i in $(seq "$nodes"); do
  "$bin/chat-server" --port "$port" --reuse-port --redis "127.0.0.1:$redis_port" --node-name "node$i" "${@:5}" &
  pids+=($!)
done
echo "$nodes nodes share port $port: try 'nc localhost $port' in two terminals. Ctrl-C stops all."
wait -n || true
