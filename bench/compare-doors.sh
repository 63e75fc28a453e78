#!/usr/bin/env bash
# The doors side by side, and against two IRC servers nobody here wrote: the same chat-swarm
# fan-out workload (N listeners plus P senders in one room, 64-byte messages, a fixed total
# rate, and optionally closed loop) against, one after the other, each started fresh for each
# run on a free loopback port and stopped by its PID:
#   line      chat-server's line door              (chat-swarm --proto chat)
#   irc       chat-server's IRC door, --irc-port   (--proto irc)
#   ws        chat-server's web door, --web-port   (--proto ws: the line protocol in WebSocket frames)
#   ngircd    Debian's ngIRCd 26                   (--proto irc)
#   inspircd  Debian's InspIRCd 3                  (--proto irc)
# The P senders are in the room too (fanout has no send-only clients, and IRC has no pubsub):
# each message is owed to the N listeners and the P-1 other senders, on every server alike.
# For each run: deliveries/s (delivered / sending time, from the swarm's report), the server's
# CPU seconds (utime+stime from /proc/PID/stat, all its threads; sampled three quarters into
# the swarm's first --hold, after "holding (in the room)" with the login storm settled, and at
# "holding (drained)"), deliveries per server CPU-second, and whether the swarm's truth
# accounting passed (its JSON "ok"; lost, duplicated, reordered and differing order all 0).
# Then, per cell, the ratios of deliveries per server CPU-second the issue asks for:
#   IRC door / InspIRCd   target >= 3x
#   IRC door / ngIRCd     target >= 1.5x
#   IRC door / line door  target: within 10 %  (>= 0.90; a cheaper door is fine)
#   WS door  / line door  target: within 25 %  (>= 0.75)
# Results: build/compare-doors/results.json (every run, every cell's medians, every ratio);
# each run's swarm report, its stderr and the server's log in build/compare-doors/runs/.
#
#   bench/compare-doors.sh            N in 1000 5000, P in 1 10, fixed rate, 8 s each: 20 runs,
#                                     about 7 minutes on the 2-core test machine (N=5000's
#                                     login storms, O(N^2) join notices, take most of the rest)
#   bench/compare-doors.sh --quick    N 1000, P 10, fixed rate, 3 s each: 5 runs, under a minute
#   MODES="rate closed" bench/compare-doors.sh       also closed loop (each sender's next
#                                     message once every listener has its last): twice as long
#   NS="1000 2000" PS="10" RATE=200 DURATION=5 SERVERS="irc inspircd" bench/compare-doors.sh
#   REPEAT=3 bench/compare-doors.sh   every cell three times, the servers' order reversed every
#                                     other round; the table gives medians, the ratios' range
#   BIN=path/to/bin                   another build (default build/release/bin; this script
#                                     does not build: cmake --build build/release)
#
# RATE is messages per second in total over the P senders, offered identically to every
# server (default 100: 100 000 deliveries/s at N=1000). At a low rate every server writes each
# delivery on its own, one write() per listener per message, and the kernel's loopback TCP
# dominates their CPU (the ratios stay near 1); closed loop lets a server batch several
# messages per write and shows its own cost.
# Flood control of the other servers. ngIRCd paces each client by a penalty of 1 s whenever it
# sent 256 bytes or more in a second (about 3 of these PRIVMSGs) or more than 3 commands in one
# pass of its loop: with its defaults a sender keeps up with 4 lines/s, at 8 lines/s the lines
# arrive seconds late. Its MaxPenaltyTime = 0 (ngIRCd 26) drops the penalties, and then one
# sender keeps up with 200 lines/s and more; that is how it runs here (NGIRCD_PENALTY=-1 runs
# it with its own default). Its listen backlog is 10, so its swarm connects at
# NGIRCD_CONNECT_RATE (1000/s) instead of all at once: a storm ends in resets. InspIRCd's
# <connect> block lifts its flood control (commandrate, threshold, fakelag off, recvq/sendq)
# and its per-address limits. Both come from Debian (apt-get) when missing and we are root; a
# service their packages enable is disabled again. ngIRCd refuses to run as root and runs as
# nobody; InspIRCd runs with --runasroot.
set -euo pipefail
cd "$(dirname "$0")/.."

