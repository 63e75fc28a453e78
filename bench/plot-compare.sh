#!/usr/bin/env bash
# Charts from bench/compare-redis.sh's results (build/compare/results.json), ours beside Redis,
# as SVG in docs/img/: deliveries/s and deliveries per server CPU-second against N (closed
# loop, one line per server and sender count), and the delivery latency percentile curve of
# the fixed-rate run. Needs gnuplot
# (apt-get install gnuplot-nox).
#
#   bench/plot-compare.sh [RESULTS.json] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:-build/compare/results.json}
outdir=${2:-docs/img}
if ! command -v gnuplot >/dev/null; then
  echo "plot-compare: gnuplot is not installed: sudo apt-get install gnuplot-nox" >&2
  exit 2
fi
mkdir -p "$outdir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# Plain columns for gnuplot, one file per line on the chart.
python3 - "$results" "$data" <<'EOF'
import json, sys
res = json.load(open(sys.argv[1]))
out = sys.argv[2]
series = {}
for r in res.get("cells", res["runs"]):  # cells: the medians of a REPEAT run
    if r["mode"] == "closed":
        series.setdefault((r["server"], r["p"]), []).append((r["n"], r["deliveries_per_s"], r["deliveries_per_cpu_s"]))
    else:
        with open(f"{out}/curve-{r['server']}.dat", "w") as f:
            for pct, ns in r["curve"]:
                if pct < 100:  # 1/(1-p) is infinite at the maximum
                    f.write(f"{1 / (1 - pct / 100):.6g} {ns / 1e6:.6g} {pct}\n")
        with open(f"{out}/rate.txt", "w") as f:
            f.write(f"{r['n']} listeners, {r['p']} senders, {res['fixed_rate_msgs_per_s']:g} msg/s")
for (server, p), pts in series.items():
    with open(f"{out}/tput-{server}-p{p}.dat", "w") as f:
        for n, d, e in sorted(pts):
            f.write(f"{n} {d / 1e6:.6g} {e / 1e6:.6g}\n")
with open(f"{out}/version.txt", "w") as f:
    f.write(res.get("redis_version", "?"))
EOF

redis_version=$(cat "$data/version.txt")
plots=()
cpu_plots=()
for f in "$data"/tput-*.dat; do
  name=$(basename "$f" .dat)
  server=${name#tput-}
  server=${server%-p*}
  p=${name##*-p}
  label="chat-server"
  [[ $server == redis ]] && label="Redis $redis_version"
  dash=1
  [[ $p == 1 ]] && dash=2
  color="#1f77b4"
  [[ $server == redis ]] && color="#d62728"
  plots+=("'$f' using 1:2 with linespoints lw 2 pt 7 dt $dash lc rgb '$color' title '$label, $p sender(s)'")
  cpu_plots+=("'$f' using 1:3 with linespoints lw 2 pt 7 dt $dash lc rgb '$color' title '$label, $p sender(s)'")
done
(IFS=,; cat <<EOF | gnuplot
set terminal svg size 720,420 font 'sans,12' background '#ffffff'
set output '$outdir/compare-deliveries.svg'
set title 'Pub/sub fan-out, closed loop, 64-byte payloads (one 2-core machine)'
set xlabel 'listeners (N)'
set ylabel 'deliveries per second (millions)'
set yrange [0:*]
set key outside right top
set grid
plot ${plots[*]}
EOF
cat <<EOF | gnuplot
set terminal svg size 720,420 font 'sans,12' background '#ffffff'
set output '$outdir/compare-cpu.svg'
set title 'Deliveries per second of server CPU time (user + system), closed loop'
set xlabel 'listeners (N)'
set ylabel 'deliveries per server CPU-second (millions)'
set yrange [0:*]
set key outside right top
set grid
plot ${cpu_plots[*]}
EOF
)

if [[ -f "$data/curve-chat.dat" && -f "$data/curve-redis.dat" ]]; then
  gnuplot <<EOF
set terminal svg size 720,420 font 'sans,12' background '#ffffff'
set output '$outdir/compare-latency.svg'
set title 'Delivery latency percentiles at the same offered rate: $(cat "$data/rate.txt")'
set xlabel 'percentile'
set ylabel 'latency (ms)'
set logscale x
set xtics ('0%%' 1, '90%%' 10, '99%%' 100, '99.9%%' 1000, '99.99%%' 10000, '99.999%%' 100000)
set yrange [0:*]
set key left top
set grid
plot '$data/curve-chat.dat' using 1:2 with linespoints lw 2 pt 7 lc rgb '#1f77b4' title 'chat-server', \
     '$data/curve-redis.dat' using 1:2 with linespoints lw 2 pt 7 lc rgb '#d62728' title 'Redis $redis_version'
EOF
fi
echo "$outdir/compare-deliveries.svg $outdir/compare-cpu.svg $outdir/compare-latency.svg"
