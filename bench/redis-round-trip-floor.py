#!/usr/bin/env python3
"""Redis's CPU per public line when every line is its own round trip (docs/SCALING.md,
"The floor of one line per round trip"): what any design that writes each line to Redis
and reads it back must pay at one line per call, such as a single sender in closed loop or
a few lines a second.

One writer and one reader, each with its own connection, as a node's Redis client and its
LogReader: the writer sends one call, waits for its reply, then waits until the reader's
XREAD BLOCK has returned the entry before it sends the next (nothing is pipelined, every
call and every wake-up is its own trip through Redis's event loop). Measured, per line, from
Redis's INFO cpu less its idle CPU over as long:
  ping    a PING round trip, no reader: the cost of a trip alone
  xadd    a bare XADD of the line's one field, woken reader: the least a line can cost
  script  the append script (bus/chat_log.cpp) with one line, woken reader: the chat's cost
  script/B  the same with B lines per call: what sharing a call gives back
with appendonly yes and no (appendfsync everysec, as bench/redis-per-line.sh).

  bench/redis-round-trip-floor.py              5 000 lines each, B = 4 and 10
"""
import argparse
import os
import socket
import threading
import time

from redis_bench import EVENT, Redis, append_call, append_script, prepare_append, redis_server

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Reader(threading.Thread):
    """XREAD BLOCK on the log, as LogReader; counts the stream entries it was handed."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.redis = Redis(port)
        self.seen = 0
        self.cond = threading.Condition()

    def run(self):
        last = "0"
        while True:
            try:
                reply = self.redis.call("XREAD", "COUNT", 64, "BLOCK", 0, "STREAMS", "log", last)
            except (OSError, ValueError, RuntimeError):
                return  # stop(): its connection is closed
            entries = reply[0][1]
            last = entries[-1][0].decode()
            with self.cond:
                self.seen += len(entries)
                self.cond.notify()

    def stop(self):
        """Ends the thread, so that a measurement's reader wakes up for no later one."""
        self.redis.sock.shutdown(socket.SHUT_RDWR)
        self.join(timeout=10)

    def wait_for(self, count):
        with self.cond:
            self.cond.wait_for(lambda: self.seen >= count, timeout=10)
            if self.seen < count:
                raise SystemExit("redis-round-trip-floor: the reader was not woken")


def per_line_us(port, kind, lines, batch):
    control, writer = Redis(port), Redis(port)
    sha = prepare_append(control, append_script(open(os.path.join(ROOT, "bus/chat_log.cpp")).read()))
    reader = None
    if kind != "ping":
        reader = Reader(port)
        reader.start()
    calls = lines // batch
    idle_before, start = control.cpu_seconds(), time.monotonic()
    time.sleep(1)
    idle_per_s = (control.cpu_seconds() - idle_before) / (time.monotonic() - start)
    before, start = control.cpu_seconds(), time.monotonic()
    for i in range(calls):
        if kind == "ping":
            writer.call("PING")
            continue
        if kind == "xadd":
            writer.call("XADD", "log", "*", "e", EVENT % i)
        else:
            writer.call(*append_call(sha, 1 + i * batch, batch))
        reader.wait_for(i + 1)
    used = control.cpu_seconds() - before - idle_per_s * (time.monotonic() - start)
    if reader:
        reader.stop()
    return used * 1e6 / (calls * batch)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=5000, help="lines per measurement")
    parser.add_argument("--batches", default="4,10", help="lines per call of the shared rows")
    opts = parser.parse_args()
    rows = [("ping", 1), ("xadd", 1), ("script", 1)] + [("script", int(b)) for b in opts.batches.split(",")]
    figures = {}
    for appendonly in (True, False):
        with redis_server("redis-round-trip-floor", appendonly) as port:
            for kind, batch in rows:
                figures[(kind, batch, appendonly)] = per_line_us(port, kind, opts.lines, batch)
    print("Redis CPU per line, one call per round trip, µs")
    print("%-10s %14s %14s" % ("call", "appendonly yes", "appendonly no"))
    for kind, batch in rows:
        name = kind if batch == 1 else "%s/%d" % (kind, batch)
        print("%-10s %14.2f %14.2f" % (name, figures[(kind, batch, True)], figures[(kind, batch, False)]))


if __name__ == "__main__":
    main()
