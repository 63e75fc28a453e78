#!/usr/bin/env python3
"""ii, the file-based client: commands go into FIFOs (<dir>/<host>/in, <dir>/<host>/#chat/in),
what it receives lands in the out files of the server, the channel and the query with the peer."""

import os
import shutil
import sys

import irc_harness as h


def drive(ctx):
    if not shutil.which("ii"):
        raise SystemExit(77)
    root = os.path.join(ctx.workdir, "ii")
    env = dict(os.environ, IIPASS=ctx.args.password)
    argv = ["ii", "-s", "127.0.0.1", "-p", str(ctx.port), "-n", h.CLIENT_NICK, "-i", root, "-f", "ii tester"]
    if ctx.args.password:
        argv += ["-k", "IIPASS"]
    log = open(os.path.join(ctx.workdir, "client.log"), "w")
    ctx.procs.start(argv, env=env, stdout=log, stderr=log)
    server_dir = os.path.join(root, "127.0.0.1")
    channel_dir = os.path.join(server_dir, h.CHANNEL)
    peer_dir = os.path.join(server_dir, h.PEER_NICK)
    ctx.diagnostics["ii server out"] = lambda: h.read_text(os.path.join(server_dir, "out"))[-1500:]
    ctx.diagnostics["ii #chat out"] = lambda: h.read_text(os.path.join(channel_dir, "out"))

    def write_fifo(directory, line):
        # Opened for writing only once ii holds the FIFO open for reading: no blocking open.
        fifo = os.path.join(directory, "in")
        h.wait_until(f"ii's FIFO {fifo}", lambda: os.path.exists(fifo))
        [fd] = h.wait_until(f"ii to read {fifo}", lambda: _open_nonblocking(fifo))
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)

    # ii writes the welcome into the server's out file once registered.
    h.wait_until("ii to register (001 in its out file)",
                 lambda: "001" in h.read_text(os.path.join(server_dir, "out"))
                 or "Welcome" in h.read_text(os.path.join(server_dir, "out")))
    write_fifo(server_dir, f"/j {h.CHANNEL}")

    def shows(where, text):
        out = os.path.join(channel_dir if where == "public" else peer_dir, "out")
        return f"<{h.PEER_NICK}> {text}" in h.read_text(out)

    h.exchange(ctx, lambda text: write_fifo(channel_dir, text),
               lambda nick, text: write_fifo(server_dir, f"/j {nick} {text}"), shows)
    write_fifo(server_dir, "/q bye")
    ctx.peer.expect("ii quitting", lambda m: m.command == "QUIT" and m.nick == h.CLIENT_NICK)


def _open_nonblocking(fifo):
    try:
        return [os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)]  # a list: descriptor 0 is true too
    except OSError:  # ENXIO: nobody reads it yet
        return None


if __name__ == "__main__":
    sys.exit(h.run(__doc__, drive))
