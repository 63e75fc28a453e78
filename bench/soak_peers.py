#!/usr/bin/env python3
"""Misbehaving peers for bench/soak.sh: the faults chat-swarm does not produce.

Until SIGTERM (or --seconds), starts a new wave every few seconds, each wave a few of:
  slow      logs in with a 4 KiB receive buffer and reads 256 bytes every 0.5 s, for 30 s,
            then leaves with @sair (or is dropped by the server as too slow: both are fine)
  stall     logs in, never reads for 3-8 s while the room talks, then resets (RST)
  silent    30 connections that never send a byte; the server's --auth-timeout reaps them
  halfclose logs in, sends 5 lines, shuts its sending side and reads until the server closes
  partial   logs in, sends 3000 bytes of a line with no newline, then resets

Their names start with "pk" so the swarms count their lines as foreign (a warning, never a
failure). Prints one JSON object with what happened, by kind and outcome, on exit.
"""
import argparse
import json
import random
import signal
import socket
import struct
import threading
import time
from collections import Counter

stop = threading.Event()
outcomes = Counter()
lock = threading.Lock()


def note(kind, outcome):
    with lock:
        outcomes[f"{kind}:{outcome}"] += 1


def connect(args, rcvbuf=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect((args.host, args.port))
    return s


def login(s, args, name):
    s.sendall(f"{args.password}\n{name}\n".encode())


def reset(s):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def read_until_closed(s, limit_s):
    end = time.monotonic() + limit_s
    s.settimeout(1)
    while time.monotonic() < end:
        try:
            if not s.recv(65536):
                return True
        except socket.timeout:
            continue
        except OSError:
            return True
    return False


def slow(args, name):
    s = connect(args, rcvbuf=4096)
    login(s, args, name)
    s.settimeout(0.2)
    end = time.monotonic() + 30
    while time.monotonic() < end and not stop.is_set():
        time.sleep(0.5)
        try:
            if not s.recv(256):
                note("slow", "closed by server")
                s.close()
                return
        except socket.timeout:
            pass
        except OSError:
            note("slow", "reset by server")
            s.close()
            return
    try:
        s.sendall(b"@sair\n")
        s.shutdown(socket.SHUT_WR)
        note("slow", "quit" if read_until_closed(s, 10) else "no close after quit")
    except OSError:
        note("slow", "closed by server")
    s.close()


def stall(args, name):
    s = connect(args)
    login(s, args, name)
    stop.wait(random.uniform(3, 8))
    reset(s)
    note("stall", "reset")


def silent(args, _name):
    socks = []
    for _ in range(30):
        try:
            socks.append(connect(args))
        except OSError:
            note("silent", "connect failed")
    # Hold them past the server's auth timeout; each should end by the server's close.
    for s in socks:
        note("silent", "closed by server" if read_until_closed(s, args.auth_timeout + 10) else "still open")
        s.close()


def halfclose(args, name):
    s = connect(args)
    login(s, args, name)
    s.sendall(b"".join(f"half-closing line {i}\n".encode() for i in range(5)))
    s.shutdown(socket.SHUT_WR)
    note("halfclose", "closed by server" if read_until_closed(s, 30) else "no close")
    s.close()


def partial(args, name):
    s = connect(args)
    login(s, args, name)
    s.sendall(b"x" * 3000)
    time.sleep(0.5)
    reset(s)
    note("partial", "reset")


KINDS = {"slow": slow, "stall": stall, "silent": silent, "halfclose": halfclose, "partial": partial}


def run_one(kind, args, name):
    try:
        KINDS[kind](args, name)
    except OSError as e:
        note(kind, f"error {e.__class__.__name__}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--seconds", type=float, default=1e9)
    p.add_argument("--wave", type=float, default=5, help="seconds between waves")
    p.add_argument("--auth-timeout", type=float, default=5)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    random.seed(args.seed)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    threads = []
    end = time.monotonic() + args.seconds
    wave = 0
    while not stop.is_set() and time.monotonic() < end:
        for kind in ("slow", "stall", "silent", "halfclose", "partial"):
            name = f"pk{kind[:4]}{wave}"
            t = threading.Thread(target=run_one, args=(kind, args, name), daemon=True)
            t.start()
            threads.append(t)
        wave += 1
        stop.wait(args.wave)
        threads = [t for t in threads if t.is_alive()]
    stop.set()
    for t in threads:
        t.join(timeout=40)
    print(json.dumps({"waves": wave, "outcomes": dict(sorted(outcomes.items()))}))


if __name__ == "__main__":
    main()
