#!/usr/bin/env python3
"""Redis's CPU per entry of the cluster's append script, this tree's against another
revision's, in one run (docs/SCALING.md, "Where Redis's time goes").

A Redis of its own (appendonly yes, appendfsync everysec, as bench/redis-per-line.sh) runs
kAppendBatch from bus/chat_log.cpp through EVALSHA with the arguments ChatLog sends (one
public line's fields, seqs kept 10 000), pipelined, in batches of B entries per call. The
figure is Redis's own INFO cpu over the calls divided by the entries: the script and its
commands, without the chat's network round trips or its XREADs, so it is repeatable where
end-to-end runs on a shared machine are not. Rounds alternate which script goes first.

  bench/append-script-cost.py                       HEAD against the tree, B = 1 and 5
  bench/append-script-cost.py --rev ddec50b --batches 1,5,10 --rounds 5
"""
import argparse
import os
import statistics
import subprocess
import sys

from redis_bench import Redis, append_call, append_script, encode, prepare_append, redis_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def per_entry_us(redis, script, batch, calls):
    sha = prepare_append(redis, script)
    seq, pipeline = 1, []
    before = redis.cpu_seconds()
    for _ in range(calls):
        pipeline.append(encode(append_call(sha, seq, batch)))
        seq += batch
        if len(pipeline) == 50 or seq > calls * batch:
            redis.sock.sendall(b"".join(pipeline))
            for _ in pipeline:
                if not isinstance(redis.reply(), list):
                    sys.exit("append-script-cost: the script did not answer a list")
            pipeline = []
    after = redis.cpu_seconds()
    if int(redis.call("GET", "log:count")) != calls * batch:
        sys.exit("append-script-cost: the script did not store every entry")
    return (after - before) * 1e6 / (calls * batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="HEAD", help="the revision to compare with (default HEAD)")
    parser.add_argument("--batches", default="1,5", help="entries per call, comma-separated")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--entries", type=int, default=60000, help="entries per measurement")
    opts = parser.parse_args()
    old = append_script(subprocess.run(["git", "-C", ROOT, "show", opts.rev + ":bus/chat_log.cpp"], check=True,
                                   capture_output=True, text=True).stdout)
    new = append_script(open(os.path.join(ROOT, "bus/chat_log.cpp")).read())
    with redis_server("append-script-cost") as port:
        redis = Redis(port)
        print("Redis CPU per entry of the append script, µs (median of %d rounds)" % opts.rounds)
        print("%6s %12s %12s %7s" % ("batch", opts.rev, "this tree", "ratio"))
        for batch in (int(b) for b in opts.batches.split(",")):
            figures = {"old": [], "new": []}
            for r in range(opts.rounds):
                order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
                for which in order:
                    script = old if which == "old" else new
                    figures[which].append(per_entry_us(redis, script, batch, max(1, opts.entries // batch)))
            o, n = statistics.median(figures["old"]), statistics.median(figures["new"])
            print("%6d %12.2f %12.2f %7.2f" % (batch, o, n, n / o))


if __name__ == "__main__":
    main()
