#!/usr/bin/env python3
"""Reads Google Benchmark JSON (--benchmark_out) written by chat_bench and chat_floor.

  compare.py RUN.json [MORE.json ...]   summary: the chat server's fan-out against the floor
                                        measured in the same run, as ratios
  compare.py --diff OLD.json NEW.json   every benchmark in both, old vs new (time and rate)

Only the standard library: Google Benchmark's own tools/compare.py is not in the Debian
package. With --benchmark_repetitions the median of each benchmark is used.
"""
import json
import re
import sys


def load(paths):
    """name -> row, preferring medians when repetitions produced aggregates."""
    rows, medians = {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        for b in data.get("benchmarks", []):
            if b.get("run_type") == "aggregate":
                if b.get("aggregate_name") == "median":
                    medians[b["run_name"]] = b
            else:
                rows.setdefault(b.get("run_name", b["name"]), b)
    rows.update(medians)
    return rows


def si(value):
    for unit, scale in (("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:.2f}{unit}"
    return f"{value:.1f}"


def fanout(rows):
    """(kind, clients, burst) -> row for the fan-out benchmarks."""
    out = {}
    for name, b in rows.items():
        m = re.match(r"BM_(WriteFloor|Broadcast|ServerFanout)(Burst)?/(\d+)", name)
        if m and not b.get("error_occurred"):
            out[(m.group(1), int(m.group(3)), int(b.get("burst", 1)))] = b
    return out


def summary(rows):
    runs = fanout(rows)
    counts = sorted({c for (_, c, _) in runs})
    bursts = sorted({k for (_, _, k) in runs})
    for burst in bursts:
        print(f"\nFan-out, {burst} line(s) per round: deliveries/s until every client has read "
              "(ratio: chat / floor, 1.00 = as fast as bare send() calls)")
        print(f"{'clients':>8} {'floor':>10} {'chat':>10} {'ratio':>6}   "
              f"{'floor ns':>9} {'server ns':>9} {'ratio':>6}   {'heap B/client':>13}")
        for n in counts:
            floor = runs.get(("WriteFloor", n, burst))
            chat = runs.get(("Broadcast", n, burst))
            server = runs.get(("ServerFanout", n, burst))
            cells = [f"{n:>8}"]
            if floor and chat:
                f, c = floor["items_per_second"], chat["items_per_second"]
                cells.append(f"{si(f):>10} {si(c):>10} {c / f:>6.2f}")
            else:
                cells.append(f"{'-':>10} {'-':>10} {'-':>6}")
            if floor and server:
                f, s = floor["sending_ns_per_delivery"], server["sending_ns_per_delivery"]
                cells.append(f"{f:>9.0f} {s:>9.0f} {s / f:>6.2f}")
            else:
                cells.append(f"{'-':>9} {'-':>9} {'-':>6}")
            heap = (chat or server or {}).get("heap_bytes_per_client")
            cells.append(f"{heap:>13.0f}" if heap else f"{'-':>13}")
            print("   ".join(cells))
    print("\n(floor ns / server ns: the sending side's time per delivery; server = read, protocol,"
          " enqueue and flush through the real Server)")
    others = [(n, b) for n, b in rows.items() if not re.match(r"BM_(WriteFloor|Broadcast|ServerFanout)", n)]
    if others:
        print(f"\n{'micro-benchmark':<44} {'cpu time':>12} {'rate':>14}")
        for name, b in others:
            if b.get("error_occurred"):
                print(f"{name:<44} ERROR {b.get('error_message', '')}")
                continue
            rate = ""
            if "bytes_per_second" in b:
                rate = si(b["bytes_per_second"]) + "B/s"
            elif "items_per_second" in b:
                rate = si(b["items_per_second"]) + "/s"
            print(f"{name:<44} {b['cpu_time']:>9.1f} {b['time_unit']:<2} {rate:>14}")
    errors = [n for n, b in rows.items() if b.get("error_occurred")]
    for n in errors:
        print(f"ERROR {n}: {rows[n].get('error_message', '')}")
    return 1 if errors else 0


def diff(old_path, new_path):
    old, new = load([old_path]), load([new_path])
    print(f"{'benchmark':<48} {'old':>12} {'new':>12} {'change':>8}")
    for name, b in new.items():
        a = old.get(name)
        if not a or a.get("error_occurred") or b.get("error_occurred"):
            continue
        # Real time where the benchmark is timed by the wall (or manually), else CPU time.
        key = "real_time" if name.endswith(("/real_time", "/manual_time")) else "cpu_time"
        change = (b[key] - a[key]) / a[key] * 100 if a[key] else 0.0
        print(f"{name:<48} {a[key]:>9.1f} {a['time_unit']:<2} {b[key]:>9.1f} {b['time_unit']:<2} {change:>+7.1f}%")
    return 0


def main(argv):
    if len(argv) == 4 and argv[1] == "--diff":
        return diff(argv[2], argv[3])
    if len(argv) < 2 or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return summary(load(argv[1:]))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
