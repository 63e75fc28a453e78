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
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPT_RE = re.compile(r'kAppendBatch = R"lua\((.*?)\)lua"', re.S)
EVENT = "k=m\nc=12\na=user%d\nx=" + "y" * 64  # cluster/log_event.cpp's one field of a line


def script_of(source):
    match = SCRIPT_RE.search(source)
    if not match:
        sys.exit("append-script-cost: no kAppendBatch in bus/chat_log.cpp")
    return match.group(1)


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class Redis:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def call(self, *args):
        self.sock.sendall(encode(args))
        return self.reply()

    def reply(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"-":
            raise RuntimeError(rest.decode())
        if kind in b"+:":
            return rest
        if kind == b"$":
            size = int(rest)
            return None if size < 0 else self.file.read(size + 2)[:-2]
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self.reply() for _ in range(size)]
        raise RuntimeError("not RESP: %r" % line)

    def cpu_seconds(self):
        info = self.call("INFO", "cpu").decode()
        return sum(float(v) for v in re.findall(r"used_cpu_(?:sys|user):([\d.]+)", info))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def per_entry_us(redis, script, batch, calls):
    redis.call("FLUSHALL")
    redis.call("SET", "node:a", "7")  # the lease's fence
    sha = redis.call("SCRIPT", "LOAD", script).decode()
    seq, pipeline = 1, []
    before = redis.cpu_seconds()
    for _ in range(calls):
        args = ["EVALSHA", sha, 4, "log", "seen:a", "node:a", "log:count", "7", 100000, "a", int(time.time() * 1000),
                10000, batch]
        for _ in range(batch):
            args += [seq, 1, "e", EVENT % seq]
            seq += 1
        pipeline.append(encode(args))
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
    old = script_of(subprocess.run(["git", "-C", ROOT, "show", opts.rev + ":bus/chat_log.cpp"], check=True,
                                   capture_output=True, text=True).stdout)
    new = script_of(open(os.path.join(ROOT, "bus/chat_log.cpp")).read())
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                   "--appendonly", "yes", "--appendfsync", "everysec", "--dir", scratch,
                                   "--loglevel", "warning"], stdout=subprocess.DEVNULL)
        try:
            for _ in range(100):
                try:
                    redis = Redis(port)
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                sys.exit("append-script-cost: redis-server did not start")
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
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
