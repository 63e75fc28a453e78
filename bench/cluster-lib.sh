# Helpers of the cluster benchmarks (cluster-cost.sh, cluster-fanout.sh), sourced: free
# loopback ports, CPU ticks of processes, waiting for a port or for a line in a file, and
# stopping what the script started (pids) when it exits.
ulimit -n "$(ulimit -Hn)"
clk=$(getconf CLK_TCK)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# utime + stime of every PID given, in clock ticks (clk per second).
ticks() { local sum=0 p; for p in "$@"; do sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$sum"; }
# count_sends PID FILE: counts PID's send/sendmsg system calls into FILE (perf's tracepoints,
# root) until stop_counting_sends; then sends_counted FILE prints the count, 0 where perf cannot.
count_sends() {
  perf stat -x, -e syscalls:sys_enter_sendto,syscalls:sys_enter_sendmsg -p "$1" -o "$2" >/dev/null 2>&1 &
  send_counter=$!
  sleep 0.1
}
stop_counting_sends() {
  kill -INT "$send_counter" 2>/dev/null || true
  wait "$send_counter" 2>/dev/null || true
}
sends_counted() {
  awk -F, '/sys_enter_send/ && $1 ~ /^[0-9]+$/ { s += $1 } END { print s + 0 }' "$1" 2>/dev/null || echo 0
}
wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# wait_text FILE TEXT PID: until FILE holds TEXT, or PID is gone (then false).
wait_text() { until grep -q "$2" "$1" 2>/dev/null; do kill -0 "$3" 2>/dev/null || return 1; sleep 0.02; done; }
