#!/usr/bin/env bash
# Charts from bench/cluster-fanout.sh's results (build/cluster-fanout/results.txt), as SVG in
# docs/img/: aggregate deliveries/s against N for a standalone node and clusters of 1, 2, 4
# nodes (closed loop); the cluster nodes' CPU per delivery over the standalone node's, same
# run (at the fixed rate, and closed loop); Redis's CPU per public line (fixed rate). Medians
# over rounds. Needs gnuplot
# (apt-get install gnuplot-nox).
#
#   bench/plot-cluster.sh [RESULTS.txt] [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
results=${1:-build/cluster-fanout/results.txt}
outdir=${2:-docs/img}
if ! command -v gnuplot >/dev/null; then
  echo "plot-cluster: gnuplot is not installed: sudo apt-get install gnuplot-nox" >&2
  exit 2
fi
mkdir -p "$outdir"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT

# One data file per line on a chart: "<chart>-<mode>-n<nodes>-p<senders>.dat", rows "N value".
python3 - "$results" "$data" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
out = sys.argv[2]
cells = {}
for nodes, n, p, mode, delivered, sent, wall, node_cpu, redis_cpu, ok in rows:
    cells.setdefault((mode, int(p), int(n)), {}).setdefault(int(nodes), []).append(
        (int(delivered), int(sent), float(wall), float(node_cpu), float(redis_cpu)))
series = {}
for (mode, p, n), by_nodes in cells.items():
    alone = [r[3] / r[0] for r in by_nodes.get(0, []) if r[0]]
    alone = statistics.median(alone) if alone else None
    for nodes, rs in by_nodes.items():
        rate = statistics.median([r[0] / r[2] for r in rs if r[2] > 0] or [0])
        series.setdefault(("deliveries", mode, nodes, p), []).append((n, rate / 1e6))
        per = [r[3] / r[0] for r in rs if r[0]]
        if alone and per and nodes:
            series.setdefault(("cost", mode, nodes, p), []).append((n, statistics.median(per) / alone))
        redis = [r[4] / r[1] * 1e6 for r in rs if r[1]]
        if nodes and redis:
            series.setdefault(("redis", mode, nodes, p), []).append((n, statistics.median(redis)))
for (chart, mode, nodes, p), pts in series.items():
    with open(f"{out}/{chart}-{mode}-n{nodes}-p{p}.dat", "w") as f:
        for n, v in sorted(pts):
            f.write(f"{n} {v:.6g}\n")
PY

colors=("#7f7f7f" "#1f77b4" "#2ca02c" "#ff7f0e" "#9467bd")
# plot_lines CHART MODE: the gnuplot plot clauses of every series of CHART in MODE.
plot_lines() {
  local chart=$1 mode=$2 f name nodes p label dash clauses=()
  for f in "$data/$chart-$mode"-n*-p*.dat; do
    [[ -e $f ]] || continue
    name=$(basename "$f" .dat)
    nodes=${name#"$chart-$mode"-n}
    nodes=${nodes%-p*}
    p=${name##*-p}
    label="$nodes nodes"
    [[ $nodes == 0 ]] && label="standalone"
    [[ $nodes == 1 ]] && label="1 node"
    dash=1
    [[ $p == 1 ]] && dash=2
    clauses+=("'$f' using 1:2 with linespoints lw 2 pt 7 dt $dash lc rgb '${colors[nodes > 4 ? 4 : nodes]}' title '$label, $p sender(s)'")
  done
  (IFS=,; echo "${clauses[*]}")
}

chart() {  # FILE TITLE YLABEL PLOT [EXTRA]
  gnuplot <<GP
set terminal svg size 720,420 font 'sans,12' background '#ffffff'
set output '$outdir/$1'
set title '$2'
set xlabel 'listeners in the cluster (N)'
set ylabel '$3'
set yrange [0:*]
set key outside right top
set grid
${5:-}
plot $4
GP
}

made=()
if [[ -n $(plot_lines deliveries closed) ]]; then
  chart cluster-deliveries.svg 'Cluster fan-out, closed loop, 64-byte lines (one 2-core machine)' \
    'deliveries per second, all nodes (millions)' "$(plot_lines deliveries closed)"
  made+=("$outdir/cluster-deliveries.svg")
fi
target="set arrow from graph 0, first 1.1 to graph 1, first 1.1 nohead dt 3 lc rgb '#d62728'"
if [[ -n $(plot_lines cost rate) ]]; then
  chart cluster-node-cost.svg 'Node CPU per delivery, cluster over standalone (same run), 100 lines/s' \
    'cluster node / standalone' "$(plot_lines cost rate)" "$target"
  made+=("$outdir/cluster-node-cost.svg")
fi
if [[ -n $(plot_lines cost closed) ]]; then
  chart cluster-node-cost-closed.svg 'Node CPU per delivery, cluster over standalone (same run), closed loop' \
    'cluster node / standalone' "$(plot_lines cost closed)" "$target"
  made+=("$outdir/cluster-node-cost-closed.svg")
fi
if [[ -n $(plot_lines redis rate) ]]; then
  chart cluster-redis.svg 'Redis CPU per public line, 100 lines/s' 'Redis CPU per line (µs)' "$(plot_lines redis rate)"
  made+=("$outdir/cluster-redis.svg")
fi
echo "${made[*]}"
