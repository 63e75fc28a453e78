#!/usr/bin/env python3
"""The verdict of a bench/soak.sh run, from the files it left in its output directory.

Passes only if:
  - every chat-swarm run (churn and flood) passed: nothing lost, duplicated, reordered,
    corrupted or unexpected, no errors (a bot dropped as too slow is one), and at least one
    run of each kind finished;
  - RSS is flat after warm-up: the load's first 20 % (at least 10 s) is warm-up; the rest is
    cut in two halves, and the later half's peak may exceed the earlier half's peak by at most
    10 % + 1 MiB. A leak grows without bound, so its later peak keeps rising; the peaks of
    bounded things (queues of slow readers, allocator caches) recur in both halves. Peaks, not
    means, because one slow reader's queue moves the mean more than a small leak does;
  - descriptors are back to the idle baseline (the lowest idle sample) after the load;
  - the server exited 0 on SIGTERM.
Prints the figures and the verdict, writes summary.json next to the samples, exits 1 on failure.
"""
import argparse
import csv
import glob
import json
import os
import statistics
import sys


def stats(values):
    if not values:
        return {"n": 0}
    return {"n": len(values), "min": min(values), "median": statistics.median(values), "max": max(values)}


def fmt(s, unit=""):
    if not s["n"]:
        return "(no samples)"
    med = s["median"]
    med = f"{med:.0f}" if isinstance(med, float) else str(med)
    return f"min {s['min']}{unit}  median {med}{unit}  max {s['max']}{unit}  ({s['n']} samples)"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--seconds", type=float, required=True)
    p.add_argument("--server-exit", type=int, default=0)
    args = p.parse_args()
    d = args.dir
    failures = []

    with open(os.path.join(d, "samples.csv")) as f:
        samples = [{"t": float(r["t_s"]), "phase": r["phase"], "rss": int(r["rss_kib"]), "fds": int(r["fds"])}
                   for r in csv.DictReader(f)]
    by_phase = {ph: [s for s in samples if s["phase"] == ph] for ph in ("idle", "load", "cooldown", "done")}

    # Swarm runs.
    runs = {"churn": [], "flood": []}
    for path in sorted(glob.glob(os.path.join(d, "swarm", "*.txt"))):
        kind = os.path.basename(path).split("-")[0]
        report = path[:-4] + ".json"
        if not os.path.exists(report):
            failures.append(f"{os.path.basename(path)}: no JSON report (the swarm did not finish)")
            continue
        with open(report) as f:
            r = json.load(f)
        runs[kind].append(r)
        if not r["ok"]:
            failures.append(f"{os.path.basename(report)}: " + "; ".join(r["failures"]))
    totals = {}
    for kind, rs in runs.items():
        if not rs:
            failures.append(f"no {kind} run finished")
        m = [r["messages"] for r in rs]
        totals[kind] = {
            "runs": len(rs),
            "passed": sum(r["ok"] for r in rs),
            "sent": sum(x["sent"] for x in m),
            "expected": sum(x["expected"] for x in m),
            "delivered": sum(x["delivered"] for x in m),
            "lost": sum(x["lost"] for x in m),
            "connections": sum(r["clients"]["connect_attempts"] for r in rs),
            "churn_bots": sum(r["clients"].get("churn_bots", 0) for r in rs),
            "departures": {},
        }
        for r in rs:
            for k, v in r["clients"].get("departures", {}).items():
                totals[kind]["departures"][k] = totals[kind]["departures"].get(k, 0) + v
    lost = sum(t["lost"] for t in totals.values())
    if lost:
        failures.append(f"{lost} messages lost by connected clients")

    # RSS after warm-up.
    load = by_phase["load"]
    warm = max(10, len(load) // 5)
    steady = load[warm:]
    rss_verdict = {}
    if len(steady) < 10:
        failures.append(f"too few load samples after warm-up ({len(steady)})")
    else:
        half = len(steady) // 2
        first, second = steady[:half], steady[half:]
        peak1, peak2 = max(s["rss"] for s in first), max(s["rss"] for s in second)
        allowed = int(peak1 * 1.10) + 1024
        rss_verdict = {"warmup_samples": warm, "first_half_peak_kib": peak1, "second_half_peak_kib": peak2,
                       "allowed_kib": allowed}
        if peak2 > allowed:
            failures.append(f"RSS grew: later peak {peak2} KiB > {allowed} KiB (earlier peak {peak1} KiB x 1.10 + 1 MiB)")

    # Descriptors back to baseline.
    idle, after = by_phase["idle"], by_phase["cooldown"] + by_phase["done"]
    baseline = min(s["fds"] for s in idle) if idle else None
    final = after[-1]["fds"] if after else None
    if baseline is None or final is None:
        failures.append("no idle or cool-down samples")
    elif final > baseline:
        failures.append(f"descriptors not back to baseline: {final} open after the load, {baseline} before")

    if args.server_exit != 0:
        failures.append(f"chat-server exited with status {args.server_exit} on SIGTERM")

    peers = {}
    try:
        with open(os.path.join(d, "peers.json")) as f:
            peers = json.load(f)
    except (OSError, ValueError):
        failures.append("bench/soak_peers.py left no report")

    # Figures.
    phases = {ph: {"seconds": round(v[-1]["t"] - v[0]["t"], 1) if v else 0,
                   "rss_kib": stats([s["rss"] for s in v]), "fds": stats([s["fds"] for s in v])}
              for ph, v in by_phase.items() if v}
    phases["load_after_warmup"] = {"seconds": round(steady[-1]["t"] - steady[0]["t"], 1) if steady else 0,
                                   "rss_kib": stats([s["rss"] for s in steady]),
                                   "fds": stats([s["fds"] for s in steady])}
    curve = [load[round(i * (len(load) - 1) / 9)] for i in range(10)] if len(load) >= 10 else load
    print(f"\nsoak figures ({args.seconds:.0f} s of load; {len(samples)} samples, one a second)")
    for ph, v in phases.items():
        print(f"  {ph:<18} {v['seconds']:>6} s  RSS KiB: {fmt(v['rss_kib'])}")
        print(f"  {'':<18} {'':>6}    fds:     {fmt(v['fds'])}")
    print("  load curve (t s: RSS KiB / fds): " + ", ".join(f"{s['t']:.0f}: {s['rss']}/{s['fds']}" for s in curve))
    if rss_verdict:
        print(f"  RSS flatness: earlier-half peak {rss_verdict['first_half_peak_kib']} KiB, later-half peak "
              f"{rss_verdict['second_half_peak_kib']} KiB, allowed {rss_verdict['allowed_kib']} KiB")
    print(f"  descriptors: idle baseline {baseline}, after the load {final}")
    for kind, t in totals.items():
        print(f"  {kind}: {t['runs']} runs ({t['passed']} passed), {t['connections']} connections, "
              f"{t['sent']} messages sent, {t['delivered']} of {t['expected']} deliveries owed, lost {t['lost']}"
              + (f", departures {t['departures']}" if t["departures"] else ""))
    reasons = {}
    try:
        with open(os.path.join(d, "server.log"), errors="replace") as f:
            for line in f:
                if " disconnect " in line and ": " in line:
                    reason = line.rsplit(": ", 1)[1].strip()
                    reasons[reason] = reasons.get(reason, 0) + 1
    except OSError:
        pass
    print("  server disconnects by reason: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    if peers:
        print(f"  peers: {peers.get('waves', 0)} waves; " + ", ".join(f"{k} {v}" for k, v in peers.get("outcomes", {}).items()))

    summary = {"ok": not failures, "failures": failures, "seconds": args.seconds, "phases": phases,
               "rss_flatness": rss_verdict, "fds": {"baseline": baseline, "final": final}, "swarm": totals,
               "peers": peers, "disconnect_reasons": reasons, "curve": curve, "server_exit": args.server_exit}
    with open(os.path.join(d, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    if failures:
        print("\nSOAK: FAIL")
        for x in failures:
            print(f"  - {x}")
        return 1
    print("\nSOAK: PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