NS=${NS:-"1000 5000"}
PS=${PS:-"1 10"}
MODES=${MODES:-"rate"}   # rate: --rate RATE; closed: --closed-loop
RATE=${RATE:-100}
DURATION=${DURATION:-8}
HOLD=${HOLD:-2}          # idle seconds with every client in, before sending and after draining
REPEAT=${REPEAT:-1}
SERVERS=${SERVERS:-"line irc ws ngircd inspircd"}
READY_TIMEOUT=${READY_TIMEOUT:-120}
CONNECT_RATE=${CONNECT_RATE:-0}  # swarm ramp-up, new connections/s (0: as fast as it can)
# ngIRCd listens with a backlog of 10: a login storm overflows it and the handshakes it drops
# end in resets, so its clients come in at this pace (the ramp-up is outside the window).
NGIRCD_CONNECT_RATE=${NGIRCD_CONNECT_RATE:-1000}
# ngIRCd's MaxPenaltyTime: 0, no penalty delays (its 256 bytes/s per client throttle then costs
# nothing); -1 is ngIRCd's own default, which holds a sender to about 4 lines a second.
NGIRCD_PENALTY=${NGIRCD_PENALTY:-0}
if [[ "${1:-}" == "--quick" || "${QUICK:-0}" == 1 ]]; then
  NS=${QUICK_NS:-"1000"}
  PS=${QUICK_PS:-"10"}
  MODES=${QUICK_MODES:-"rate"}
  DURATION=3
  HOLD=1
fi
if ! awk -v h="$HOLD" 'BEGIN {exit !(h > 0)}'; then
  echo "compare-doors: HOLD must be above 0: the swarm's hold markers frame the CPU window" >&2
  exit 2
fi
bin=${BIN:-build/release/bin}
out=build/compare-doors
password=123456
mkdir -p "$out/runs"

# ---- what is needed ----------------------------------------------------------------------
for b in chat-server chat-swarm; do
  if [[ ! -x "$bin/$b" ]]; then
    echo "compare-doors: $bin/$b is missing: cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release && cmake --build build/release -j" >&2
    exit 2
  fi
done
for s in $SERVERS; do
  case "$s" in
    line | irc | ws | ngircd | inspircd) ;;
    *) echo "compare-doors: unknown server '$s' (SERVERS: line irc ws ngircd inspircd)" >&2; exit 2 ;;
  esac
done
# install_debian PACKAGE BINARY: from the Debian archive when missing; a service the package
# starts (or would start at boot) goes off again, as .ci/install-deps does for ngircd.
install_debian() {
  [[ -x "$2" ]] && return 0
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    echo "compare-doors: installing $1 (Debian package)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; }
    if command -v systemctl >/dev/null; then systemctl disable --now "$1" >/dev/null 2>&1 || true; fi
    if [[ -x "/etc/init.d/$1" ]]; then
      "/etc/init.d/$1" stop >/dev/null 2>&1 || true
      update-rc.d "$1" disable >/dev/null 2>&1 || true
    fi
  fi
  if [[ ! -x "$2" ]]; then
    echo "compare-doors: $2 is not installed: sudo apt-get install $1 (or leave it out of SERVERS)" >&2
    exit 2
  fi
}
[[ " $SERVERS " == *" ngircd "* ]] && install_debian ngircd /usr/sbin/ngircd
[[ " $SERVERS " == *" inspircd "* ]] && install_debian inspircd /usr/sbin/inspircd

