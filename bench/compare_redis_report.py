#!/usr/bin/env python3
"""Turns bench/compare-redis.sh's runs (one JSON object per line, each naming its chat-swarm
report) into build/compare/results.json and a table: per run deliveries/s, latency, server
CPU, deliveries per server CPU-second, RSS per idle client; per pair the ratios ours/Redis;
and the issue's targets, each met or not. With several rounds (REPEAT), each cell's figure is
the median over its rounds, each ratio the median of the rounds' ratios (each round's pair ran
back to back), and the ratios' range is shown beside it."""
import argparse
import json
import os
import platform
import statistics

METRICS = ["deliveries_per_s", "deliveries_per_cpu_s", "p50_ns", "p99_ns", "p99_9_ns", "server_cpu_s",
           "rss_per_client_bytes"]
RATIOS = {"deliveries_per_s": "deliveries_per_s", "deliveries_per_cpu_s": "deliveries_per_cpu_s",
          "p50": "p50_ns", "p99": "p99_ns", "p99_9": "p99_9_ns", "rss_per_client": "rss_per_client_bytes"}


def load_runs(path):
    runs = []
    with open(path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            rep = {}
            if os.path.exists(r["swarm_json"]):
                with open(r["swarm_json"]) as g:
                    rep = json.load(g)
            msgs = rep.get("messages", {})
            lat = rep.get("latency_ns", {}).get("delivery", {})
            clients = rep.get("config", {}).get("clients", r["n"] + r["p"])
            delivered = msgs.get("delivered", 0)
            send_s = msgs.get("send_s", 0) or 0
            cpu = r["server_cpu_s"]
            r.update({
                "ok": rep.get("ok", False),
                "failures": rep.get("failures", ["no report"]),
                "clients": clients,
                "sent": msgs.get("sent", 0),
                "delivered": delivered,
                "lost": msgs.get("lost", 0),
                "send_s": send_s,
                "deliveries_per_s": delivered / send_s if send_s else 0,
                "deliveries_per_cpu_s": delivered / cpu if cpu > 0 else 0,
                "p50_ns": lat.get("p50", 0),
                "p99_ns": lat.get("p99", 0),
                "p99_9_ns": lat.get("p99_9", 0),
                "max_ns": lat.get("max", 0),
                "curve": lat.get("curve", []),
                "rss_per_client_bytes": (r["rss_idle_kb"] - r["rss_before_kb"]) * 1024 / clients if clients else 0,
                "swarm_cpu_s": rep.get("cpu_s", 0),
                "swarm_elapsed_s": rep.get("elapsed_s", 0),
            })
            runs.append(r)
    return runs


def ratio(a, b):
    return a / b if b else float("nan")


def ms(ns):
    return f"{ns / 1e6:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs")
    ap.add_argument("--out", required=True)
    ap.add_argument("--redis-version", default="?")
    ap.add_argument("--rate", type=float, default=0)
    ap.add_argument("--duration", type=float, default=0)
    a = ap.parse_args()

    runs = load_runs(a.runs)
    for r in runs:
        r.setdefault("round", 1)
    by_cell = {}
    for r in runs:
        by_cell.setdefault((r["server"], r["n"], r["p"], r["mode"]), []).append(r)
    # One figure per server and cell: the median over the rounds; the curve is the median-p99 run's.
    cells = []
    for (server, n, p, mode), group in by_cell.items():
        cell = {"server": server, "n": n, "p": p, "mode": mode, "rounds": len(group),
                "ok": all(r["ok"] for r in group)}
        for m in METRICS:
            cell[m] = statistics.median(r[m] for r in group)
        cell["curve"] = sorted(group, key=lambda r: r["p99_ns"])[(len(group) - 1) // 2]["curve"]
        cells.append(cell)
    pairs = []
    for (server, n, p, mode), ours_runs in sorted(by_cell.items(), key=lambda kv: (kv[0][3], kv[0][1], kv[0][2])):
        if server != "chat" or ("redis", n, p, mode) not in by_cell:
            continue
        redis_by_round = {r["round"]: r for r in by_cell[("redis", n, p, mode)]}
        rounds = [(o, redis_by_round[o["round"]]) for o in ours_runs if o["round"] in redis_by_round]
        pair = {"n": n, "p": p, "mode": mode, "rounds": len(rounds)}
        for name, metric in RATIOS.items():
            values = [ratio(o[metric], r[metric]) for o, r in rounds]
            pair[name] = statistics.median(values)
            pair[name + "_range"] = [min(values), max(values)]
        pairs.append(pair)

    # The targets, from this one run.
    targets = []
    p5 = [q for q in pairs if q["mode"] == "closed" and q["n"] == 5000 and q["p"] == 10]
    if p5:
        targets.append({"target": "deliveries per server CPU-second >= 1.5x Redis at N=5000, P=10",
                        "value": p5[0]["deliveries_per_cpu_s"], "met": p5[0]["deliveries_per_cpu_s"] >= 1.5})
    closed = [q for q in pairs if q["mode"] == "closed"]
    if closed:
        worst = min(closed, key=lambda q: q["deliveries_per_s"])
        targets.append({"target": "wall deliveries/s not below Redis at any N, P (worst case)",
                        "value": worst["deliveries_per_s"], "where": f"N={worst['n']} P={worst['p']}",
                        "met": all(q["deliveries_per_s"] >= 1 for q in closed)})
    fixed = [q for q in pairs if q["mode"] == "rate"]
    if fixed:
        targets.append({"target": "p99 latency not above Redis's at the same offered rate",
                        "value": fixed[0]["p99"], "met": fixed[0]["p99"] <= 1})
    big = [c for c in cells if c["server"] == "chat"]
    if big:
        top = max(big, key=lambda r: r["n"])
        targets.append({"target": f"server RSS per idle client <= 2 KiB at N={top['n']}",
                        "value": top["rss_per_client_bytes"], "met": top["rss_per_client_bytes"] <= 2048})

    result = {
        "tool": "bench/compare-redis.sh",
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
        "redis_version": a.redis_version,
        "duration_s": a.duration,
        "fixed_rate_msgs_per_s": a.rate,
        "payload_bytes": 64,
        "rounds": max((r["round"] for r in runs), default=1),
        "runs": runs,
        "cells": cells,
        "ratios_ours_over_redis": pairs,
        "targets": targets,
    }
    with open(a.out, "w") as f:
        json.dump(result, f, indent=1)

    print(f"\nchat-server vs redis-server {a.redis_version}: pubsub, 64-byte payloads, "
          f"closed loop for {a.duration:g} s; fixed rate {a.rate:g} msg/s\n")
    head = (f"{'server':7} {'N':>6} {'P':>3} {'mode':6} {'deliv/s':>10} {'p50 ms':>8} {'p99 ms':>8} "
            f"{'p99.9 ms':>8} {'srv CPU s':>9} {'deliv/CPU-s':>12} {'RSS/client':>10} ok")
    print(head)
    print("-" * len(head))
    rounds = max((r["round"] for r in runs), default=1)
    if rounds > 1:
        print(f"(each figure the median of {rounds} rounds; each ratio the median of the rounds' ratios, "
              "[lowest, highest] below it)\n")
    for r in sorted(cells, key=lambda r: (r["mode"], r["n"], r["p"], r["server"] != "redis")):
        print(f"{r['server']:7} {r['n']:>6} {r['p']:>3} {r['mode']:6} {r['deliveries_per_s']:>10.0f} "
              f"{ms(r['p50_ns']):>8} {ms(r['p99_ns']):>8} {ms(r['p99_9_ns']):>8} {r['server_cpu_s']:>9.2f} "
              f"{r['deliveries_per_cpu_s']:>12.0f} {r['rss_per_client_bytes']:>9.0f}B {'yes' if r['ok'] else 'NO'}")
    print("\nratios ours/Redis")
    head = f"{'N':>6} {'P':>3} {'mode':6} {'deliv/s':>8} {'deliv/CPU-s':>11} {'p50':>6} {'p99':>6} {'p99.9':>6} {'RSS/client':>10}"
    print(head)
    print("-" * len(head))
    for q in pairs:
        print(f"{q['n']:>6} {q['p']:>3} {q['mode']:6} {q['deliveries_per_s']:>8.2f} {q['deliveries_per_cpu_s']:>11.2f} "
              f"{q['p50']:>6.2f} {q['p99']:>6.2f} {q['p99_9']:>6.2f} {q['rss_per_client']:>10.2f}")
        if q["rounds"] > 1:
            spans = [q[k + "_range"] for k in ("deliveries_per_s", "deliveries_per_cpu_s", "p50", "p99", "p99_9")]
            print(f"{'':>17} " + " ".join(f"{lo:.2f}-{hi:.2f}".rjust(w) for (lo, hi), w in
                                           zip(spans, (8, 11, 6, 6, 6))).replace("  ", " "))
    print("\ntargets")
    for t in targets:
        v = t["value"]
        shown = f"{v:.0f} B" if "RSS" in t["target"] else f"{v:.2f}"
        where = f" ({t['where']})" if "where" in t else ""
        print(f"  {'MET    ' if t['met'] else 'NOT MET'} {t['target']}: {shown}{where}")
    bad = [r for r in runs if not r["ok"]]
    for r in bad:
        print(f"  ! {r['server']} N={r['n']} P={r['p']} {r['mode']}: swarm verdict: {'; '.join(r['failures'])}")
    print(f"\n{a.out}")


if __name__ == "__main__":
    main()