# shellcheck source=bench/cluster-lib.sh
source bench/cluster-lib.sh  # ulimit -n to the hard limit, free_port, ticks, wait_port, wait_text, pids
tmp=$(mktemp -d "${TMPDIR:-/tmp}/compare-doors.XXXXXX")
trap 'cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# On-CPU nanoseconds of every thread of PID (schedstat): the same time as utime+stime, without
# the 1/CLK_TCK truncation; kept in the results beside it as a cross-check.
sched_ns() {
  local sum=0 f v
  for f in /proc/"$1"/task/*/schedstat; do
    read -r v _ 2>/dev/null <"$f" || continue
    sum=$((sum + v))
  done
  echo "$sum"
}

# ---- the servers -------------------------------------------------------------------------
ngircd_conf() {  # port dir -> config file
  # The tests' configuration (tests/integration/swarm_irc_test.cpp, FanoutAgainstNgircd), with
  # no penalty delays and its pid file in the run's directory.
  cat >"$2/ngircd.conf" <<EOF
[Global]
Name = irc.compare-doors
Info = compare-doors
Listen = 127.0.0.1
Ports = $1
AdminInfo1 = compare-doors
AdminInfo2 = loopback
AdminEMail = admin@compare-doors.invalid
MotdPhrase = compare-doors
Password = $password
PidFile = $2/ngircd.pid
[Limits]
MaxConnections = 0
MaxConnectionsIP = 0
MaxJoins = 0
MaxNickLength = 24
MaxPenaltyTime = $NGIRCD_PENALTY
PingTimeout = 600
PongTimeout = 60
[Options]
DNS = no
Ident = no
PAM = no
EOF
  echo "$2/ngircd.conf"
}

inspircd_conf() {  # port dir -> config file
  # Only the core: no connflood, connectban or other modules. One client class for 127.0.0.1
  # with the password and every limit lifted: any number of connections from the address,
  # flood control (commandrate, threshold, fakelag) out of reach, large queues; no DNS or
  # ident lookups.
  cat >"$2/inspircd.conf" <<EOF
<config format="xml">
<server name="irc.compare-doors" description="compare-doors" network="compare-doors">
<admin name="compare-doors" nick="admin" email="admin@compare-doors.invalid">
<bind address="127.0.0.1" port="$1" type="clients">
<connect name="swarm" allow="127.0.0.1" password="$password" maxchans="20" timeout="60"
         pingfreq="600" localmax="1000000" globalmax="1000000" maxconnwarn="no" limit="1000000"
         resolvehostnames="no" useident="no" commandrate="1000000000" threshold="1000000000"
         fakelag="no" recvq="1048576" softsendq="268435456" hardsendq="268435456">
<performance somaxconn="4096" softlimit="$(ulimit -n)" clonesonconnect="no">
<pid file="$2/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$2/inspircd.log">
<files motd="$2/motd.txt">
EOF
  echo "compare-doors" >"$2/motd.txt"
  echo "$2/inspircd.conf"
}

server_pid=""
start_server() {  # kind port dir log: starts it, sets server_pid, waits until it listens
  local kind=$1 port=$2 dir=$3 log=$4 line_port
  local chat_flags=(--bind 127.0.0.1 --rate 0 --max-queue 268435456 --max-per-ip 0
    --max-unauthenticated-per-ip 0 --max-unauthenticated 19000)
  case "$kind" in
    line)
      CHAT_PASSWORD=$password "$bin/chat-server" --port "$port" "${chat_flags[@]}" >"$log" 2>&1 &
      ;;
    irc | ws)
      line_port=$(free_port)
      local door=(--irc-port "$port")
      [[ $kind == ws ]] && door=(--web-port "$port")
      CHAT_PASSWORD=$password "$bin/chat-server" --port "$line_port" "${door[@]}" "${chat_flags[@]}" \
        >"$log" 2>&1 &
      ;;
    ngircd)
      chmod 755 "$tmp" && chmod 777 "$dir"  # it runs as nobody (it refuses root) and writes its pid file there
      /usr/sbin/ngircd --nodaemon --passive --config "$(ngircd_conf "$port" "$dir")" >"$log" 2>&1 &
      ;;
    inspircd)
      /usr/sbin/inspircd --nofork --runasroot --config "$(inspircd_conf "$port" "$dir")" \
        >"$log" 2>&1 &
      ;;
  esac
  server_pid=$!
  pids+=("$server_pid")
  if ! wait_port "$port"; then
    echo "compare-doors: $kind did not listen on port $port; its log ($log):" >&2
    tail -20 "$log" >&2
    exit 1
  fi
  sleep 0.3  # the probe connection's close settles
}

stop_server() {
  [[ -n "$server_pid" ]] || return 0
  kill -TERM "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

proto_of() { case "$1" in line) echo chat ;; ws) echo ws ;; *) echo irc ;; esac; }

# ---- one measured run: one JSON object on stdout -----------------------------------------
run_one() {  # kind n p mode round
  local kind=$1 n=$2 p=$3 mode=$4 round=$5
  local name="$kind-n$n-p$p-$mode-r$round"
  local port dir log err json
  port=$(free_port)
  dir="$tmp/$name"
  mkdir -p "$dir"
  log="$out/runs/$name.server.log"
  err="$out/runs/$name.swarm.err"
  json="$out/runs/$name.json"
  rm -f "$err" "$json"  # a previous run's markers must not be mistaken for this one's
  start_server "$kind" "$port" "$dir" "$log"
  local load=(--closed-loop) connect_rate=$CONNECT_RATE
  [[ "$mode" == rate ]] && load=(--rate "$RATE")
  [[ "$kind" == ngircd ]] && connect_rate=$NGIRCD_CONNECT_RATE
  "$bin/chat-swarm" --proto "$(proto_of "$kind")" --port "$port" --password "$password" --scenario fanout \
    --clients $((n + p)) --senders "$p" --size 64 "${load[@]}" --duration "$DURATION" --hold "$HOLD" \
    --connect-rate "$connect_rate" --ready-timeout "$READY_TIMEOUT" --quiet --json "$json" \
    >"$out/runs/$name.txt" 2>"$err" &
  local swarm=$!
  pids+=("$swarm")
  local c1=0 c2=0 s1=0 s2=0 t1 t2 framed=true
  if wait_text "$err" "holding (in the room)" "$swarm"; then
    # Three quarters into the hold: the login storm's last notices are written before the
    # window opens, and the sending (at the end of the hold) is still to come.
    sleep "$(awk -v h="$HOLD" 'BEGIN {print h * 0.75}')"
  else
    framed=false
  fi
  t1=$(date +%s.%N)
  c1=$(ticks "$server_pid" 2>/dev/null) || c1=0
  s1=$(sched_ns "$server_pid")
  wait_text "$err" "holding (drained)" "$swarm" || framed=false
  t2=$(date +%s.%N)
  c2=$(ticks "$server_pid" 2>/dev/null) || c2=0
  s2=$(sched_ns "$server_pid")
  local status=0 alive=true
  wait "$swarm" || status=$?
  kill -0 "$server_pid" 2>/dev/null || alive=false
  stop_server
  pids=()
  printf '{"server": "%s", "n": %s, "p": %s, "mode": "%s", "round": %s, "rate": %s, "swarm_status": %s, "framed": %s, "server_alive": %s, "window_s": %s, "server_cpu_s": %s, "server_cpu_sched_s": %s, "swarm_json": "%s"}\n' \
    "$kind" "$n" "$p" "$mode" "$round" "$([[ $mode == rate ]] && echo "$RATE" || echo null)" "$status" \
    "$framed" "$alive" "$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.3f", b - a}')" \
    "$(awk -v a="$c1" -v b="$c2" -v t="$clk" 'BEGIN {printf "%.3f", (b - a) / t}')" \
    "$(awk -v a="$s1" -v b="$s2" 'BEGIN {printf "%.6f", (b - a) / 1e9}')" "$json"
  echo "compare-doors: $name done (swarm exit $status)" >&2
}

versions="{\"chat_server\": \"$("$bin/chat-server" --version 2>/dev/null | head -1)\""
[[ -x /usr/sbin/ngircd ]] && versions+=", \"ngircd\": \"$(/usr/sbin/ngircd --version 2>/dev/null | head -1 | cut -d- -f1)\""
[[ -x /usr/sbin/inspircd ]] && versions+=", \"inspircd\": \"$(/usr/sbin/inspircd --version 2>/dev/null | head -1)\""
versions+="}"

runs="$out/runs.jsonl"
: >"$runs"
# Odd rounds in SERVERS' order, even rounds reversed: a drift in the machine's load during a
# round then favours none of them.
for round in $(seq "$REPEAT"); do
  order=$SERVERS
  ((round % 2 == 0)) && order=$(echo "$SERVERS" | tr ' ' '\n' | grep . | tac | tr '\n' ' ')
  for n in $NS; do
    for p in $PS; do
      for mode in $MODES; do
        for kind in $order; do run_one "$kind" "$n" "$p" "$mode" "$round" >>"$runs"; done
      done
    done
  done
done

python3 - "$runs" "$out/results.json" "$versions" "$RATE" "$DURATION" "$HOLD" "$(nproc)" <<'PY'
import json, math, os, statistics, sys

runs_path, out_path, versions, rate, duration, hold, cores = sys.argv[1:8]
runs = []
for line in open(runs_path):
    if not line.strip():
        continue
    r = json.loads(line)
    rep = {}
    if os.path.exists(r["swarm_json"]):
        try:
            rep = json.load(open(r["swarm_json"]))
        except ValueError:
            rep = {}
    m = rep.get("messages", {})
    order = rep.get("order", {})
    lat = rep.get("latency_ns", {}).get("delivery", {})
    delivered = m.get("delivered", 0)
    send_s = m.get("send_s", 0) or 0
    cpu = r["server_cpu_s"]
    truth = (bool(rep.get("ok")) and r["swarm_status"] == 0 and r["framed"] and r["server_alive"]
             and m.get("lost", 1) == 0 and m.get("duplicates", 1) == 0 and m.get("reordered", 1) == 0
             and order.get("differing", 1) == 0)
    r.update({
        "ok": truth,
        "swarm_ok": bool(rep.get("ok")),
        "failures": rep.get("failures", ["no swarm report"]),
        "warnings": rep.get("warnings", []),
        "clients": rep.get("config", {}).get("clients", r["n"] + r["p"]),
        "sent": m.get("sent", 0),
        "expected": m.get("expected", 0),
        "delivered": delivered,
        "lost": m.get("lost", 0),
        "duplicates": m.get("duplicates", 0),
        "reordered": m.get("reordered", 0),
        "differing": order.get("differing", 0),
        "send_s": send_s,
        "deliveries_per_s": delivered / send_s if send_s else 0.0,
        "deliveries_per_cpu_s": delivered / cpu if cpu > 0 else 0.0,
        "deliveries_per_cpu_s_sched": delivered / r["server_cpu_sched_s"] if r["server_cpu_sched_s"] > 0 else 0.0,
        "p50_ns": lat.get("p50", 0),
        "p99_ns": lat.get("p99", 0),
        "swarm_cpu_s": rep.get("cpu_s", 0),
        "swarm_elapsed_s": rep.get("elapsed_s", 0),
    })
    runs.append(r)

med = lambda xs: statistics.median(xs) if xs else float("nan")
cells = {}
for r in runs:
    cells.setdefault((r["n"], r["p"], r["mode"]), {}).setdefault(r["server"], []).append(r)

RATIOS = [("irc", "inspircd", "IRC door / InspIRCd", 3.0, ">= 3x"),
          ("irc", "ngircd", "IRC door / ngIRCd", 1.5, ">= 1.5x"),
          ("irc", "line", "IRC door / line door", 0.90, "within 10 %"),
          ("ws", "line", "WS door / line door", 0.75, "within 25 %")]
names = {"line": "line door", "irc": "IRC door", "ws": "WS door", "ngircd": "ngIRCd", "inspircd": "InspIRCd"}
order_of = {s: i for i, s in enumerate(["line", "irc", "ws", "ngircd", "inspircd"])}

summary = []
for (n, p, mode), by_server in sorted(cells.items()):
    figures = {}
    for s, rs in by_server.items():
        figures[s] = {
            "runs": len(rs),
            "deliveries_per_s": med([r["deliveries_per_s"] for r in rs]),
            "server_cpu_s": med([r["server_cpu_s"] for r in rs]),
            "deliveries_per_cpu_s": med([r["deliveries_per_cpu_s"] for r in rs]),
            "deliveries_per_cpu_s_sched": med([r["deliveries_per_cpu_s_sched"] for r in rs]),
            "p99_ns": med([r["p99_ns"] for r in rs]),
            "ok": all(r["ok"] for r in rs),
        }
    ratios = []
    for a, b, label, target, text in RATIOS:
        if a not in by_server or b not in by_server:
            continue
        per_round = []
        rounds_a = {r["round"]: r for r in by_server[a]}
        for r in by_server[b]:
            ra = rounds_a.get(r["round"])
            if ra and r["deliveries_per_cpu_s"] > 0:
                per_round.append(ra["deliveries_per_cpu_s"] / r["deliveries_per_cpu_s"])
        value = med(per_round)
        trusted = figures[a]["ok"] and figures[b]["ok"]
        ratios.append({"ratio": label, "of": a, "to": b, "value": value, "min": min(per_round, default=float("nan")),
                       "max": max(per_round, default=float("nan")), "target": target, "target_text": text,
                       "met": (value >= target) if not math.isnan(value) else None, "both_ok": trusted})
    summary.append({"n": n, "p": p, "mode": mode, "servers": figures, "ratios": ratios})

def clean(x):  # NaN is no JSON
    if isinstance(x, float) and math.isnan(x):
        return None
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [clean(v) for v in x]
    return x

result = {"tool": "bench/compare-doors.sh", "versions": json.loads(versions),
          "config": {"rate_total": float(rate), "duration_s": float(duration), "hold_s": float(hold),
                     "size": 64, "scenario": "fanout", "cores": int(cores),
                     "cpu": "utime+stime of the server's PID over the sending window"},
          "runs": runs, "cells": summary}
with open(out_path, "w") as f:
    json.dump(clean(result), f, indent=1)

rounds = max((len(v) for c in cells.values() for v in c.values()), default=0)
print()
print(f"fanout, 64-byte messages; rate: {float(rate):g} msg/s in total; {float(duration):g} s of sending per run"
      + (f"; medians of {rounds} rounds" if rounds > 1 else ""))
print(f"{'N':>6} {'P':>3} {'mode':>6} {'server':>9} {'deliveries/s':>13} {'server CPU s':>13} "
      f"{'deliv/CPU-s':>12} {'p99 ms':>8} {'truth':>6}")
for c in summary:
    for s in sorted(c["servers"], key=lambda s: order_of[s]):
        f = c["servers"][s]
        print(f"{c['n']:>6} {c['p']:>3} {c['mode']:>6} {s:>9} {f['deliveries_per_s']:>13.0f} "
              f"{f['server_cpu_s']:>13.2f} {f['deliveries_per_cpu_s']:>12.0f} {f['p99_ns'] / 1e6:>8.2f} "
              f"{'ok' if f['ok'] else 'FAIL':>6}")
print()
print("deliveries per server CPU-second, ratios")
print(f"{'N':>6} {'P':>3} {'mode':>6} {'ratio':>22} {'value':>7} {'range':>13} {'target':>12} {'verdict':>8}")
for c in summary:
    for q in c["ratios"]:
        v = q["value"]
        rng = f"{q['min']:.2f}-{q['max']:.2f}" if q["min"] == q["min"] and q["min"] != q["max"] else ""
        verdict = "n/a" if q["met"] is None else ("met" if q["met"] else "MISSED")
        if not q["both_ok"]:
            verdict += "?"
        print(f"{c['n']:>6} {c['p']:>3} {c['mode']:>6} {q['ratio']:>22} {v:>7.2f} {rng:>13} {q['target_text']:>12} "
              f"{verdict:>8}")
bad = [r for r in runs if not r["ok"]]
if bad:
    print()
    print("runs whose truth accounting failed (their ratios are marked ?):")
    for r in bad:
        why = "; ".join(r["failures"][:2]) or ("server died" if not r["server_alive"] else "no hold markers")
        print(f"  {r['server']} N={r['n']} P={r['p']} {r['mode']} round {r['round']}: {why}")
for r in runs:  # (every server here runs without flood control: the swarm's note on it does not apply)
    for w in [w for w in r["warnings"] if "flood limit" not in w][:1]:
        print(f"  note: {r['server']} N={r['n']} P={r['p']} {r['mode']} round {r['round']}: {w}")
print()
print(f"results: {out_path}")
PY
